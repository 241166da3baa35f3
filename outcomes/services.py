"""Writes for outcomes: mapping a plan outcome to framework outcomes, recording its scores, and
the sustained check after an episode ends.

A score is never changed: ``outcome_score_record`` adds a row, and a correction is a new row that
supersedes the one it corrects. The rules, in the order they are checked:

- the score is a whole number on the council's scale; the evidence says what it is and where it
  comes from, and its date is not in the future;
- a plan outcome has one baseline (a correction supersedes it), recorded before any other score;
- a review score names a held review of the same episode (one per review, corrections aside);
- a closure score only once the episode's closure has been sent to the panel or confirmed;
- a sustained score only by answering the episode's sustained check.

Every service is keyword-only, transactional and audited, and asks the permission itself
(``outcomes.record_scores`` or ``outcomes.answer_sustained_check``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q

from casework.models import Episode, PlanOutcome, PlanReview
from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from outcomes.models import (
    FrameworkOutcome,
    OutcomeLink,
    OutcomeScale,
    OutcomeScore,
    OutcomeSustainedCheck,
    ScoreKind,
)
from people.services import past_date_error

TEXT_LIMIT = 5000
SOURCE_LIMIT = 200
FUTURE = "The date of the evidence must be today or in the past"
DEFAULT_SCALE = OutcomeScale(lowest=0, highest=10)

# The messages, shared by the page and the API (the service raises them for both).
NEED_BASELINE = "Record a baseline for this outcome before any other score"
HAS_BASELINE = (
    "This outcome already has a baseline. To put a mistake right, correct the baseline instead"
)
REVIEW_REQUIRED = "Choose the plan review the score was given at"
REVIEW_NOT_HELD = "Choose a plan review that has been held for this episode"
REVIEW_SCORED = "This outcome already has a score for that review. To change it, correct that score"
CLOSURE_NOT_SENT = "A closure score can be recorded once the episode's closure has been sent"
CLOSURE_SCORED = "This outcome already has a closure score. To change it, correct that score"
SUSTAINED_BY_CHECK = "A sustained score is recorded by answering the episode's sustained check"
SUPERSEDES_WRONG = "Choose a current score of this outcome, of the same kind, to correct"
CORRECTION_REASON = "Say why the score is being corrected"


def scale() -> OutcomeScale:
    """The council's scale (the pack's ``outcomes.scoring``), or 0 to 10 before a pack sets one."""
    return OutcomeScale.objects.filter(pk=1).first() or DEFAULT_SCALE


def _text_error(value: str, *, required: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        return required
    if len(value) > limit:
        return f"This must be {limit:,} characters or fewer"
    return ""


@dataclass(frozen=True)
class Evidence:
    score: int | None
    what: str
    source: str
    on: date | None


def evidence_errors(evidence: Evidence, *, today: date) -> dict:
    """The input rules of a score and its evidence, by field."""
    errors = {}
    current = scale()
    if (
        evidence.score is None
        or isinstance(evidence.score, bool)
        or not isinstance(evidence.score, int)
        or not current.lowest <= evidence.score <= current.highest
    ):
        errors["score"] = (
            f"Enter a score from {current.lowest} ({current.lowest_words}) "
            f"to {current.highest} ({current.highest_words})"
        )
    message = _text_error(evidence.what, required="Enter what the evidence is")
    if message:
        errors["evidence_what"] = message
    message = _text_error(
        evidence.source, required="Enter where the evidence comes from", limit=SOURCE_LIMIT
    )
    if message:
        errors["evidence_source"] = message
    if evidence.on is None:
        errors["evidence_on"] = "Enter the date of the evidence"
    else:
        message = past_date_error(evidence.on, FUTURE, today=today)
        if message:
            errors["evidence_on"] = message
    return errors


def _episode_of(plan_outcome: PlanOutcome) -> Episode:
    return plan_outcome.plan.episode


def _require(actor, episode: Episode) -> None:
    if not rules.has_perm("outcomes.record_scores", actor, episode):
        raise PermissionDenied("You may not record outcomes for this episode")


def current_scores(plan_outcome: PlanOutcome):
    """The scores of a plan outcome that no correction has superseded."""
    return OutcomeScore.objects.filter(plan_outcome=plan_outcome, superseded_by__isnull=True)


# --- Links --------------------------------------------------------------------------


@transaction.atomic
def outcome_link_add(
    *, actor, plan_outcome: PlanOutcome, framework_outcome: FrameworkOutcome
) -> OutcomeLink:
    episode = _episode_of(plan_outcome)
    _require(actor, episode)
    lock(PlanOutcome, plan_outcome.pk)
    if not (framework_outcome.in_pack and framework_outcome.framework.in_pack):
        raise ValidationError(
            {"framework_outcome": "Choose an outcome from a framework the council uses"}
        )
    if OutcomeLink.objects.filter(
        plan_outcome=plan_outcome, framework_outcome=framework_outcome, removed_at__isnull=True
    ).exists():
        raise ConflictError("This plan outcome is already mapped to that framework outcome")
    link = OutcomeLink.objects.create(
        plan_outcome=plan_outcome,
        framework_outcome=framework_outcome,
        episode=episode,
        linked_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=link,
        detail={"episode": str(episode.pk), "framework_outcome": framework_outcome.pk},
    )
    return link


@transaction.atomic
def outcome_link_remove(*, actor, link: OutcomeLink, reason: str) -> OutcomeLink:
    _require(actor, link.episode)
    link = lock(OutcomeLink, link.pk)
    if link.removed_at is not None:
        raise ConflictError("This mapping has already been removed")
    message = _text_error(reason, required="Say why the mapping is being removed")
    if message:
        raise ValidationError({"reason": message})
    link.removed_at = clock.now()
    link.removed_by = actor
    link.removed_reason = reason.strip()
    link.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    audit_record(actor=actor, action=Action.UPDATE, target=link, detail={"change": "removed"})
    return link


# --- Scores -------------------------------------------------------------------------


def _check_supersedes(plan_outcome, kind, plan_review, supersedes, correction_reason) -> None:
    if supersedes is None:
        return
    if (
        supersedes.plan_outcome_id != plan_outcome.pk
        or supersedes.kind != kind
        or (
            kind == ScoreKind.REVIEW
            and supersedes.plan_review_id != getattr(plan_review, "pk", None)
        )
        or OutcomeScore.objects.filter(supersedes=supersedes).exists()
    ):
        raise ConflictError({"supersedes": SUPERSEDES_WRONG})
    if _text_error(correction_reason, required=CORRECTION_REASON):
        raise ValidationError({"correction_reason": CORRECTION_REASON})


def _check_state(*, plan_outcome, episode, kind, plan_review, supersedes) -> None:
    current = current_scores(plan_outcome)
    if supersedes is not None:
        current = current.exclude(pk=supersedes.pk)
    baseline = current.filter(kind=ScoreKind.BASELINE).exists() or (
        supersedes is not None and supersedes.kind == ScoreKind.BASELINE
    )
    if kind == ScoreKind.BASELINE:
        if supersedes is None and baseline:
            raise ConflictError({"kind": HAS_BASELINE})
        return
    if not baseline:
        raise ConflictError({"kind": NEED_BASELINE})
    if kind == ScoreKind.REVIEW:
        if plan_review is None:
            raise ValidationError({"plan_review": REVIEW_REQUIRED})
        if plan_review.episode_id != episode.pk or plan_review.held_on is None:
            raise ValidationError({"plan_review": REVIEW_NOT_HELD})
        if current.filter(kind=ScoreKind.REVIEW, plan_review=plan_review).exists():
            raise ConflictError({"plan_review": REVIEW_SCORED})
    elif kind == ScoreKind.CLOSURE:
        sent = episode.status in (Episode.Status.CLOSURE_REQUESTED, Episode.Status.CLOSED)
        if not sent:
            raise ConflictError({"kind": CLOSURE_NOT_SENT})
        if current.filter(kind=ScoreKind.CLOSURE).exists():
            raise ConflictError({"kind": CLOSURE_SCORED})


def _write_score(
    *,
    actor,
    plan_outcome,
    episode,
    kind,
    evidence: Evidence,
    plan_review,
    supersedes,
    correction_reason,
    sustained=None,
) -> OutcomeScore:
    score = OutcomeScore.objects.create(
        episode=episode,
        plan_outcome=plan_outcome,
        kind=kind,
        plan_review=plan_review if kind == ScoreKind.REVIEW else None,
        score=evidence.score,
        sustained=sustained,
        evidence_what=evidence.what.strip(),
        evidence_source=evidence.source.strip(),
        evidence_on=evidence.on,
        supersedes=supersedes,
        correction_reason=(correction_reason or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=score,
        detail={
            "episode": str(episode.pk),
            "kind": kind,
            "correction": supersedes is not None,
        },
    )
    return score


@transaction.atomic
def outcome_score_record(
    *,
    actor,
    plan_outcome: PlanOutcome,
    kind: str,
    score: int | None,
    evidence_what: str,
    evidence_source: str,
    evidence_on: date | None,
    plan_review: PlanReview | None = None,
    supersedes: OutcomeScore | None = None,
    correction_reason: str = "",
) -> OutcomeScore:
    """Add a score to a plan outcome (never changing an earlier one)."""
    episode = _episode_of(plan_outcome)
    _require(actor, episode)
    # One writer at a time per plan outcome, so two baselines cannot both be first.
    lock(PlanOutcome, plan_outcome.pk)
    episode = Episode.objects.get(pk=episode.pk)
    if kind not in ScoreKind.values:
        raise ValidationError({"kind": "Choose what the score is for"})
    if kind == ScoreKind.SUSTAINED:
        raise ValidationError({"kind": SUSTAINED_BY_CHECK})
    evidence = Evidence(score=score, what=evidence_what, source=evidence_source, on=evidence_on)
    errors = evidence_errors(evidence, today=clock.today())
    if errors:
        raise ValidationError(errors)
    _check_supersedes(plan_outcome, kind, plan_review, supersedes, correction_reason)
    _check_state(
        plan_outcome=plan_outcome,
        episode=episode,
        kind=kind,
        plan_review=plan_review,
        supersedes=supersedes,
    )
    return _write_score(
        actor=actor,
        plan_outcome=plan_outcome,
        episode=episode,
        kind=kind,
        evidence=evidence,
        plan_review=plan_review,
        supersedes=supersedes,
        correction_reason=correction_reason,
    )


# --- The sustained check --------------------------------------------------------------


def sustained_checks_create(*, today: date) -> dict:
    """Open the sustained check of each closed episode whose outcomes are mapped to a framework,
    due the shortest ``sustained_after_months`` of those frameworks after the episode ended. Run
    daily; safe to run again (an episode has one check)."""
    candidates = (
        Episode.objects.filter(
            status=Episode.Status.CLOSED,
            ended_on__isnull=False,
            ended_on__lt=today,
            sustained_check__isnull=True,
        )
        .annotate(
            months=Min(
                "plan__outcomes__framework_links__framework_outcome__framework__sustained_after_months",
                filter=Q(plan__outcomes__framework_links__removed_at__isnull=True),
            )
        )
        .filter(months__isnull=False)
        .values_list("pk", "ended_on", "months")
    )
    created = 0
    with transaction.atomic():
        for pk, ended_on, months in candidates:
            due_on = clock.add_months(ended_on, months)
            if due_on > today:
                continue
            _, made = OutcomeSustainedCheck.objects.get_or_create(
                episode_id=pk, defaults={"due_on": due_on}
            )
            created += int(made)
    if created:
        audit_record(
            actor=None,
            action=Action.CREATE,
            target="outcomes.outcomesustainedcheck",
            detail={"by": "schedule", "created": created},
        )
    return {"created": created}


@transaction.atomic
def sustained_answer_record(
    *,
    actor,
    check: OutcomeSustainedCheck,
    plan_outcome: PlanOutcome,
    sustained: bool | None,
    score: int | None,
    evidence_what: str,
    evidence_source: str,
    evidence_on: date | None,
) -> OutcomeScore:
    """Answer the sustained check for one plan outcome; the check is answered once every plan
    outcome of the episode with a baseline has its answer."""
    check = lock(OutcomeSustainedCheck, check.pk, select_related=("episode",))
    episode = check.episode
    if not rules.has_perm("outcomes.answer_sustained_check", actor, episode):
        raise PermissionDenied("Only the lead professional or their team manager answers this")
    if plan_outcome.plan.episode_id != episode.pk:
        raise ValidationError({"plan_outcome": "Choose an outcome of this episode's plan"})
    errors = {}
    if sustained is None:
        errors["sustained"] = "Say whether the outcome was sustained"
    evidence = Evidence(score=score, what=evidence_what, source=evidence_source, on=evidence_on)
    errors.update(evidence_errors(evidence, today=clock.today()))
    if errors:
        raise ValidationError(errors)
    if current_scores(plan_outcome).filter(kind=ScoreKind.SUSTAINED).exists():
        raise ConflictError({"plan_outcome": "This outcome's sustained check has been answered"})
    if not current_scores(plan_outcome).filter(kind=ScoreKind.BASELINE).exists():
        raise ConflictError({"plan_outcome": NEED_BASELINE})
    made = _write_score(
        actor=actor,
        plan_outcome=plan_outcome,
        episode=episode,
        kind=ScoreKind.SUSTAINED,
        evidence=evidence,
        plan_review=None,
        supersedes=None,
        correction_reason="",
        sustained=sustained,
    )
    waiting = (
        PlanOutcome.objects.filter(plan__episode=episode, scores__kind=ScoreKind.BASELINE)
        .exclude(scores__kind=ScoreKind.SUSTAINED)
        .exists()
    )
    if not waiting:
        check.status = OutcomeSustainedCheck.Status.ANSWERED
        check.answered_at = clock.now()
        check.answered_by = actor
        check.save(update_fields=["status", "answered_at", "answered_by"])
    return made
