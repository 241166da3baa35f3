"""Closing a case: the lead professional sends the case closure form, and the panel (its chair
or deputy, while quorate) confirms it or returns it with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from panel import handoffs, selectors
from panel.models import ClosureRequest, PanelCase
from panel.services.common import MAX_TEXT, clean_reason, require
from panel.services.notifications import notify_closure_returned
from panel.services.running import CHAIR_ONLY, require_quorate, running_meeting
from panel.services.workflows import case_move, closure_move


@transaction.atomic
def closure_request_submit(*, actor, case: PanelCase, summary: str) -> ClosureRequest:
    """The lead professional sends the case closure form: it goes on the next meeting's agenda."""
    case = lock(PanelCase, case.pk)
    require(
        "panel.request_closure",
        actor,
        case,
        "Only the case's lead professional can ask the panel to close it",
    )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Enter why the work with the family is done"})
    if len(summary) > MAX_TEXT:
        raise ValidationError({"summary": f"The summary must be {MAX_TEXT} characters or fewer"})
    if case.status != PanelCase.Status.ALLOCATED:
        raise ConflictError("This case cannot be put forward for closure now")
    meeting = selectors.next_meeting_after(case.panel_id, clock.today())
    closure = ClosureRequest.objects.create(
        case=case, requested_by=actor, requested_at=clock.now(), summary=summary, meeting=meeting
    )
    if meeting is not None:
        case.meeting = meeting
        case.placement_reason = ""
    else:
        case.placement_reason = selectors.NO_MEETING
    case.save(update_fields=["meeting", "placement_reason", "updated_at"])
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.CLOSURE_REQUESTED,
        reason="Case closure form sent to the panel",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=closure,
        detail={"case": case.pk, "meeting": meeting.pk if meeting else None},
    )
    return closure


def _decide(*, actor, closure: ClosureRequest, to_status: str, return_reason: str = ""):
    """Lock the closure and its case, check who and when, and move the closure."""
    closure = lock(ClosureRequest, closure.pk)
    case = lock(PanelCase, closure.case_id, select_related=("panel",))
    require("panel.decide_closure", actor, case.panel, CHAIR_ONLY)
    if closure.status != ClosureRequest.Status.PENDING:
        raise ConflictError("The panel has already decided this closure")
    if case.meeting_id is None:
        raise ConflictError("This closure is not on a meeting's agenda")
    meeting = running_meeting(case.meeting)
    require_quorate(meeting)
    closure.decided_at = clock.now()
    closure.decided_by = actor
    closure.decided_at_meeting = meeting
    fields = ["decided_at", "decided_by", "decided_at_meeting"]
    if to_status == ClosureRequest.Status.RETURNED:
        closure.return_reason = return_reason
        fields.append("return_reason")
    closure_move(
        actor=actor,
        closure=closure,
        to_status=to_status,
        fields=fields,
        audit_detail={"case": case.pk},
    )
    return closure, case


@transaction.atomic
def closure_confirm(*, actor, closure: ClosureRequest) -> ClosureRequest:
    """The panel is satisfied no more work is needed: the case is CLOSED."""
    closure, case = _decide(actor=actor, closure=closure, to_status=ClosureRequest.Status.CONFIRMED)
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.CLOSED,
        reason="Closure confirmed by the panel",
    )
    handoffs.receiver().closure_confirmed(actor=actor, case=case)
    return closure


@transaction.atomic
def closure_return(*, actor, closure: ClosureRequest, reason: str) -> ClosureRequest:
    """The panel is not yet satisfied: the case goes back to the lead professional, with why."""
    reason = clean_reason(reason)
    closure, case = _decide(
        actor=actor, closure=closure, to_status=ClosureRequest.Status.RETURNED, return_reason=reason
    )
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.ALLOCATED,
        reason=f"Closure returned: {reason}",
    )
    handoffs.receiver().closure_returned(actor=actor, case=case, reason=reason)
    notify_closure_returned(closure=closure)
    return closure
