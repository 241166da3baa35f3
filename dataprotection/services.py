"""Data protection's writes: applying the retention schedule, legal holds, rectification notes,
and the audit of a subject access export."""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from dataprotection import retention
from dataprotection.models import LegalHold, RectificationNote, RetentionRun
from people.models import Family, Person


@transaction.atomic
def retention_apply(*, today: date, actor=None) -> RetentionRun:
    """Anonymise or delete what the schedule says is due on ``today``; once per day.

    A second call for the same day returns that day's run and does nothing more (the scheduler
    runs the job once per day, but a worker may be asked twice).
    """
    existing = RetentionRun.objects.filter(ran_for=today).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(ran_for=today, started_at=clock.now(), actor=actor)
    except IntegrityError:  # another worker started the same day first
        return RetentionRun.objects.get(ran_for=today)
    run.summary = retention.Run(run, today).apply()
    run.finished_at = clock.now()
    run.save(update_fields=["summary", "finished_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=run,
        detail={"retention": run.summary, "day": today.isoformat()},
    )
    return run


def _require(actor, perm: str) -> None:
    if not rules.has_perm(perm, actor):
        raise PermissionDenied


@transaction.atomic
def rectification_note_add(*, actor, person: Person, what: str, why: str) -> RectificationNote:
    """Record what was corrected on a person's record and why (the correction itself is made on
    the record's own page)."""
    _require(actor, "dataprotection.subject_access")
    errors = {}
    if not (what or "").strip():
        errors["what"] = "Enter what was corrected"
    if not (why or "").strip():
        errors["why"] = "Enter why it was corrected"
    if errors:
        raise ValidationError(errors)
    note = RectificationNote.objects.create(
        person=person, what_was_corrected=what.strip(), why=why.strip(), by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=note,
        detail={"person": str(person.pk), "fields": ["what_was_corrected", "why"]},
    )
    return note


@transaction.atomic
def legal_hold_place(*, actor, family: Family, reason: str) -> LegalHold:
    """Keep every record of a family, whatever the schedule says, until the hold is lifted."""
    _require(actor, "dataprotection.manage_retention")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the family's records must be kept"})
    if LegalHold.objects.filter(family=family, lifted_at__isnull=True).exists():
        raise ConflictError("The family's records are already on hold")
    hold = LegalHold.objects.create(family=family, reason=reason.strip(), placed_by=actor)
    audit_record(actor=actor, action=Action.CREATE, target=hold, detail={"family": str(family.pk)})
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold_id: int) -> LegalHold:
    _require(actor, "dataprotection.manage_retention")
    hold = lock(LegalHold, hold_id)
    if hold.lifted_at is not None:
        raise ConflictError("The hold has already been lifted")
    hold.lifted_at = clock.now()
    hold.lifted_by = actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(actor=actor, action=Action.UPDATE, target=hold, detail={"fields": ["lifted_at"]})
    return hold


@transaction.atomic
def subject_access_audit(*, actor, person: Person, file_format: str) -> None:
    """Record that everything held about a person was exported (inside the request's
    transaction: the view runs in ATOMIC_REQUESTS)."""
    audit_record(actor=actor, action=Action.EXPORT, target=person, detail={"format": file_format})
