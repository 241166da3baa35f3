"""Report cards on a small hand-built set of step-ups, on 15 November 2026: the default period is
the latest complete quarter, 1 July to 30 September 2026 (92 days); the previous period is the
quarter before, 1 April to 30 June 2026 (91 days); the same period last year is 1 July to
30 September 2025. Who may see a card, what it says, its CSV, its audit and what it costs in queries."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta
from math import comb
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core.models import AuditEvent
from core.tests.factories import AreaFactory
from people.tests.factories import FamilyFactory
from reporting.indicators import Period, Quadrant, Slice, all_indicators
from reporting.models import Figure
from reporting.report_cards import report_card

pytestmark = pytest.mark.django_db

QUARTER = Period(date(2026, 7, 1), date(2026, 9, 30))
IN_QUARTER = date(2026, 8, 14)
IN_PREVIOUS = date(2026, 5, 14)
STEP_UPS = "Step-ups to children's social care"
HEADER = [
    "Question",
    "Indicator",
    "This period",
    "Previous period",
    "Same period last year",
    "Change since the previous period",
    "Change since the same period last year",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 15, 10, tzinfo=UTC), tick=False):
        yield


def _step_ups(how_many: int, ended_on: date, **extra):
    for _ in range(how_many):
        EpisodeFactory(
            status=Episode.Status.STEPPED_UP,
            end_reason=Episode.EndReason.STEP_UP,
            started_on=ended_on - timedelta(days=30),
            ended_on=ended_on,
            **extra,
        )


def _lead(role=Role.STRATEGIC_LEAD):
    return sign_in_verified(Client(), UserFactory(roles=[role]))


def _url(**query):
    url = reverse("reporting:report_card")
    return f"{url}?{urlencode(query)}" if query else url


def _cells(page: str, name: str) -> list[str]:
    """The text of each cell of the indicator's row in the card: tags and spacing removed first,
    then the escaping undone (a cell may say "p < 0.001")."""
    row = re.search(r"<th[^>]*>" + re.escape(html.escape(name)) + r"</th>(.*?)</tr>", page, re.S)
    assert row, f"no row for {name}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split())) for cell in cells]


# ------------------------------------------------------------------------------ the card itself


def test_the_card_measures_each_indicator_in_three_periods_by_quadrant():
    _step_ups(20, IN_QUARTER)
    _step_ups(5, IN_PREVIOUS)
    _step_ups(6, date(2025, 9, 30))  # the last day of the quarter a year before

    card = report_card(QUARTER, Slice())

    assert (card.previous, card.last_year) == (
        Period(date(2026, 4, 1), date(2026, 6, 30)),
        Period(date(2025, 7, 1), date(2025, 9, 30)),
    )
    assert [s.question for s in card.sections][0] == "How much did we do?"
    assert [s.quadrant for s in card.sections] == [
        q for q in Quadrant.values if any(i.quadrant == q for i in all_indicators())
    ]
    assert len(card.rows) == len(all_indicators())
    (row,) = [r for r in card.rows if r.indicator.code == "step_ups"]
    assert (row.now.numerator, row.previous.numerator, row.last_year.numerator) == (20, 5, 6)
    # 20 of 25 fell in the 92 days of 183: the binomial chance of each split k of 25 with
    # q = 92/183, summed over every split no likelier than 20 (the two-sided exact test).
    q = 92 / 183

    def chance(k):
        return comb(25, k) * q**k * (1 - q) ** (25 - k)

    expected = sum(chance(k) for k in range(26) if chance(k) <= chance(20) * (1 + 1e-7))
    assert row.against_previous.test == "Exact test for two Poisson counts"
    assert row.against_previous.p_value == pytest.approx(expected)
    assert row.against_previous.significant
    # 20 of 26: 2 * (C(26,20) + ... + C(26,26)) / 2 ** 26.
    expected = 2 * sum(comb(26, k) for k in range(20, 27)) / 2**26
    assert row.against_last_year.p_value == pytest.approx(expected)


def test_a_strategic_lead_sees_the_test_and_its_p_value_for_a_real_change():
    _step_ups(20, IN_QUARTER)
    _step_ups(5, IN_PREVIOUS)

    response = _lead().get(_url())

    assert response.status_code == 200
    assert response.context["nav_section"] == "reports"
    page = html.unescape(response.content.decode())
    assert "The whole partnership: 1 July to 30 September 2026" in page
    assert "How this is counted" in page
    assert page.count("Where a number is between 1 and 4, it is not shown") == 1
    now, previous, last_year, change = _cells(response.content.decode(), STEP_UPS)
    assert (now, previous, last_year) == ("20", "5", "0")
    assert (
        "Since the previous period: Up from 5 in 91 days to 20 in 92 days. Exact test for two "
        "Poisson counts gives "
        "p = 0.0041: a change this large would happen by chance less than 5 times in 1,000, so "
        "it is unlikely to be chance."
    ) in change
    # 20 against none in the same 92 days: all 20 in one half, 2 * 0.5 ** 20.
    assert (
        "Since the same period last year: Up from 0 to 20. Exact test for two Poisson counts "
        "gives p < 0.001"
    ) in change
    event = AuditEvent.objects.get(record_type="reporting.report_card")
    assert event.action == AuditEvent.Action.VIEW
    assert event.detail == {
        "period": {"start": "2026-07-01", "end": "2026-09-30"},
        "slice": {"area": "", "agency": "", "team": ""},
        "format": "page",
    }


def test_small_numbers_are_shown_as_suppressed_and_not_compared():
    _step_ups(3, IN_QUARTER)
    _step_ups(9, IN_PREVIOUS)

    now, previous, _, change = _cells(_lead().get(_url()).content.decode(), STEP_UPS)

    assert (now, previous) == ("Fewer than 5", "9")
    assert "Since the previous period: Not compared: a number is too small to show." in change
    assert "Since the same period last year: Not compared: a number is too small" in change


def test_the_slice_by_area_changes_the_numbers():
    north, south = AreaFactory(code="north", name="North"), AreaFactory(code="south")
    _step_ups(6, IN_QUARTER, family=FamilyFactory(area=north))
    _step_ups(7, IN_QUARTER, family=FamilyFactory(area=south))
    client = _lead()

    assert _cells(client.get(_url()).content.decode(), STEP_UPS)[0] == "13"
    response = client.get(_url(area="north", quarter="2026-3"))

    assert "North: 1 July to 30 September 2026" in response.content.decode()
    assert _cells(response.content.decode(), STEP_UPS)[0] == "6"
    event = AuditEvent.objects.filter(record_type="reporting.report_card").first()
    assert event.detail["slice"] == {"area": "north", "agency": "", "team": ""}


def test_dates_replace_the_quarter():
    _step_ups(5, date(2026, 10, 1))
    _step_ups(6, date(2026, 10, 31))  # both in October, neither in the quarter before

    response = _lead().get(
        _url(start_0="1", start_1="10", start_2="2026", end_0="31", end_1="10", end_2="2026")
    )

    page = html.unescape(response.content.decode())
    assert "The whole partnership: 1 October to 31 October 2026" in page
    assert _cells(response.content.decode(), STEP_UPS)[0] == "11"


def test_invalid_dates_show_the_error_summary_keep_what_was_typed_and_show_no_card():
    response = _lead().get(
        _url(start_0="31", start_1="2", start_2="2026", end_0="30", end_1="6", end_2="2026")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Start date must be a real date" in page
    assert 'value="31"' in page and 'value="30"' in page
    assert response.context["card"] is None
    assert "Export this report card" not in page
    assert not AuditEvent.objects.filter(record_type="reporting.report_card").exists()

    page = _lead().get(_url(end_0="30", end_1="6", end_2="2026")).content.decode()
    assert "Enter the start date too, or leave both empty" in page


# ---------------------------------------------------------------------------------- the CSV


def test_the_csv_has_the_cards_table_and_is_audited():
    _step_ups(20, IN_QUARTER)
    _step_ups(5, IN_PREVIOUS)
    client = _lead()
    page = client.get(_url(quarter="2026-3")).content.decode()
    assert 'href="?quarter=2026-3&amp;fmt=csv"' in page

    response = client.get(_url(quarter="2026-3", fmt="csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="report-card-partnership-2026-07-01-to-2026-09-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(all_indicators())
    (step_ups,) = [row for row in rows if row[1] == STEP_UPS]
    assert step_ups[:5] == ["How much did we do?", STEP_UPS, "20", "5", "0"]
    assert step_ups[5].startswith(
        "Up from 5 in 91 days to 20 in 92 days. Exact test for two Poisson counts gives p = "
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.record_type == "reporting.report_card"
    assert event.detail == {
        "period": {"start": "2026-07-01", "end": "2026-09-30"},
        "slice": {"area": "", "agency": "", "team": ""},
        "format": "csv",
    }


# ---------------------------------------------------------------------------- who, and cost


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.STRATEGIC_LEAD, 200),
        (Role.EARLY_SUPPORT_TEAM_LEADER, 200),
        (Role.TEAM_MANAGER, 200),
        (Role.PRACTITIONER, 404),
        (Role.LEAD_PROFESSIONAL, 404),
    ],
)
def test_only_those_who_read_report_cards_reach_them(role, status):
    client = _lead(role)
    assert client.get(_url()).status_code == status
    assert client.get(_url(fmt="csv")).status_code == status
    audited = AuditEvent.objects.filter(record_type="reporting.report_card").count()
    assert audited == (2 if status == 200 else 0)


def test_signed_out_people_are_sent_to_sign_in():
    response = Client().get(_url())
    assert response.status_code == 302


# The page's own queries (session, user and roles, the form's three lists, the council's small
# number for each period, the audit row) and, for each indicator in each of the three periods, at
# most two aggregate queries. Nothing here counts records one by one.
OVERHEAD = 20
PER_INDICATOR = 3 * 2


def test_the_query_count_does_not_grow_with_the_records(django_assert_max_num_queries):
    client = _lead()
    budget = OVERHEAD + PER_INDICATOR * len(all_indicators())
    _step_ups(2, IN_QUARTER)
    with django_assert_max_num_queries(budget) as with_two:
        response = client.get(_url())
    assert _cells(response.content.decode(), STEP_UPS)[0] == "Fewer than 5"

    _step_ups(10, IN_QUARTER)
    Figure.objects.all().delete()  # as on the next day: nothing kept, all worked out again
    with django_assert_max_num_queries(budget) as with_twelve:
        response = client.get(_url())
    assert _cells(response.content.decode(), STEP_UPS)[0] == "12"
    assert len(with_twelve) == len(with_two)
