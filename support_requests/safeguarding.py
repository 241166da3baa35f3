"""The safeguarding stop: what every stop does, whichever path raised it.

A request's triage, a practitioner's request and an assessment each stop the early help path
when CIN or child protection concerns are recorded. What the user did next is recorded the
same way for all three: a next step from the list, a reason when they say they were wrong,
once only, audited. What happens to the request or assessment afterwards belongs to the caller.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core import clock
from core.audit import Action, audit_record
from support_requests.models import SafeguardingStop

NEXT_STEP_REQUIRED = "Select what you have done"
REASON_REQUIRED = "Enter why there are no child in need or child protection concerns"
ALREADY_RECORDED = "What happened after this stop has already been recorded"


def check_next_step(*, next_step: str, reason: str) -> None:
    """Refuse a next step that is not on the list, or 'I was wrong' without its reason."""
    if next_step not in SafeguardingStop.NextStep.values:
        raise ValidationError({"next_step": NEXT_STEP_REQUIRED})
    if next_step == SafeguardingStop.NextStep.WAS_WRONG and not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})


def write_next_step(*, actor, locked: SafeguardingStop, next_step: str, reason: str) -> None:
    """Record the next step on a locked, pending stop, audited. The stop itself is kept."""
    locked.next_step = next_step
    locked.reason = reason.strip()
    locked.next_step_at = clock.now()
    locked.save(update_fields=["next_step", "reason", "next_step_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["next_step", "reason"], "next_step": next_step},
    )


def copy_next_step(*, stop: SafeguardingStop, locked: SafeguardingStop) -> None:
    """Let the caller's copy of the stop show what was recorded on the locked row."""
    stop.next_step, stop.reason, stop.next_step_at = (
        locked.next_step,
        locked.reason,
        locked.next_step_at,
    )
