"""Figures kept for the day (``reporting.figures``), on 15 November 2026 at 10:00 London time:
the third quarter has ended, the fourth has not. Step-ups are counted (one aggregate query)."""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core import schedule
from core.models import AuditEvent
from core.tests.factories import AreaFactory
from people.tests.factories import FamilyFactory
from reporting import figures
from reporting.indicators import REGISTRY, Period, Slice, all_indicators
from reporting.models import Figure

pytestmark = pytest.mark.django_db

ENDED = Period.quarter(2026, 3)
RUNNING = Period.quarter(2026, 4)
MORNING = datetime(2026, 11, 15, 10, tzinfo=UTC)
STEP_UPS = REGISTRY["step_ups"]


def _step_ups(how_many: int, ended_on: date, **extra):
    for _ in range(how_many):
        EpisodeFactory(
            status=Episode.Status.STEPPED_UP,
            end_reason=Episode.EndReason.STEP_UP,
            started_on=ended_on - timedelta(days=30),
            ended_on=ended_on,
            **extra,
        )


def _counted(period: Period, where: Slice | None = None, **options) -> int:
    measured = figures.measure([STEP_UPS], [period], where or Slice(), small_number=1, **options)
    return measured.get(STEP_UPS, period).numerator


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_an_ended_periods_figure_is_kept_and_used_again_that_day(frozen):
    _step_ups(3, date(2026, 8, 1))
    assert _counted(ENDED) == 3

    _step_ups(2, date(2026, 8, 2))  # recorded late, after the figure was worked out
    frozen.shift(timedelta(hours=13))  # 23:00 London time, the same day
    measured = figures.measure([STEP_UPS], [ENDED], Slice(), small_number=1)

    assert measured.get(STEP_UPS, ENDED).numerator == 3
    assert measured.kept_since == MORNING
    kept = Figure.objects.get()
    assert (kept.code, kept.start, kept.end, kept.numerator, kept.denominator) == (
        "step_ups",
        date(2026, 7, 1),
        date(2026, 9, 30),
        3,
        None,
    )


def test_the_next_day_the_figure_is_worked_out_again(frozen):
    _step_ups(3, date(2026, 8, 1))
    assert _counted(ENDED) == 3
    _step_ups(2, date(2026, 8, 2))

    frozen.shift(timedelta(hours=14))  # 00:00 on 16 November in London (GMT)

    assert _counted(ENDED) == 5
    assert Figure.objects.get().numerator == 5  # replaced, not a second row


def test_a_period_that_has_not_ended_is_always_worked_out_afresh_and_never_kept():
    _step_ups(1, date(2026, 10, 5))
    assert _counted(RUNNING) == 1
    _step_ups(1, date(2026, 11, 14))

    assert _counted(RUNNING) == 2
    assert not Figure.objects.exists()


def test_fresh_works_it_out_again_now_and_keeps_the_new_figure():
    _step_ups(3, date(2026, 8, 1))
    assert _counted(ENDED) == 3
    _step_ups(1, date(2026, 9, 30))

    assert _counted(ENDED, fresh=True) == 4
    assert _counted(ENDED) == 4
    assert Figure.objects.count() == 1


def test_each_slice_keeps_its_own_figures():
    kirkby = AreaFactory()
    _step_ups(2, date(2026, 8, 1))
    _step_ups(1, date(2026, 8, 1), family=FamilyFactory(area=kirkby))

    assert (_counted(ENDED), _counted(ENDED, Slice(area=kirkby))) == (3, 1)
    assert sorted(Figure.objects.values_list("slice_key", "numerator")) == [
        ("area 0 agency 0 team 0", 3),
        (f"area {kirkby.pk} agency 0 team 0", 1),
    ]


def test_kept_figures_cost_one_query_however_many():
    _step_ups(3, date(2026, 8, 1))
    indicators = all_indicators()
    periods = [ENDED, ENDED.before(), ENDED.year_before()]
    figures.measure(indicators, periods, Slice(), small_number=5)

    with CaptureQueriesContext(connection) as read:
        again = figures.measure(indicators, periods, Slice(), small_number=5)

    assert len(read) == 1
    assert again.get(STEP_UPS, ENDED).shown == "Fewer than 5"
    assert Figure.objects.count() == len(indicators) * 3


def test_forget_drops_the_periods_figures_in_the_slice_only():
    kirkby = AreaFactory()
    _step_ups(3, date(2026, 8, 1))
    _counted(ENDED)
    _counted(ENDED, Slice(area=kirkby))
    _counted(ENDED.before())

    assert figures.forget([ENDED], Slice()) == 1
    assert Figure.objects.count() == 2


