"""Scoped reads of outcomes: the one place their access rule lives. An episode's links, scores
and sustained check are seen by whoever may see the episode (``casework.selectors.episodes_for``),
so one out of scope is simply not found (404).

Distance travelled is the latest current score minus the baseline, per plan outcome; per family
the mean over its plan outcomes that have both; per child the mean over the plan outcomes that
concern that child (``PlanOutcome.concerns``). Each is worked out in the database, so a page costs
the same few queries however many outcomes it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from casework.models import Episode, PlanOutcome, PlanReview
from casework.selectors import episodes_for
from outcomes.models import (
    FrameworkOutcome,
    OutcomeFramework,
    OutcomeLink,
    OutcomeScore,
    OutcomeSustainedCheck,
    ScoreKind,
)
from people.models import Person


def scores_for(user) -> QuerySet[OutcomeScore]:
    return OutcomeScore.objects.filter(episode__in=episodes_for(user))


def links_for(user) -> QuerySet[OutcomeLink]:
    return OutcomeLink.objects.filter(episode__in=episodes_for(user))


def checks_for(user) -> QuerySet[OutcomeSustainedCheck]:
    return OutcomeSustainedCheck.objects.filter(episode__in=episodes_for(user))


def no_scores() -> QuerySet[OutcomeScore]:
    return OutcomeScore.objects.none()


def no_links() -> QuerySet[OutcomeLink]:
    return OutcomeLink.objects.none()


def no_checks() -> QuerySet[OutcomeSustainedCheck]:
    return OutcomeSustainedCheck.objects.none()


def get_episode(user, episode_id) -> Episode:
    return get_object_or_404(
        episodes_for(user).select_related("family", "lead_professional"), pk=episode_id
    )


def get_check(user, check_id) -> OutcomeSustainedCheck:
    return get_object_or_404(
        checks_for(user).select_related("episode", "episode__family", "episode__lead_professional"),
        pk=check_id,
    )


def get_link(user, link_id) -> OutcomeLink:
    return get_object_or_404(links_for(user).select_related("episode"), pk=link_id)


def plan_outcome_of(episode: Episode, plan_outcome_id) -> PlanOutcome | None:
    """A plan outcome of this episode's plan (the episode is already in scope), or None."""
    try:
        pk = int(plan_outcome_id)
    except (TypeError, ValueError):
        return None
    return (
        PlanOutcome.objects.filter(plan__episode=episode, pk=pk)
        .select_related("plan__episode")
        .first()
    )


def held_reviews(episode: Episode) -> list[PlanReview]:
    return list(
        PlanReview.objects.filter(episode=episode, held_on__isnull=False).order_by("held_on")
    )


def review_of(episode: Episode, review_id) -> PlanReview | None:
    """Any review of this episode (the service says whether it has been held), or None."""
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        return None
    return PlanReview.objects.filter(episode=episode, pk=pk).first()


def score_of(episode: Episode, score_id) -> OutcomeScore | None:
    try:
        pk = int(score_id)
    except (TypeError, ValueError):
        return None
    return OutcomeScore.objects.filter(episode=episode, pk=pk).first()


def offered_outcomes() -> list[FrameworkOutcome]:
    """The framework outcomes a plan outcome may be mapped to: those in the council's pack."""
    return list(
        FrameworkOutcome.objects.filter(in_pack=True, framework__in_pack=True)
        .select_related("framework")
        .order_by("framework__sort_order", "sort_order", "pk")
    )


def framework_outcome_by_id(framework_outcome_id) -> FrameworkOutcome | None:
    try:
        pk = int(framework_outcome_id)
    except (TypeError, ValueError):
        return None
    return FrameworkOutcome.objects.select_related("framework").filter(pk=pk).first()


def frameworks() -> QuerySet[OutcomeFramework]:
    return OutcomeFramework.objects.filter(in_pack=True).prefetch_related(
        Prefetch("outcomes", queryset=FrameworkOutcome.objects.filter(in_pack=True)),
        "outcomes__indicators",
    )


# --- Distance travelled ---------------------------------------------------------------


def _current(queryset):
    return queryset.filter(superseded_by__isnull=True)


