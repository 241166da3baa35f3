"""Indicators on small hand-built sets whose answers are worked out here: October 2026 (1 to 31
October, London days; the clocks go back on 25 October, so 1 October starts at 23:00 UTC on 30
September and 31 October ends at midnight UTC)."""

from datetime import UTC, date, datetime

import pytest

from assessments.models import Assessment
from assessments.tests.factories import CompletedAssessmentFactory, ReadyAssessmentFactory
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from people.tests.factories import PersonFactory
from reporting.indicators import Period, Result, practice

pytestmark = pytest.mark.django_db

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def _completed(children: int, at: datetime) -> Assessment:
    """Completed; the first child seen alone and the others not (as the factory fills them)."""
    assessment = CompletedAssessmentFactory(children=[PersonFactory() for _ in range(children)])
    Assessment.objects.filter(pk=assessment.pk).update(completed_at=at)
    return assessment


def test_every_child_seen_alone_counts_completed_assessments_in_the_period():
    _completed(1, datetime(2026, 9, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 October: in, yes
    _completed(2, datetime(2026, 10, 15, 12, tzinfo=UTC))  # in; the second child was not
    _completed(1, datetime(2026, 9, 30, 22, 30, tzinfo=UTC))  # 23:30 on 30 September: out
    _completed(1, datetime(2026, 11, 1, 0, 0, tzinfo=UTC))  # midnight, 1 November: out
    ReadyAssessmentFactory()  # not completed: out

    result = practice.every_child_seen_alone.measure(OCTOBER)

    assert (result.numerator, result.denominator) == (1, 2)
    assert result.suppressed and result.rate is None  # 1 and 2 could point at a family


def test_the_rate_shows_once_the_numbers_are_not_small():
    for day in range(1, 6):
        _completed(1, datetime(2026, 10, day, 12, tzinfo=UTC))
        _completed(3, datetime(2026, 10, day + 10, 12, tzinfo=UTC))

    result = practice.every_child_seen_alone.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.suppressed) == (5, 10, False)
    assert result.rate == 50.0


@pytest.mark.parametrize(
    ("numerator", "denominator", "suppressed"),
    [(0, 0, False), (0, 7, False), (4, 10, True), (5, 5, False), (6, 4, True)],
)
def test_small_numbers_are_suppressed_and_zero_is_not(numerator, denominator, suppressed):
    assert Result("x", "X", "", numerator, denominator).suppressed is suppressed


def _stepped_up(ended_on):
    return EpisodeFactory(
        status=Episode.Status.STEPPED_UP, ended_on=ended_on, end_reason=Episode.EndReason.STEP_UP
    )


def test_step_ups_and_step_downs_in_the_period():
    inside = _stepped_up(date(2026, 10, 1))
    _stepped_up(date(2026, 10, 31))
    _stepped_up(date(2026, 9, 30))  # the day before: out
    EpisodeFactory(family=inside.family, previous=inside, started_on=date(2026, 10, 31))
    EpisodeFactory(previous=_stepped_up(date(2026, 9, 1)), started_on=date(2026, 11, 1))  # out
    closed = EpisodeFactory(
        status=Episode.Status.CLOSED, ended_on=date(2026, 10, 2), end_reason="needs_met"
    )
    EpisodeFactory(family=closed.family, previous=closed, started_on=date(2026, 10, 3))  # not one

    assert practice.step_ups.measure(OCTOBER).numerator == 3 - 1
    assert practice.step_downs.measure(OCTOBER).numerator == 1
