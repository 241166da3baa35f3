"""Indicators of neglect (how many concerns, how young the children were, whether a Team Around
the Family and a plan followed, whether a graded-care tool was used) and of outcomes (scores
better at closure than at the baseline, outcomes found sustained later).

Each is one aggregate query. A concern "recorded in error" was never a concern, so no neglect
indicator counts it. For a neglect concern the slice is the family's area and the agency and team
of whoever recorded it, as they were then; for a score or a sustained check, the episode's
(``episode_slice``).
"""

from __future__ import annotations

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan, IsNull, LessThan

from casework.models import Episode, PlanOutcome, TafMeeting
from neglect.models import GradedCareResult, NeglectConcern
from outcomes.models import OutcomeScore, OutcomeSustainedCheck, ScoreKind
from outcomes.selectors import current_score
from reporting.indicators.base import Better, Period, Quadrant, Slice, indicator
from reporting.indicators.practice import episode_slice

# "Neglect can be especially damaging in the first 18 months of a child's life" (the neglect
# strategy): the booklet asks whether it is identified before then.
YOUNG_MONTHS = 18


def concern_slice(where: Slice, prefix: str = "") -> Q:
    """What a slice means for a neglect concern: the family's area, and the agency and team of
    whoever recorded it (as they were then)."""
    return where.q(
        area=f"{prefix}family__area_id",
        agency=f"{prefix}recorded_by_agency_id",
        team=f"{prefix}recorded_by_team_id",
    )


def _concerns(where: Slice) -> QuerySet[NeglectConcern]:
    return NeglectConcern.objects.filter(concern_slice(where)).exclude(
        end_reason=NeglectConcern.EndReason.RECORDED_IN_ERROR
    )


def _identified(period: Period, where: Slice) -> QuerySet[NeglectConcern]:
    return _concerns(where).filter(identified_on__range=(period.start, period.end))


def _months_old():
    """The child's age in whole months on the day the concern was identified, counted as the
    neglect app's age bands count years: a month is complete on the day whose number reaches the
    day of birth, so a child born on 31 August is 18 months old on 1 March, not on 28 February
    (as one born on 29 February is a year older on 1 March)."""
    identified, born = "identified_on", "child__date_of_birth"
    return (
        (ExtractYear(identified) - ExtractYear(born)) * 12
        + ExtractMonth(identified)
        - ExtractMonth(born)
        - Case(
            When(LessThan(ExtractDay(identified), ExtractDay(born)), then=Value(1)),
            default=Value(0),
        )
    )


@indicator(
    code="neglect_concerns_identified",
    name="Neglect concerns identified",
    definition="""Neglect concerns about a child identified in the period (the date the concern
    was identified), whether still current or ended since; a concern ended as recorded in error
    is not counted.""",
    quadrant=Quadrant.HOW_MUCH,
    better=Better.NEITHER,
    booklet=True,
)
def neglect_concerns_identified(period: Period, where: Slice) -> int:
    return _identified(period, where).count()


