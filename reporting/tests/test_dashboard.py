"""The dashboard on a small hand-built set whose figures are worked out here.

Time stands at 15 January 2027, so the dashboard opens on October to December 2026 (the last
complete quarter) and compares it with July to September 2026. Three early help areas, in the
council's order:

- Batley and Spen: 2 neglect concerns identified in the quarter (fewer than 5: suppressed), none
  before; 6 episodes open since 1 September, so open at the end of both quarters.
- Dewsbury and Mirfield: 6 concerns in the quarter and 2 in the quarter before; 5 episodes open
  since 1 September, and a sixth that ended on 10 November (open at the end of September, not
  at the end of December).
- Kirklees Rural: nothing.

So for the partnership: 8 concerns (2 before: "Fewer than 5"); open episodes 11 at the end of
December and 12 at the end of September.
"""

from datetime import UTC, date, datetime
from html import unescape
from urllib.parse import urlencode

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
from core.models import AuditEvent
from core.tests.factories import AreaFactory, TeamFactory
from neglect.tests.factories import NeglectConcernFactory
from people.tests.factories import FamilyFactory
from reporting.dashboard import Ranking, dashboard, rank, trend_periods
from reporting.indicators import REGISTRY, Period, Result, Slice
from reporting.models import Figure

pytestmark = pytest.mark.django_db

QUARTER = Period(date(2026, 10, 1), date(2026, 12, 31))
BEFORE = Period(date(2026, 7, 1), date(2026, 9, 30))
CONCERNS, OPEN = "neglect_concerns_identified", "open_episodes"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2027, 1, 15, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def areas(db):
    return {
        "batley": AreaFactory(code="batley", name="Batley and Spen", sort_order=1),
        "dewsbury": AreaFactory(code="dewsbury", name="Dewsbury and Mirfield", sort_order=2),
        "rural": AreaFactory(code="rural", name="Kirklees Rural", sort_order=3),
    }


@pytest.fixture
def staff(areas):
    """Everyone works in one team, in an area already made (a factory would make a new one)."""
    return TeamFactory(code="early-support", area=areas["batley"])


def _concerns(area, team, count, identified_on):
    worker = UserFactory(team=team, roles=[Role.PRACTITIONER])
    for _ in range(count):
        family = FamilyFactory(area=area, team=team)
        NeglectConcernFactory(family=family, recorded_by=worker, identified_on=identified_on)


def _episodes(area, team, count, **kwargs):
    worker = UserFactory(team=team, roles=[Role.PRACTITIONER])
    for _ in range(count):
        family = FamilyFactory(area=area, team=team)
        EpisodeFactory(
            family=family, lead_professional=worker, started_on=date(2026, 9, 1), **kwargs
        )


@pytest.fixture
def world(frozen, areas, staff):
    _concerns(areas["batley"], staff, 2, date(2026, 10, 1))
    _concerns(areas["dewsbury"], staff, 5, date(2026, 12, 31))
    _concerns(areas["dewsbury"], staff, 1, date(2026, 11, 15))
    _concerns(areas["dewsbury"], staff, 2, date(2026, 9, 30))
    _episodes(areas["batley"], staff, 6)
    _episodes(areas["dewsbury"], staff, 5)
    _episodes(
        areas["dewsbury"],
        staff,
        1,
        status=Episode.Status.CLOSED,
        ended_on=date(2026, 11, 10),
        end_reason="needs_met",
    )
    return areas


def _headline(shown, code):
    return next(h for h in shown.headlines if h.indicator.code == code)


# ---------------------------------------------------------------- the figures


def test_headlines_for_the_partnership_now_and_the_quarter_before(world):
    shown = dashboard(QUARTER, Slice())

    assert shown.previous == BEFORE
    concerns, episodes = _headline(shown, CONCERNS), _headline(shown, OPEN)
    assert (concerns.now.shown, concerns.before.shown) == ("8", "Fewer than 5")
    assert concerns.change == "Not compared: a number is too small to show"
    assert concerns.indicator.definition == REGISTRY[CONCERNS].definition
    assert (episodes.now.shown, episodes.before.shown) == ("11", "12")
    assert episodes.change == "Down 1 from 12"


def test_choosing_an_area_changes_the_figures(world):
    dewsbury = dashboard(QUARTER, Slice(area=world["dewsbury"]))
    assert _headline(dewsbury, CONCERNS).now.shown == "6"
    assert _headline(dewsbury, OPEN).now.shown == "5"
    assert _headline(dewsbury, OPEN).change == "Down 1 from 6"

    batley = dashboard(QUARTER, Slice(area=world["batley"]))
    assert (_headline(batley, CONCERNS).now.shown, _headline(batley, CONCERNS).before.shown) == (
        "Fewer than 5",
        "0",
    )
    assert _headline(batley, OPEN).now.shown == "6"
    assert _headline(batley, OPEN).change == "No change"


