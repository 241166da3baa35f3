"""Writes for risk and vulnerability factors: record, confirm, end, and revisit them all at a plan
review. Keyword-only, typed, one transaction each, permission-checked, version-checked and
audited. Callers pass records already read through the scoped selectors (out of scope is 404
before anything here runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework.models import PlanReview
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_all
from core.errors import ConflictError
from core.workflow import Workflow
from people.models import Family, FamilyMember, Person
from risk_factors.models import (
    ADULT_FACTORS,
    CHILD_FACTORS,
    Factor,
    FactorReview,
    FactorReviewItem,
    RiskFactor,
    RiskFactorHistory,
    Source,
)
from risk_factors.offers import Offer, is_under_18_months

MAX_DETAIL = 2000

# The words for each refusal: the page's form and the API's serializer say the same.
FACTOR_MISSING = "Select the risk or vulnerability factor"
SOURCE_MISSING = "Select where this came from"
NOTED_MISSING = "Enter the date it was first known"
NOTED_FUTURE = "The date it was first known must be today or in the past"
CHILD_NEEDED = "Select the child this is about"
ADULT_NEEDED = "Select a parent or carer, or no one"
NOT_A_MEMBER = "Select someone who is a member of this family"
NOT_UNDER_18_MONTHS = "The child was not under 18 months old on that date"
DETAIL_TOO_LONG = f"The details must be {MAX_DETAIL:,} characters or fewer"
ENDED_MISSING = "Enter the date it ended"
ENDED_FUTURE = "The date it ended must be today or in the past"
ENDED_BEFORE_NOTED = "The date it ended must be on or after the date it was first known"
REASON_MISSING = "Enter what changed"
CONFIRMED_FUTURE = "The date must be today or in the past"
STALE = "Someone else changed this factor since you opened it. Check it and try again."
ANSWER_MISSING = "Select whether it is still present"
CHANGED_MISSING = "Enter what changed, now it is no longer present"
REVIEW_CLOSED = "The episode has ended: its factors are no longer reviewed here"

WORKFLOW = Workflow(
    noun="risk factor",
    choices=RiskFactor.Status,
    initial=frozenset({RiskFactor.Status.PRESENT}),
    table={
        RiskFactor.Status.PRESENT: frozenset({RiskFactor.Status.ENDED}),
        RiskFactor.Status.ENDED: frozenset(),
    },
)


def _require_record(actor) -> None:
    if not rules.has_perm("risk_factors.record_factor", actor):
        raise PermissionDenied("You do not have permission to record risk factors")


def _history(*, risk_factor, actor, change, from_status, to_status, on, reason=""):
    return RiskFactorHistory.objects.create(
        risk_factor=risk_factor,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        change=change,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason,
    )


def _check_version(risk_factor: RiskFactor, expected_version: int) -> None:
    if risk_factor.version != expected_version:
        raise StaleVersionError(STALE)


def factor_errors(
    *,
    family: Family,
    factor: str,
    person: Person | None,
    noted_on: date | None,
    source: str,
    source_detail: str,
) -> dict[str, str]:
    """What is wrong with a new factor, by field (the rules of a factor, in one place)."""
    errors: dict[str, str] = {}
    if factor not in Factor.values:
        errors["factor"] = FACTOR_MISSING
    if source not in Source.values:
        errors["source"] = SOURCE_MISSING
    if noted_on is None:
        errors["noted_on"] = NOTED_MISSING
    elif noted_on > clock.today():
        errors["noted_on"] = NOTED_FUTURE
    if len(source_detail) > MAX_DETAIL:
        errors["source_detail"] = DETAIL_TOO_LONG
    if (
        person is not None
        and not FamilyMember.objects.filter(family=family, person=person).exists()
    ):
        errors["person"] = NOT_A_MEMBER
    elif factor in CHILD_FACTORS:
        if person is None or person.kind != Person.Kind.CHILD:
            errors["person"] = CHILD_NEEDED
        elif (
            factor == Factor.CHILD_UNDER_18_MONTHS
            and noted_on is not None
            and person.date_of_birth is not None
            and not is_under_18_months(person.date_of_birth, noted_on)
        ):
            errors["noted_on"] = NOT_UNDER_18_MONTHS
    elif factor in ADULT_FACTORS and person is not None and person.kind != Person.Kind.ADULT:
        errors["person"] = ADULT_NEEDED
    return errors


@transaction.atomic
def risk_factor_record(
    *,
    actor,
    family: Family,
    factor: str,
    noted_on: date | None,
    source: str,
    source_detail: str = "",
    person: Person | None = None,
) -> RiskFactor:
    """Record a factor as present for the family (and the person it concerns)."""
    _require_record(actor)
    source_detail = (source_detail or "").strip()
    errors = factor_errors(
        family=family,
        factor=factor,
        person=person,
        noted_on=noted_on,
        source=source,
        source_detail=source_detail,
    )
    if errors:
        raise ValidationError(errors)
    # One present factor of a kind per person (or per family, when no one is named): the family
    # row is the lock, so two people recording the same thing at once make one row.
    lock(Family, family.pk)
    duplicate = RiskFactor.objects.filter(
        family=family, factor=factor, person=person, status=RiskFactor.Status.PRESENT
    )
    if duplicate.exists():
        raise ConflictError(
            f"{Factor(factor).label} is already recorded as present"
            + (" for this person" if person is not None else " for this family")
        )
    risk_factor = RiskFactor.objects.create(
        family=family,
        person=person,
        factor=factor,
        noted_on=noted_on,
        source=source,
        source_detail=source_detail,
        recorded_by=actor,
    )
    _history(
        risk_factor=risk_factor,
        actor=actor,
        change=RiskFactorHistory.Change.RECORDED,
        from_status="",
        to_status=RiskFactor.Status.PRESENT,
        on=noted_on,
        reason=source_detail,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=risk_factor,
        detail={
            "family": str(family.pk),
            "factor": factor,
            "source": source,
            "names_person": person is not None,
        },
    )
    return risk_factor


@transaction.atomic
def risk_factor_end(
    *, actor, risk_factor: RiskFactor, expected_version: int, ended_on: date | None, reason: str
) -> RiskFactor:
    """Record that a factor is no longer present, when and why."""
    _require_record(actor)
    reason = (reason or "").strip()
    current = lock(RiskFactor, risk_factor.pk)
    _check_version(current, expected_version)
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = ENDED_MISSING
    elif ended_on > clock.today():
        errors["ended_on"] = ENDED_FUTURE
    elif ended_on < current.noted_on:
        errors["ended_on"] = ENDED_BEFORE_NOTED
    if not reason:
        errors["reason"] = REASON_MISSING
    elif len(reason) > MAX_DETAIL:
        errors["reason"] = DETAIL_TOO_LONG
    if errors:
        raise ValidationError(errors)
    current.ended_on = ended_on
    current.version += 1

    def history(*, record, actor, from_status, to_status, reason):
        _history(
            risk_factor=record,
            actor=actor,
            change=RiskFactorHistory.Change.ENDED,
            from_status=from_status,
            to_status=to_status,
            on=ended_on,
            reason=reason,
        )

    WORKFLOW.move(
        current,
        RiskFactor.Status.ENDED,
        actor=actor,
        reason=reason,
        history=history,
        fields=["ended_on", "version"],
        audit_detail={"factor": current.factor},
    )
    return current


@transaction.atomic
def risk_factor_confirm(
    *,
    actor,
    risk_factor: RiskFactor,
    expected_version: int,
    confirmed_on: date | None = None,
    note: str = "",
) -> RiskFactor:
    """Record that a factor is still present (at a review, or on new information)."""
    _require_record(actor)
    note = (note or "").strip()
    confirmed_on = confirmed_on or clock.today()
    current = lock(RiskFactor, risk_factor.pk)
    _check_version(current, expected_version)
    if not current.is_present:
        raise ConflictError("A factor that is no longer present cannot be confirmed")
    errors: dict[str, str] = {}
    if confirmed_on > clock.today():
        errors["confirmed_on"] = CONFIRMED_FUTURE
    if len(note) > MAX_DETAIL:
        errors["note"] = DETAIL_TOO_LONG
    if errors:
        raise ValidationError(errors)
    current.confirmed_on = confirmed_on
    current.version += 1
    current.save(update_fields=["confirmed_on", "version", "updated_at"])
    _history(
        risk_factor=current,
        actor=actor,
        change=RiskFactorHistory.Change.CONFIRMED,
        from_status=current.status,
        to_status=current.status,
        on=confirmed_on,
        reason=note,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=current,
        detail={"fields": ["confirmed_on"], "factor": current.factor},
    )
    return current


@transaction.atomic
def risk_factor_accept_offer(*, actor, family: Family, offer: Offer) -> RiskFactor:
    """Record an offered factor as it was offered (the one click on the page)."""
    return risk_factor_record(
        actor=actor,
        family=family,
        factor=offer.factor,
        person=offer.person,
        noted_on=clock.today(),
        source=offer.source,
        source_detail=offer.source_detail,
    )


@dataclass(frozen=True)
class ReviewAnswer:
    """One present factor at a review: still present (True), no longer (False) or not answered
    (None); what changed; and the version the reviewer read."""

    risk_factor_id: int
    still_present: bool | None
    what_changed: str
    version: int


def answer_field(risk_factor_id) -> str:
    return f"factor_{risk_factor_id}"


def changed_field(risk_factor_id) -> str:
    return f"changed_{risk_factor_id}"


@transaction.atomic
def risk_factors_review_record(
    *,
    actor,
    plan_review: PlanReview,
    answers: Sequence[ReviewAnswer],
    accept: Sequence[Offer] = (),
) -> FactorReview:
    """Revisit the family's present factors at a plan review: each still present or not, with
    what changed; factors no longer present end; offers accepted are recorded. One review row
    links it all to the plan review."""
    if not rules.has_perm("risk_factors.review_factors", actor, plan_review):
        raise PermissionDenied("Only whoever may change the episode reviews its factors")
    episode = plan_review.episode
    family = episode.family
    if not episode.is_open:
        raise ConflictError(REVIEW_CLOSED)
    present = {
        factor.pk: factor
        for factor in lock_all(
            RiskFactor.objects.filter(family=family, status=RiskFactor.Status.PRESENT)
        )
    }
    by_id = {answer.risk_factor_id: answer for answer in answers}
    errors: dict[str, str] = {}
    for pk in present:
        answer = by_id.get(pk)
        if answer is None or answer.still_present is None:
            errors[answer_field(pk)] = ANSWER_MISSING
            continue
        what_changed = (answer.what_changed or "").strip()
        if answer.still_present is False and not what_changed:
            errors[changed_field(pk)] = CHANGED_MISSING
        elif len(what_changed) > MAX_DETAIL:
            errors[changed_field(pk)] = DETAIL_TOO_LONG
    unknown = [pk for pk in by_id if pk not in present]
    if unknown:
        # A factor someone else ended after the page was read: the page is out of date.
        raise StaleVersionError(STALE)
    for pk, answer in by_id.items():
        if present[pk].version != answer.version:
            raise StaleVersionError(STALE)
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    review = FactorReview.objects.create(
        plan_review=plan_review, family=family, reviewed_on=today, reviewed_by=actor
    )
    ended = confirmed = 0
    for pk, factor in present.items():
        answer = by_id[pk]
        what_changed = (answer.what_changed or "").strip()
        if answer.still_present:
            risk_factor_confirm(
                actor=actor,
                risk_factor=factor,
                expected_version=answer.version,
                confirmed_on=today,
                note=what_changed,
            )
            outcome = FactorReviewItem.Outcome.STILL_PRESENT
            confirmed += 1
        else:
            risk_factor_end(
                actor=actor,
                risk_factor=factor,
                expected_version=answer.version,
                ended_on=today,
                reason=what_changed,
            )
            outcome = FactorReviewItem.Outcome.ENDED
            ended += 1
        FactorReviewItem.objects.create(
            review=review, risk_factor=factor, outcome=outcome, what_changed=what_changed
        )
    for offer in accept:
        added = risk_factor_accept_offer(actor=actor, family=family, offer=offer)
        FactorReviewItem.objects.create(
            review=review,
            risk_factor=added,
            outcome=FactorReviewItem.Outcome.ADDED,
            what_changed=offer.source_detail,
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=review,
        detail={
            "plan_review": plan_review.pk,
            "confirmed": confirmed,
            "ended": ended,
            "added": len(accept),
        },
    )
    return review
