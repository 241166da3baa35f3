"""The request's workflow: which status may follow which, and the one helper that moves it.

The outcomes of triage, and a referral to the duty team after a safeguarding stop, end the
request's time in the queue. A practitioner's request with safeguarding concerns is created as
referred to the duty team; every other request starts as received.

After triage agreed an assessment (or a referral to the panel), the request follows the family's
case, moved by the app where each event happens (``support_request_follow_case``):

    assessment agreed -> assessment started -> referred to the panel
        -> lead professional allocated -> support ended

A later step may arrive without the earlier ones (an assessment started before requests
followed their case; support ended without a panel), so each step may follow any earlier one.
"""

from __future__ import annotations

from core.concurrency import lock
from core.workflow import Workflow
from support_requests.models import SupportRequest, SupportRequestHistory

Status = SupportRequest.Status

TRIAGE_OUTCOMES = frozenset(
    {
        Status.SIGNPOSTED,
        Status.SINGLE_AGENCY,
        Status.ASSESSMENT,
        Status.PANEL_REFERRAL,
        Status.REFERRED_TO_DUTY_TEAM,
    }
)

# The steps after triage, in the order a case reaches them.
FOLLOW_STEPS: tuple[str, ...] = (
    Status.ASSESSMENT,
    Status.ASSESSMENT_STARTED,
    Status.PANEL_REFERRAL,
    Status.LEAD_PROFESSIONAL_ALLOCATED,
    Status.SUPPORT_ENDED,
)
# The statuses a higher app may move a request to as the case moves on.
FOLLOW_TARGETS = frozenset(FOLLOW_STEPS[1:])


def _later_steps(status: str) -> frozenset[str]:
    return frozenset(FOLLOW_STEPS[FOLLOW_STEPS.index(status) + 1 :])


REQUEST_WORKFLOW = Workflow(
    noun="request",
    choices=Status,
    initial=frozenset({Status.RECEIVED}),
    table={
        Status.RECEIVED: frozenset({Status.IN_TRIAGE, Status.CLOSED}),
        Status.IN_TRIAGE: TRIAGE_OUTCOMES | {Status.CLOSED},
        Status.SIGNPOSTED: frozenset(),
        Status.SINGLE_AGENCY: frozenset(),
        Status.ASSESSMENT: _later_steps(Status.ASSESSMENT),
        Status.ASSESSMENT_STARTED: _later_steps(Status.ASSESSMENT_STARTED),
        Status.PANEL_REFERRAL: _later_steps(Status.PANEL_REFERRAL),
        Status.LEAD_PROFESSIONAL_ALLOCATED: _later_steps(Status.LEAD_PROFESSIONAL_ALLOCATED),
        Status.SUPPORT_ENDED: frozenset(),
        Status.REFERRED_TO_DUTY_TEAM: frozenset(),
        Status.CLOSED: frozenset(),
    },
)


def record_history(*, record, actor, from_status: str, to_status: str, reason: str):
    """The request's append-only history row: who, when, from, to and why."""
    return SupportRequestHistory.objects.create(
        support_request=record,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def move(*, actor, support_request: SupportRequest, to_status: str, reason: str) -> SupportRequest:
    """Move a request to ``to_status`` if its workflow allows it, with its history and audit."""
    # Lock the row: of two people pressing the same button, the second sees the new status.
    locked = lock(SupportRequest, support_request.pk)
    REQUEST_WORKFLOW.move(locked, to_status, actor=actor, reason=reason, history=record_history)
    support_request.status = locked.status
    support_request.updated_at = locked.updated_at
    return locked