def test_the_trend_is_the_four_quarters_ending_with_the_one_chosen(world):
    shown = dashboard(QUARTER, Slice())

    assert [p.start for p in shown.trend_periods] == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]
    concerns = next(c for c in shown.trend if c.title == REGISTRY[CONCERNS].name)
    assert [bar.label for bar in concerns.bars] == [
        "January to March 2026",
        "April to June 2026",
        "July to September 2026",
        "October to December 2026",
    ]
    # The 2 of July to September are suppressed: no bar, and the chart says so.
    assert [bar.shown for bar in concerns.bars] == ["0", "0", "Fewer than 5", "8"]
    assert [bar.missing for bar in concerns.bars] == ["", "", "Suppressed", ""]
    assert [bar.drawn for bar in concerns.bars] == [False, False, False, True]


def test_a_period_that_is_not_a_quarter_trends_over_periods_of_its_length():
    fortnight = Period(date(2026, 10, 15), date(2026, 10, 28))
    assert [(p.start, p.end) for p in trend_periods(fortnight)] == [
        (date(2026, 9, 3), date(2026, 9, 16)),
        (date(2026, 9, 17), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 14)),
        (date(2026, 10, 15), date(2026, 10, 28)),
    ]
    # A quarter's quarters differ in length: January to March is 90 days, the others more.
    assert trend_periods(Period.quarter(2026, 2), 2)[0] == Period.quarter(2026, 1)


# ---------------------------------------------------------------- hotspots


def test_hotspots_rank_the_areas_and_never_rank_a_suppressed_one(world):
    shown = dashboard(QUARTER, Slice())
    concerns = next(r for r in shown.rankings if r.indicator.code == CONCERNS)
    episodes = next(r for r in shown.rankings if r.indicator.code == OPEN)

    # Batley's hidden 2 is more than Kirklees Rural's 0, but a hidden number is not ranked.
    assert [(area.code, r.shown) for area, r in concerns.ranked] == [
        ("dewsbury", "6"),
        ("rural", "0"),
        ("batley", "Fewer than 5"),
    ]
    assert (
        concerns.sentence == "Most neglect concerns were identified in Dewsbury and Mirfield (6)."
    )
    assert [(area.code, r.shown) for area, r in episodes.ranked] == [
        ("batley", "6"),
        ("dewsbury", "5"),
        ("rural", "0"),
    ]
    assert episodes.sentence == "Most episodes were open in Batley and Spen (6)."
    # No contacts at all: a rate with nothing to count names no area and says why.
    not_brought = next(r for r in shown.rankings if r.indicator.code == "was_not_brought_rate")
    assert not_brought.sentence == (
        f"{REGISTRY['was_not_brought_rate'].name}: nothing to count in any area."
    )
    # The table keeps the council's order of areas.
    assert [row.area.code for row in shown.hotspot_rows] == ["batley", "dewsbury", "rural"]
    assert [bar.label for bar in concerns.chart.bars] == [
        "Dewsbury and Mirfield",
        "Kirklees Rural",
        "Batley and Spen",
    ]
    assert [bar.missing for bar in concerns.chart.bars] == ["", "", "Suppressed"]


def _areas_built():
    return [
        AreaFactory.build(name=name)
        for name in ("Batley and Spen", "Huddersfield", "Kirklees Rural")
    ]


def test_a_tie_names_every_area_at_the_top():
    batley, huddersfield, rural = _areas_built()
    ranked = rank(
        [
            (batley, Result(CONCERNS, "", "", 7)),
            (huddersfield, Result(CONCERNS, "", "", 5)),
            (rural, Result(CONCERNS, "", "", 7)),
        ]
    )
    assert [area for area, _ in ranked] == [batley, rural, huddersfield]
    ranking = Ranking(REGISTRY[CONCERNS], tuple(ranked), chart=None)
    assert ranking.sentence == (
        "Most neglect concerns were identified in Batley and Spen (7) and Kirklees Rural (7)."
    )


def test_no_area_is_named_when_the_only_numbers_are_hidden_or_nothing():
    batley, huddersfield, rural = _areas_built()
    ranked = rank(
        [
            (batley, Result(CONCERNS, "", "", 0)),
            (huddersfield, Result(CONCERNS, "", "", 4)),
            (rural, Result("rate", "", "", 3, 0)),  # a rate with nothing to count
        ]
    )
    assert [area for area, _ in ranked] == [batley, huddersfield, rural]
    ranking = Ranking(REGISTRY[CONCERNS], tuple(ranked), chart=None)
    assert ranking.sentence == (
        "Neglect concerns identified: no area can be named, as the numbers are too small to show."
    )


def test_hotspots_compare_every_area_for_the_agency_and_team_chosen(world, staff):
    batley = dashboard(QUARTER, Slice(area=world["batley"]))
    assert [row.area.code for row in batley.hotspot_rows] == ["batley", "dewsbury", "rural"]
    assert [r.shown for r in batley.hotspot_rows[1].results[:2]] == ["6", "5"]

    other = TeamFactory(area=world["rural"])
    shown = dashboard(QUARTER, Slice(team=other))
    concerns = next(r for r in shown.rankings if r.indicator.code == CONCERNS)
    assert [r.shown for _, r in concerns.ranked] == ["0", "0", "0"]
    assert concerns.sentence == "Neglect concerns identified: none in any area."


