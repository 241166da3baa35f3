"""The panel's workflows: which status may follow which, for a case, a meeting and a closure.

Every status change goes through one of these tables (``core.workflow.Workflow.move``), which
refuses a move not listed (``TransitionNotAllowed``, answered 409), saves the status, writes the
history row and the audit row. The caller locks the row first.
"""

from __future__ import annotations

from core.workflow import Workflow
from panel.models import (
    ClosureRequest,
    PanelCase,
    PanelCaseHistory,
    PanelMeeting,
    PanelMeetingHistory,
)
from panel.services.common import MAX_REASON

_S = PanelCase.Status
# A referral can be withdrawn only before the panel has decided on it; once decided, the case
# ends through the panel's closure. A returned closure puts the case back with its lead
# professional. A step up to children's social care parks the case (its episode has ended); a
# step down back into early help allocates it again, to the new episode's lead professional.
# The whole case lifecycle, with the episode's, is drawn in ADR 0016.
CASE_WORKFLOW = Workflow(
    noun="case",
    choices=PanelCase.Status,
    initial=frozenset({_S.LOGGED}),
    table={
        _S.LOGGED: frozenset({_S.DECIDED, _S.CLOSED, _S.WITHDRAWN}),
        _S.DECIDED: frozenset({_S.ALLOCATED}),
        _S.ALLOCATED: frozenset({_S.CLOSURE_REQUESTED, _S.STEPPED_UP}),
        _S.STEPPED_UP: frozenset({_S.ALLOCATED}),
        _S.CLOSURE_REQUESTED: frozenset({_S.CLOSED, _S.ALLOCATED}),
        _S.CLOSED: frozenset(),
        _S.WITHDRAWN: frozenset(),
    },
)

_M = PanelMeeting.Status
# Only a scheduled meeting changes: it is cancelled, moved to another day (the old one stays,
# pointing at the new), or, after its day, settled by the service as held (something was
# recorded at it) or not held (nothing was, within a week). A held meeting is run like a
# scheduled one, so a late record can still be added.
MEETING_WORKFLOW = Workflow(
    noun="meeting",
    choices=PanelMeeting.Status,
    initial=frozenset({_M.SCHEDULED}),
    table={
        _M.SCHEDULED: frozenset({_M.CANCELLED, _M.MOVED, _M.HELD, _M.NOT_HELD}),
        _M.CANCELLED: frozenset(),
        _M.MOVED: frozenset(),
        _M.HELD: frozenset(),
        _M.NOT_HELD: frozenset(),
    },
)

_C = ClosureRequest.Status
# The panel decides a closure once: it confirms it (the case closes) or returns it.
CLOSURE_WORKFLOW = Workflow(
    noun="closure",
    choices=ClosureRequest.Status,
    initial=frozenset({_C.PENDING}),
    table={
        _C.PENDING: frozenset({_C.CONFIRMED, _C.RETURNED}),
        _C.CONFIRMED: frozenset(),
        _C.RETURNED: frozenset(),
    },
)


def _case_history(*, record: PanelCase, actor, from_status, to_status, reason) -> None:
    PanelCaseHistory.objects.create(
        case=record,
        change=PanelCaseHistory.Change.STATUS,
        actor=actor,
        from_meeting=record.meeting,
        to_meeting=record.meeting,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:MAX_REASON],
    )


def case_move(*, actor, case: PanelCase, to_status: str, reason: str, audit_detail=None) -> str:
    """Move a (locked) case along ``CASE_WORKFLOW``; returns the status it left."""
    return CASE_WORKFLOW.move(
        case,
        to_status,
        actor=actor,
        reason=reason,
        history=_case_history,
        audit_detail=audit_detail,
    )


def _meeting_history(*, record: PanelMeeting, actor, from_status, to_status, reason) -> None:
    moved_to = record.moved_to if to_status == _M.MOVED else None
    PanelMeetingHistory.objects.create(
        meeting=record,
        change=to_status,
        actor=actor,
        from_date=record.date,
        from_starts_at=record.starts_at,
        to_date=moved_to.date if moved_to else None,
        to_starts_at=moved_to.starts_at if moved_to else None,
        reason=reason,
    )


def meeting_move_status(
    *, actor, meeting: PanelMeeting, to_status: str, reason: str, fields=(), audit_detail=None
) -> str:
    """Move a (locked) meeting along ``MEETING_WORKFLOW``, with its history row."""
    return MEETING_WORKFLOW.move(
        meeting,
        to_status,
        actor=actor,
        reason=reason,
        history=_meeting_history,
        fields=fields,
        audit_detail=audit_detail,
    )


def _closure_history(**_row) -> None:
    # A closure is decided once, and its own row keeps who decided, when and at which meeting
    # (the fields saved with the move); the case's history row tells the rest.
    return None


def closure_move(*, actor, closure: ClosureRequest, to_status: str, fields=(), audit_detail=None):
    """Move a (locked) closure along ``CLOSURE_WORKFLOW``."""
    return CLOSURE_WORKFLOW.move(
        closure,
        to_status,
        actor=actor,
        reason="",
        history=_closure_history,
        fields=fields,
        audit_detail=audit_detail,
    )