@indicator(
    code="neglect_identified_young",
    name="Neglect identified before the child was 18 months old",
    definition="""Of the neglect concerns identified in the period about a child whose date of
    birth is recorded, the share identified before the child was 18 months old. A child is 18
    months old on the day of the month of their birth 18 months later (born 15 April 2025: 18
    months old on 15 October 2026, which does not count; 14 October does), or on the first day of
    the next month when that month is too short (born 31 August 2024: 18 months old on 1 March
    2026, so 28 February still counts). A concern dated before the child's date of birth is left
    out, as the neglect age bands leave it out; so is one recorded in error.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def neglect_identified_young(period: Period, where: Slice) -> tuple[int, int]:
    counted = (
        _identified(period, where)
        .filter(child__date_of_birth__isnull=False, child__date_of_birth__lte=F("identified_on"))
        .aggregate(young=Count("pk", filter=LessThan(_months_old(), YOUNG_MONTHS)), all=Count("pk"))
    )
    return counted["young"], counted["all"]


def _open_on(day) -> Q:
    """Begun by the end of ``day`` and not ended by then (one ended that day is not open)."""
    return Q(ended_on__isnull=True) | Q(ended_on__gt=day)


@indicator(
    code="neglect_with_taf_and_plan",
    name="Children with neglect whose family has a Team Around the Family and a plan",
    definition="""Of the children with a neglect concern open on the last day of the period
    (identified by then and not ended by then), the share whose family (the family the concern
    was recorded in) had an episode of early help open that day in which a Team Around the
    Family meeting had been held by then and whose family plan has at least one outcome (the plan
    as it is now: the record does not keep when an outcome was added). Each child counts once; a
    concern recorded in error is not counted.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def neglect_with_taf_and_plan(period: Period, where: Slice) -> tuple[int, int]:
    end = period.end
    episode_ready = Episode.objects.filter(
        _open_on(end),
        family=OuterRef("family"),
        started_on__lte=end,
        pk__in=TafMeeting.objects.filter(held_on__lte=end).values("episode_id"),
    ).filter(Exists(PlanOutcome.objects.filter(plan__episode=OuterRef("pk"))))
    counted = (
        _concerns(where)
        .filter(_open_on(end), identified_on__lte=end)
        .aggregate(
            ready=Count("child", distinct=True, filter=Exists(episode_ready)),
            all=Count("child", distinct=True),
        )
    )
    return counted["ready"], counted["all"]


@indicator(
    code="neglect_graded_care_used",
    name="Neglect concerns with a graded-care tool used",
    definition="""Of the neglect concerns identified in the period, the share with at least one
    result of a graded-care tool (such as the Graded Care Profile 2) recorded against the
    concern, whenever it was done up to the day the report is run; a concern recorded in error
    is not counted.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def neglect_graded_care_used(period: Period, where: Slice) -> tuple[int, int]:
    used = Exists(GradedCareResult.objects.filter(concern=OuterRef("pk")))
    counted = _identified(period, where).aggregate(used=Count("pk", filter=used), all=Count("pk"))
    return counted["used"], counted["all"]


@indicator(
    code="outcomes_improved",
    name="Plan outcomes scored higher at closure than at the start",
    definition="""Of the outcomes of family plans of episodes that ended in the period with both
    a baseline score and a closure score, the share whose closure score is higher than its
    baseline. Only the current scores count: a score put right by a correction is replaced by
    the correction.""",
    quadrant=Quadrant.BETTER_OFF,
    better=Better.HIGHER,
)
def outcomes_improved(period: Period, where: Slice) -> tuple[int, int]:
    # The subqueries are written out in the aggregate's filter, not named with ``alias()``: an
    # aggregate that filters on an alias is silently wrong (Django drops the alias from the query
    # it wraps, and SQLite then reads the name as a string).
    baseline, closure = current_score(ScoreKind.BASELINE), current_score(ScoreKind.CLOSURE)
    counted = (
        PlanOutcome.objects.filter(
            episode_slice(where, "plan__episode__"),
            plan__episode__ended_on__range=(period.start, period.end),
        )
        .filter(IsNull(baseline, False), IsNull(closure, False))
        .aggregate(improved=Count("pk", filter=GreaterThan(closure, baseline)), all=Count("pk"))
    )
    return counted["improved"], counted["all"]


@indicator(
    code="outcomes_sustained",
    name="Plan outcomes found sustained",
    definition="""Of the plan outcomes answered in the sustained checks completed in the period
    (the check answered for every outcome of the episode, the last answer given in the period),
    the share found sustained. Each outcome counts once, by its current answer; a check with
    outcomes still to answer is not counted.""",
    quadrant=Quadrant.BETTER_OFF,
    better=Better.HIGHER,
)
def outcomes_sustained(period: Period, where: Slice) -> tuple[int, int]:
    first, after = period.moments()
    answered = OutcomeSustainedCheck.objects.filter(
        status=OutcomeSustainedCheck.Status.ANSWERED, answered_at__gte=first, answered_at__lt=after
    )
    counted = OutcomeScore.objects.filter(
        episode_slice(where, "episode__"),
        kind=ScoreKind.SUSTAINED,
        superseded_by__isnull=True,
        episode__in=answered.values("episode_id"),
    ).aggregate(sustained=Count("pk", filter=Q(sustained=True)), all=Count("pk"))
    return counted["sustained"], counted["all"]