def test_the_queries_do_not_grow_with_the_records(frozen, areas, staff):
    """A fixed number of queries for each indicator and each area, whatever the records."""
    _concerns(areas["dewsbury"], staff, 2, date(2026, 11, 1))
    with CaptureQueriesContext(connection) as two:
        dashboard(QUARTER, Slice())
    _concerns(areas["dewsbury"], staff, 10, date(2026, 11, 1))
    _episodes(areas["batley"], staff, 2)
    Figure.objects.all().delete()  # as on the next day: nothing kept, all worked out again
    with CaptureQueriesContext(connection) as twelve:
        shown = dashboard(QUARTER, Slice())
    assert len(twelve) == len(two)
    assert next(r for r in shown.rankings if r.indicator.code == CONCERNS).ranked[0][1].shown == (
        "12"
    )


# ---------------------------------------------------------------- the page


def _client(role, team):
    user = UserFactory(team=team, roles=[role])
    if role == Role.TEAM_MANAGER:
        user.managed_teams.add(team)
    return sign_in_verified(Client(), user)


def _url(**query):
    base = reverse("reporting:dashboard")
    return f"{base}?{urlencode(query)}" if query else base


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
def test_only_leads_and_managers_reach_the_dashboard(frozen, staff, role, status):
    assert _client(role, staff).get(_url()).status_code == status


def test_the_page_shows_the_figures_for_the_filters_and_audits(world, staff):
    client = _client(Role.STRATEGIC_LEAD, staff)

    response = client.get(_url(area="dewsbury", quarter="2026-4"))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Dewsbury and Mirfield: 1 October to 31 December 2026" in html
    assert "Most neglect concerns were identified in Dewsbury and Mirfield (6)." in html
    assert "Down 1 from 6" in html
    assert '<option value="dewsbury" selected>' in html
    event = AuditEvent.objects.get(action="view", record_type="reporting.dashboard")
    assert event.detail == {
        "start": "2026-10-01",
        "end": "2026-12-31",
        "area": "dewsbury",
        "agency": "",
        "team": "",
    }


def test_the_page_opens_on_the_last_complete_quarter_for_the_partnership(world, staff):
    html = unescape(_client(Role.STRATEGIC_LEAD, staff).get(_url()).content.decode())
    assert "The whole partnership: 1 October to 31 December 2026" in html
    assert "Down 1 from 12" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "Apply filters" in html
    assert '<form method="get" action="/reports/dashboard/" novalidate>' in html


def test_links_to_the_other_reports_follow_the_reader_and_the_filters(world, staff):
    lead = _client(Role.STRATEGIC_LEAD, staff).get(_url(area="batley")).content.decode()
    manager = _client(Role.TEAM_MANAGER, staff).get(_url(area="batley")).content.decode()
    annex = reverse("reporting:annex_a_list_2")
    assert f'href="{annex}"' in lead and f'href="{annex}"' not in manager
    # Team managers read the list of reports too (it offers them what they may open).
    index = f'href="{reverse("reporting:index")}"'
    assert index in lead and index in manager
    card = f'href="{reverse("reporting:report_card")}?area=batley"'
    assert card in lead and card in manager


def test_invalid_dates_show_the_error_summary_keep_what_was_typed_and_show_no_figures(world, staff):
    client = _client(Role.STRATEGIC_LEAD, staff)

    response = client.get(
        _url(start_0="31", start_1="2", start_2="2026", end_0="", end_1="", end_2="")
    )

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "govuk-error-summary" in html
    assert "Start date must be a real date" in html
    assert 'value="31"' in html and 'value="2026"' in html
    assert "Headline figures" not in html
    assert not AuditEvent.objects.filter(record_type="reporting.dashboard").exists()


def test_the_page_costs_the_same_for_2_and_12_records(
    frozen, areas, staff, django_assert_max_num_queries
):
    client = _client(Role.STRATEGIC_LEAD, staff)
    _concerns(areas["dewsbury"], staff, 2, date(2026, 11, 1))
    # The session, user, device and roles, the settings, then a fixed number for each indicator
    # (the headlines twice, the trend four times, the hotspots once for each of the 3 areas),
    # reading and keeping the figures (twice each for the headlines, the trend and each area), the
    # filters' choices and the audit row.
    with django_assert_max_num_queries(75), CaptureQueriesContext(connection) as two:
        assert client.get(_url()).status_code == 200
    _concerns(areas["dewsbury"], staff, 10, date(2026, 11, 1))
    Figure.objects.all().delete()  # as on the next day: nothing kept, all worked out again
    with django_assert_max_num_queries(75), CaptureQueriesContext(connection) as twelve:
        html = unescape(client.get(_url()).content.decode())
    assert len(twelve) == len(two)
    assert "Most neglect concerns were identified in Dewsbury and Mirfield (12)." in html