def test_the_standard_periods_are_the_last_five_quarters_and_each_a_year_before():
    assert figures.standard_periods(date(2026, 11, 15)) == [
        Period.quarter(2026, 3),
        Period.quarter(2026, 2),
        Period.quarter(2026, 1),
        Period.quarter(2025, 4),
        Period.quarter(2025, 3),  # also the latest a year before: once
        Period.quarter(2025, 2),
        Period.quarter(2025, 1),
        Period.quarter(2024, 4),
        Period.quarter(2024, 3),
    ]
    # In January the last whole quarter is last year's fourth.
    assert figures.standard_periods(date(2027, 1, 2))[0] == Period.quarter(2026, 4)


def test_the_nightly_refresh_keeps_every_indicator_for_each_slice_and_standard_period():
    kirkby = AreaFactory()
    _step_ups(3, date(2026, 8, 1))

    summary = figures.refresh_standard(slices=[Slice(), Slice(area=kirkby)], small_number=5)

    assert summary == {"slices": 2, "periods": 9, "indicators": len(all_indicators())}
    assert Figure.objects.count() == 2 * 9 * len(all_indicators())
    assert (
        Figure.objects.get(
            code="step_ups", start=date(2026, 7, 1), slice_key__startswith=("area 0 ")
        ).numerator
        == 3
    )


# ---------------------------------------------------------------- the pages


def _signed_in(role):
    return sign_in_verified(Client(), UserFactory(roles=[role]))


def test_a_report_card_says_when_its_kept_figures_were_worked_out_and_can_work_them_out_again(
    frozen, django_capture_on_commit_callbacks
):
    client = _signed_in(Role.STRATEGIC_LEAD)
    card = reverse("reporting:report_card") + "?quarter=2026-3"
    _step_ups(6, date(2026, 8, 1))
    first = unescape(client.get(card).content.decode())
    assert "worked out from the records at" not in first  # all worked out just now

    _step_ups(1, date(2026, 8, 2))  # recorded late
    frozen.shift(timedelta(minutes=10))
    page = unescape(client.get(card).content.decode())
    assert (
        "Figures for periods that have ended were worked out from the records at 10:00am today"
        in (page)
    )
    assert Figure.objects.get(code="step_ups", start=date(2026, 7, 1)).numerator == 6

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:figures_refresh"),
            {"report": "report_card", "query": "quarter=2026-3"},
        )

    assert response.status_code == 302
    assert response["Location"] == card
    # Queued and (in tests) run at once: every figure of the card worked out again and kept.
    assert Figure.objects.get(code="step_ups", start=date(2026, 7, 1)).numerator == 7
    event = AuditEvent.objects.filter(record_type="reporting.figure").get()
    assert (event.action, event.detail) == (
        "update",
        {
            "report": "report_card",
            "start": "2026-07-01",
            "end": "2026-09-30",
            "area": "",
            "agency": "",
            "team": "",
        },
    )


def test_the_dashboards_figures_can_be_worked_out_again_for_an_area(
    django_capture_on_commit_callbacks,
):
    kirkby = AreaFactory(code="kirkby")
    _step_ups(2, date(2026, 8, 1), family=FamilyFactory(area=kirkby))
    client = _signed_in(Role.TEAM_MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:figures_refresh"),
            {"report": "dashboard", "query": "area=kirkby&quarter=2026-3"},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:dashboard") + "?area=kirkby&quarter=2026-3"
    assert Figure.objects.filter(slice_key=f"area {kirkby.pk} agency 0 team 0").exists()


@pytest.mark.parametrize(
    ("role", "report", "status"),
    [
        ("practitioner", "report_card", 404),
        ("strategic_lead", "the_moon", 404),
    ],
)
def test_working_figures_out_again_is_refused_to_others_and_for_other_reports(role, report, status):
    client = _signed_in(Role(role))
    response = client.post(
        reverse("reporting:figures_refresh"), {"report": report, "query": "quarter=2026-3"}
    )

    assert response.status_code == status
    assert not Figure.objects.exists()


def test_a_bad_period_goes_back_to_the_report_and_works_nothing_out():
    client = _signed_in(Role.STRATEGIC_LEAD)
    query = "start_0=1&start_1=13&start_2=2026&end_0=1&end_1=1&end_2=2026"

    response = client.post(
        reverse("reporting:figures_refresh"), {"report": "report_card", "query": query}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_card") + "?" + query
    assert not Figure.objects.exists()


def test_the_nightly_job_is_scheduled_and_covers_the_partnership_and_each_area():
    AreaFactory()
    AreaFactory()
    job = schedule.job("reporting.work_out_figures")
    assert (job.every, job.at.hour) == ("day", 2)

    summary = job.run(MORNING)

    assert summary["slices"] == 3
    assert Figure.objects.values("slice_key").distinct().count() == 3