def current_score(kind: str | None = None, value: str = "score") -> Subquery:
    """The latest current (not superseded) score of the plan outcome in ``OuterRef("pk")``, of
    the given kind or of any kind, by evidence date, then when recorded; ``value`` names what of
    it to give (the score, or a sustained check's answer). The reports read scores this way too,
    so a correction supersedes a score everywhere alike."""
    scores = _current(OutcomeScore.objects.filter(plan_outcome=OuterRef("pk")))
    if kind is not None:
        scores = scores.filter(kind=kind)
    return Subquery(scores.order_by("-evidence_on", "-recorded_at", "-pk").values(value)[:1])


def with_distance(plan_outcomes: QuerySet[PlanOutcome]) -> QuerySet[PlanOutcome]:
    """Each plan outcome with ``baseline``, ``latest`` and ``distance`` (latest − baseline;
    None without a baseline)."""
    return plan_outcomes.annotate(
        baseline=current_score(ScoreKind.BASELINE), latest=current_score()
    ).annotate(distance=F("latest") - F("baseline"))


def episode_outcomes(episode: Episode) -> list[PlanOutcome]:
    """The episode's plan outcomes, each with its distance, whom it concerns, its links and its
    scores (oldest first): five queries however many outcomes there are."""
    return list(
        with_distance(PlanOutcome.objects.filter(plan__episode=episode))
        .order_by("position", "pk")
        .prefetch_related(
            "concerns",
            Prefetch(
                "framework_links",
                queryset=OutcomeLink.objects.select_related(
                    "framework_outcome__framework", "removed_by", "linked_by"
                ).order_by("linked_at", "pk"),
            ),
            Prefetch(
                "scores",
                queryset=OutcomeScore.objects.select_related(
                    "recorded_by", "plan_review", "superseded_by"
                ).order_by("evidence_on", "recorded_at", "pk"),
            ),
        )
    )


def family_distance(episode: Episode) -> float | None:
    """The mean distance travelled over the episode's plan outcomes that have a baseline."""
    rows = with_distance(PlanOutcome.objects.filter(plan__episode=episode)).filter(
        baseline__isnull=False
    )
    return rows.aggregate(mean=Avg("distance"))["mean"]


@dataclass(frozen=True)
class ChildDistance:
    person_id: object
    name: str
    distance: float | None
    outcomes: int


def child_distances(episode: Episode) -> list[ChildDistance]:
    """Per child concerned by a plan outcome with a baseline: the mean distance travelled over
    the plan outcomes that concern them. One query: a row per (outcome, child) with the outcome's
    baseline and latest score, averaged here."""
    through = PlanOutcome.concerns.through
    rows = (
        through.objects.filter(planoutcome__plan__episode=episode, person__kind=Person.Kind.CHILD)
        .annotate(
            baseline=Subquery(
                _current(
                    OutcomeScore.objects.filter(
                        plan_outcome=OuterRef("planoutcome_id"), kind=ScoreKind.BASELINE
                    )
                ).values("score")[:1]
            ),
            latest=Subquery(
                _current(OutcomeScore.objects.filter(plan_outcome=OuterRef("planoutcome_id")))
                .order_by("-evidence_on", "-recorded_at", "-pk")
                .values("score")[:1]
            ),
        )
        .filter(baseline__isnull=False)
        .values_list("person_id", "person__first_name", "person__last_name", "baseline", "latest")
        .order_by("person__first_name", "person__last_name", "person_id")
    )
    found: dict = {}
    for person_id, first, last, baseline, latest in rows:
        name, distances = found.setdefault(person_id, (f"{first} {last}".strip(), []))
        distances.append(latest - baseline)
    return [
        ChildDistance(
            person_id=person_id,
            name=name,
            distance=sum(distances) / len(distances),
            outcomes=len(distances),
        )
        for person_id, (name, distances) in found.items()
    ]


def due_checks_for(user) -> QuerySet[OutcomeSustainedCheck]:
    """Sustained checks waiting for this user: as the episode's lead professional, or as a team
    manager of the lead professional's team."""
    return (
        checks_for(user)
        .filter(status=OutcomeSustainedCheck.Status.DUE)
        .filter(
            Q(episode__lead_professional=user)
            | Q(episode__lead_professional__team__in=user.managed_teams.values("pk"))
        )
        .select_related("episode__family")
        .order_by("due_on", "pk")
    )
