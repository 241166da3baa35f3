"""The neglect and outcomes indicators on small hand-built sets whose answers are worked out here:
mostly October 2026 (1 to 31 October, London days; the clocks go back on 25 October, so 1 October
starts at 23:00 UTC on 30 September and 31 October ends at midnight UTC)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.models import Episode
from casework.tests.factories import EpisodeFactory, TafMeetingFactory
from casework.tests.factories_plans import make_plan
from neglect.models import NeglectConcern
from neglect.tests.factories import (
    EndedConcernFactory,
    GradedCareResultFactory,
    NeglectConcernFactory,
    child_of,
)
from outcomes.models import OutcomeSustainedCheck, ScoreKind
from outcomes.tests.factories import (
    OutcomeScoreFactory,
    OutcomeSustainedCheckFactory,
    plan_outcome_for,
)
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, UnbornFactory
from reporting.indicators import REGISTRY, Better, Period, Quadrant, Slice
from reporting.indicators import neglect_outcomes as indicators

pytestmark = pytest.mark.django_db

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def _concern(identified_on, *, born=None, family=None, factory=NeglectConcernFactory, **kwargs):
    """A concern about a new child of ``family`` (a new family if none), born on ``born``."""
    family = family or FamilyFactory()
    extra = {"date_of_birth": born} if born is not None else {}
    return factory(
        family=family, child=child_of(family, **extra), identified_on=identified_on, **kwargs
    )


def _counted(indicator, period=OCTOBER, where=None):
    result = indicator.measure(period, where, small_number=5)
    return result.numerator, result.denominator


def test_each_indicator_is_registered_with_its_quadrant_direction_and_booklet():
    expected = {
        "neglect_concerns_identified": (Quadrant.HOW_MUCH, Better.NEITHER, True),
        "neglect_identified_young": (Quadrant.HOW_WELL, Better.HIGHER, True),
        "neglect_with_taf_and_plan": (Quadrant.HOW_WELL, Better.HIGHER, True),
        "neglect_graded_care_used": (Quadrant.HOW_WELL, Better.HIGHER, True),
        "outcomes_improved": (Quadrant.BETTER_OFF, Better.HIGHER, False),
        "outcomes_sustained": (Quadrant.BETTER_OFF, Better.HIGHER, False),
    }
    for code, (quadrant, better, booklet) in expected.items():
        registered = REGISTRY[code]
        assert (registered.quadrant, registered.better, registered.booklet) == (
            quadrant,
            better,
            booklet,
        )
        assert registered.definition and "\n" not in registered.definition


# --- Concerns identified ---------------------------------------------------------------


def test_concerns_identified_in_the_period_and_a_small_number_suppressed():
    _concern(date(2026, 10, 1))  # the first day: in
    _concern(date(2026, 10, 31))  # the last day: in
    _concern(date(2026, 10, 20), factory=EndedConcernFactory, ended_on=date(2026, 10, 25))  # in
    _concern(date(2026, 9, 30))  # the day before: out
    _concern(date(2026, 11, 1))  # the day after: out
    _concern(  # never a concern: out
        date(2026, 10, 15),
        factory=EndedConcernFactory,
        end_reason=NeglectConcern.EndReason.RECORDED_IN_ERROR,
    )

    result = indicators.neglect_concerns_identified.measure(OCTOBER, small_number=5)

    assert (result.numerator, result.denominator) == (3, None)
    assert result.suppressed and result.shown == "Fewer than 5"  # 3 could point at a family


def test_concerns_identified_shown_once_the_number_is_not_small():
    for day in range(1, 6):
        _concern(date(2026, 10, day))

    result = indicators.neglect_concerns_identified.measure(OCTOBER, small_number=5)

    assert (result.numerator, result.suppressed, result.shown) == (5, False, "5")


def test_a_slice_by_area_agency_and_team_of_the_recorder_as_they_were_then():
    here = _concern(date(2026, 10, 5))
    there = _concern(date(2026, 10, 6))  # another family's area, another recorder's team
    # The recorder moves team later: the concern stays with the team that identified it.
    mover = here.recorded_by
    mover.team = there.recorded_by_team
    mover.agency = there.recorded_by_agency
    mover.save()

    count = indicators.neglect_concerns_identified.count
    assert count(OCTOBER, Slice(area=here.family.area)) == 1
    assert count(OCTOBER, Slice(agency=here.recorded_by_agency)) == 1
    assert count(OCTOBER, Slice(team=there.recorded_by_team)) == 1
    assert count(OCTOBER, Slice(area=here.family.area, agency=there.recorded_by_agency)) == 0
    assert count(OCTOBER, Slice()) == 2


# --- Identified young ---------------------------------------------------------------


def test_identified_before_18_months_and_a_child_of_exactly_18_months_is_not():
    _concern(date(2026, 10, 15), born=date(2025, 4, 15))  # exactly 18 months that day: not young
    _concern(date(2026, 10, 15), born=date(2025, 4, 16))  # a day younger: young
    _concern(date(2026, 10, 1), born=date(2026, 10, 1))  # on the day of birth: young
    _concern(date(2026, 10, 3), born=date(2020, 6, 1))  # six: not young
    _concern(date(2026, 9, 30), born=date(2026, 9, 1))  # before the period: out
    _concern(  # recorded in error: out
        date(2026, 10, 9),
        born=date(2026, 8, 1),
        factory=EndedConcernFactory,
        end_reason=NeglectConcern.EndReason.RECORDED_IN_ERROR,
    )
    _concern(date(2026, 10, 10), born=date(2026, 10, 20))  # dated before birth: out (no age)
    unborn = FamilyFactory()
    baby = UnbornFactory()
    FamilyMemberFactory(family=unborn, person=baby, role=FamilyMember.Role.CHILD)
    NeglectConcernFactory(family=unborn, child=baby, identified_on=date(2026, 10, 12))  # no date

    assert _counted(indicators.neglect_identified_young) == (2, 4)


def test_a_birthday_at_a_month_end_is_reached_on_the_first_of_the_next_month():
    # Born 31 August 2024: February has no 31st, so, as the age bands count a 29 February
    # birthday, the child is 18 months old on 1 March 2026 and still younger on 28 February.
    _concern(date(2026, 2, 28), born=date(2024, 8, 31))  # 17 months: young
    _concern(date(2026, 3, 1), born=date(2024, 8, 31))  # 18 months: not young
    _concern(date(2026, 3, 30), born=date(2024, 9, 30))  # 18 months that day: not young
    _concern(date(2026, 3, 29), born=date(2024, 9, 30))  # a day short of 18 months: young

    assert _counted(
        indicators.neglect_identified_young, Period(date(2026, 2, 1), date(2026, 3, 31))
    ) == (2, 4)


# --- Team Around the Family and a plan ----------------------------------------------


def _episode(family, *, taf_on=None, outcomes=1, **kwargs):
    """An episode of the family with a TAF meeting held on ``taf_on`` and a plan of ``outcomes``."""
    episode = EpisodeFactory(family=family, started_on=date(2026, 9, 1), **kwargs)
    if taf_on is not None:
        TafMeetingFactory(episode=episode, held_on=taf_on)
    make_plan(episode=episode)
    for _ in range(outcomes):
        plan_outcome_for(episode)
    return episode


def test_children_with_neglect_open_at_the_end_whose_family_has_a_taf_and_a_plan():
    opened = date(2026, 9, 10)
    ready = FamilyFactory()
    _episode(ready, taf_on=date(2026, 10, 31))
    first = _concern(opened, family=ready)  # yes
    _concern(opened, family=ready)  # a second child of the family: yes
    # The first child's earlier concern, ended after the period: still one child.
    EndedConcernFactory(
        family=ready, child=first.child, identified_on=date(2026, 8, 1), ended_on=date(2026, 11, 3)
    )

    late_taf = FamilyFactory()
    _episode(late_taf, taf_on=date(2026, 11, 1))
    _concern(opened, family=late_taf)  # the meeting came after the period: no

    no_outcome = FamilyFactory()
    _episode(no_outcome, taf_on=date(2026, 9, 15), outcomes=0)
    _concern(opened, family=no_outcome)  # a plan with no outcome: no

    episode_ended = FamilyFactory()
    _episode(
        episode_ended,
        taf_on=date(2026, 9, 15),
        status=Episode.Status.CLOSED,
        ended_on=date(2026, 10, 31),
        end_reason=Episode.EndReason.NEEDS_MET,
    )
    _concern(opened, family=episode_ended)  # the episode ended on the last day: no

    later_end = FamilyFactory()
    _episode(
        later_end,
        taf_on=date(2026, 9, 15),
        status=Episode.Status.CLOSED,
        ended_on=date(2026, 11, 2),
        end_reason=Episode.EndReason.NEEDS_MET,
    )
    # A concern and an episode both ended after the period: open at its end, so yes.
    _concern(opened, family=later_end, factory=EndedConcernFactory, ended_on=date(2026, 11, 5))

    _concern(opened, family=FamilyFactory())  # no episode of its own family: no
    _episode(FamilyFactory(), taf_on=date(2026, 9, 15))  # someone else's episode counts for none

    out = FamilyFactory()
    _episode(out, taf_on=date(2026, 9, 15))
    _concern(opened, family=out, factory=EndedConcernFactory, ended_on=date(2026, 10, 31))  # out
    _concern(date(2026, 11, 1), family=out)  # identified after the period: out
    _concern(
        opened,
        family=out,
        factory=EndedConcernFactory,
        ended_on=date(2026, 11, 20),
        end_reason=NeglectConcern.EndReason.RECORDED_IN_ERROR,
    )  # out

    # Children: two of ``ready``, late_taf, no_outcome, episode_ended, later_end, the one
    # without an episode; of whom the two of ``ready`` and later_end's are ready.
    assert _counted(indicators.neglect_with_taf_and_plan) == (3, 7)


# --- Graded care ------------------------------------------------------------------


def test_concerns_identified_in_the_period_with_a_graded_care_result():
    used = _concern(date(2026, 10, 1))
    GradedCareResultFactory(concern=used, done_on=date(2026, 10, 20))
    GradedCareResultFactory(concern=used, done_on=date(2026, 10, 27))  # still one concern
    later = _concern(date(2026, 10, 31))
    GradedCareResultFactory(concern=later, done_on=date(2026, 11, 3))  # done after: counts
    unlinked = _concern(date(2026, 10, 10))
    GradedCareResultFactory(
        concern=None, child=unlinked.child, family=unlinked.family, recorded_by=unlinked.recorded_by
    )  # no
    _concern(date(2026, 10, 11))  # no
    before = _concern(date(2026, 9, 30))
    GradedCareResultFactory(concern=before)  # identified before the period: out

    assert _counted(indicators.neglect_graded_care_used) == (2, 4)


# --- Outcomes improved -------------------------------------------------------------


def _ended(ended_on, **kwargs):
    return EpisodeFactory(
        status=Episode.Status.CLOSED,
        ended_on=ended_on,
        end_reason=Episode.EndReason.NEEDS_MET,
        **kwargs,
    )


def _scored(episode, baseline, closure=None):
    outcome = plan_outcome_for(episode)
    first = OutcomeScoreFactory(plan_outcome=outcome, kind=ScoreKind.BASELINE, score=baseline)
    last = None
    if closure is not None:
        last = OutcomeScoreFactory(
            plan_outcome=outcome,
            kind=ScoreKind.CLOSURE,
            score=closure,
            evidence_on=episode.ended_on,
        )
    return outcome, first, last


def _correct(score, to):
    """A correction of ``score`` that also puts its date back a week, so the superseded score
    is the later one by date: only the supersession says which is current."""
    return OutcomeScoreFactory(
        plan_outcome=score.plan_outcome,
        kind=score.kind,
        score=to,
        supersedes=score,
        correction_reason="Entered with the wrong score and date",
        evidence_on=score.evidence_on - timedelta(days=7),
    )


def test_outcomes_scored_higher_at_closure_than_at_baseline_with_corrections():
    first = _ended(date(2026, 10, 1))
    _scored(first, 3, 6)  # better: yes
    same, *_ = _scored(first, 5, 5)  # no better: no
    OutcomeScoreFactory(
        plan_outcome=same, kind=ScoreKind.REVIEW, score=9, evidence_on=date(2026, 9, 20)
    )  # a review score is not the closure score
    _outcome, _baseline, closure = _scored(first, 4, 3)
    _correct(closure, 7)  # the closure score corrected up from 3 to 7, above the baseline: yes
    _outcome, baseline, _closure = _scored(first, 6, 4)
    _correct(baseline, 2)  # the baseline corrected down to 2, below the closure's 4: yes
    last = _ended(date(2026, 10, 31))
    _scored(last, 2, 8)  # yes
    _scored(last, 2)  # no closure score: out
    _scored(_ended(date(2026, 9, 30)), 1, 9)  # ended before the period: out
    _scored(_ended(date(2026, 11, 1)), 1, 9)  # ended after: out
    _scored(EpisodeFactory(), 1)  # still open: out

    assert _counted(indicators.outcomes_improved) == (4, 5)

    # The area of the first episode's family, the lead agency of the last: each leaves the other out.
    assert _counted(indicators.outcomes_improved, where=Slice(area=first.family.area)) == (3, 4)
    assert _counted(indicators.outcomes_improved, where=Slice(agency=last.lead_agency)) == (1, 1)


# --- Outcomes sustained ------------------------------------------------------------


def _answered(at, answers, status=OutcomeSustainedCheck.Status.ANSWERED):
    episode = _ended(date(2026, 3, 31))
    OutcomeSustainedCheckFactory(
        episode=episode, due_on=date(2026, 9, 30), status=status, answered_at=at
    )
    for sustained in answers:
        outcome, *_ = _scored(episode, 3)
        OutcomeScoreFactory(
            plan_outcome=outcome,
            kind=ScoreKind.SUSTAINED,
            score=6,
            sustained=sustained,
            evidence_on=date(2026, 9, 30),
        )
    return episode


def test_outcomes_found_sustained_in_checks_answered_in_the_period():
    early = _answered(
        datetime(2026, 9, 30, 23, 30, tzinfo=UTC), [True, True, False]
    )  # 00:30, 1 Oct
    late = _answered(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), [True, False])  # 23:30, 31 Oct
    _answered(datetime(2026, 9, 30, 22, 30, tzinfo=UTC), [True])  # 23:30 on 30 September: out
    _answered(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), [True])  # midnight, 1 November: out
    _answered(None, [True], status=OutcomeSustainedCheck.Status.DUE)  # not all answered: out

    # Each check's baselines are scores of the same outcomes, not answers: five answers, three yes.
    assert _counted(indicators.outcomes_sustained) == (3, 5)
    assert _counted(indicators.outcomes_sustained, where=Slice(area=early.family.area)) == (2, 3)
    assert _counted(
        indicators.outcomes_sustained, where=Slice(team=late.lead_professional.team)
    ) == (
        1,
        2,
    )


def test_nothing_to_count_is_none_to_count_not_a_rate():
    result = indicators.outcomes_sustained.measure(OCTOBER, small_number=5)

    assert (result.numerator, result.denominator, result.rate, result.shown) == (
        0,
        0,
        None,
        "None to count",
    )


# --- The cost of a count -------------------------------------------------------------


def _some_of_everything():
    """A record for each indicator to count, in one area, agency and team."""
    family = FamilyFactory()
    _episode(family, taf_on=date(2026, 10, 2))
    concern = _concern(date(2026, 10, 3), born=date(2026, 1, 1), family=family)
    GradedCareResultFactory(concern=concern)
    _scored(_ended(date(2026, 10, 4)), 2, 5)
    _answered(datetime(2026, 10, 5, 12, tzinfo=UTC), [True, False])
    return concern


@pytest.mark.parametrize(
    "code",
    [
        "neglect_concerns_identified",
        "neglect_identified_young",
        "neglect_with_taf_and_plan",
        "neglect_graded_care_used",
        "outcomes_improved",
        "outcomes_sustained",
    ],
)
def test_each_indicator_is_one_query_however_many_records(code, django_assert_max_num_queries):
    indicator = REGISTRY[code]
    concern = _some_of_everything()
    chosen = Slice(
        area=concern.family.area, agency=concern.recorded_by_agency, team=concern.recorded_by_team
    )
    with django_assert_max_num_queries(1):
        indicator.count(OCTOBER, Slice())
    with django_assert_max_num_queries(1):
        indicator.count(OCTOBER, chosen)
    small = indicator.count(OCTOBER, Slice())

    for _ in range(4):
        _some_of_everything()
    with django_assert_max_num_queries(1):
        large = indicator.count(OCTOBER, Slice())
    with django_assert_max_num_queries(1):
        indicator.count(OCTOBER, chosen)

    # Five times the records, five times the count: the query saw them all.
    if isinstance(small, int):
        assert (small, large) == (1, 5)
    else:
        assert large == tuple(5 * part for part in small) and small[1] >= 1
