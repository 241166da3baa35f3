"""Writes for the patterns app: disguised compliance, recorded and withdrawn.

A record is never edited: one made in error is withdrawn with a reason (``WORKFLOW``), and each
change writes a history row, an audit row and an entry on the children's chronology, in the
same transaction.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casework.models import Contact, Episode, PlanReview
from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from core.workflow import Workflow
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from patterns.wording import long_date
from people.models import ChronologyEntry
from people.selectors import family_children
from people.services import chronology_record

Status = DisguisedComplianceRecord.Status
TEXT_LIMIT = 5000
RECORD_TYPE = "patterns_episode"  # the chronology links to the episode's patterns page

WORKFLOW = Workflow(
    noun="record of disguised compliance",
    choices=Status,
    initial=frozenset({Status.CURRENT}),
    table={
        Status.CURRENT: frozenset({Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset(),
    },
)

REQUIRED = {
    "agreed": "Enter what was agreed",
    "not_done": "Enter what was not done",
    "family_says": "Enter what the family says",
    "evidence": "Enter the evidence",
}


def _history(*, record, actor, from_status, to_status, reason) -> None:
    DisguisedComplianceHistory.objects.create(
        record=record, actor=actor, from_status=from_status, to_status=to_status, reason=reason
    )


def _texts(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    cleaned = {}
    for name, value in values.items():
        value = (value or "").strip()
        if not value:
            errors[name] = REQUIRED[name]
        elif len(value) > TEXT_LIMIT:
            errors[name] = f"This must be {TEXT_LIMIT:,} characters or fewer"
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _on_what(episode: Episode, contact: Contact | None, review: PlanReview | None):
    if (contact is None) == (review is None):
        raise ValidationError({"on": "Choose the contact or plan review it was seen at"})
    if contact is not None:
        if contact.episode_id != episode.pk:
            raise ValidationError({"on": "Choose a contact of this episode"})
        return contact.happened_on, f"a contact on {long_date(contact.happened_on)}"
    if review.episode_id != episode.pk:
        raise ValidationError({"on": "Choose a plan review of this episode"})
    if review.held_on is None:
        raise ValidationError({"on": "Choose a plan review that has been held"})
    return review.held_on, f"the plan review on {long_date(review.held_on)}"


@transaction.atomic
def disguised_compliance_record(
    *,
    actor,
    episode: Episode,
    contact: Contact | None = None,
    review: PlanReview | None = None,
    agreed: str,
    not_done: str,
    family_says: str,
    evidence: str,
) -> DisguisedComplianceRecord:
    """Record disguised compliance seen at one of the episode's contacts or held plan reviews:
    actions agreed but not done while the family says they are engaging, with the evidence."""
    if not rules.has_perm("patterns.record_disguised_compliance", actor, episode):
        raise PermissionDenied("Only the lead professional or their manager may record this")
    texts = _texts(
        {"agreed": agreed, "not_done": not_done, "family_says": family_says, "evidence": evidence}
    )
    occurred_on, where = _on_what(episode, contact, review)
    episode = lock(Episode, episode.pk, select_related=("family",))
    if not episode.is_open:
        raise ConflictError(
            "The episode has ended: disguised compliance is recorded while it is open"
        )
    if occurred_on > clock.today():
        raise ValidationError({"on": "Choose a contact or review that has happened"})
    record = DisguisedComplianceRecord.objects.create(
        episode=episode,
        contact=contact,
        review=review,
        occurred_on=occurred_on,
        recorded_by=actor,
        **texts,
    )
    _history(
        record=record, actor=actor, from_status="", to_status=Status.CURRENT, reason="Recorded"
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=record,
        detail={"episode": str(episode.pk), "on": record.on_what},
    )
    chronology_record(
        actor=actor,
        people=family_children(episode.family),
        summary=f"Disguised compliance recorded at {where}",
        source="Early help episode",
        record_type=RECORD_TYPE,
        record_id=episode.pk,
        event="disguised_compliance_recorded",
        category=ChronologyEntry.Category.SERVICE,
        occurred_on=occurred_on,
    )
    return record


@transaction.atomic
def disguised_compliance_withdraw(
    *, actor, record: DisguisedComplianceRecord, reason: str
) -> DisguisedComplianceRecord:
    """Withdraw a record made in error, with the reason; it stays, marked withdrawn."""
    if not rules.has_perm("patterns.withdraw_disguised_compliance", actor, record):
        raise PermissionDenied("Only the lead professional or their manager may withdraw this")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the record is withdrawn"})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": f"This must be {TEXT_LIMIT:,} characters or fewer"})
    record = lock(DisguisedComplianceRecord, record.pk, select_related=("episode__family",))
    record.withdrawn_reason = reason
    record.withdrawn_by = actor
    record.withdrawn_at = timezone.now()
    WORKFLOW.move(
        record,
        Status.WITHDRAWN,
        actor=actor,
        reason=reason,
        history=_history,
        fields=("withdrawn_reason", "withdrawn_by", "withdrawn_at"),
    )
    chronology_record(
        actor=actor,
        people=family_children(record.episode.family),
        summary=(
            f"A record of disguised compliance (seen on {long_date(record.occurred_on)}) "
            "was withdrawn"
        ),
        source="Early help episode",
        record_type=RECORD_TYPE,
        record_id=record.episode_id,
        event="disguised_compliance_withdrawn",
        category=ChronologyEntry.Category.SERVICE,
    )
    return record
