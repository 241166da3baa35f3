"""Registration and reach on a small data set worked out by hand.

The period is the financial year April 2026 to March 2027, looked at on 1 May 2027 (so the
figures are counted as at 31 March 2027: a child is under five then if born after 31 March 2022).
Area North has centres A and B; area South has centre C. Contact kinds: stay and play, parenting
group and outreach count as reach; an information call does not.

- c1, born 2024-01-10, registered at A, seen at A (stay and play, May 2026): A registered, reached.
- c2, born 2022-03-31, registered at A, seen at A: five on 31 March 2027, so not counted.
- c2b, born 2022-04-01, registered at A, never seen: five a day after the end, so A registered.
- c3, registered at A, ended 30 March 2027, seen at A: ended before the end, so not counted.
- c3b, registered at B, ended 31 March 2027 (the last day), parenting group at B in October:
  B registered, reached.
- c4, registered at B, an information call at B (a kind that does not count): B registered.
- c5, registered at B, seen at B on 31 March 2026 and 15 April 2027 (both outside): B registered.
- c6, registered at A and at B, outreach by B in September: A registered; B registered, reached;
  once in North.
- c7, registered at C in October 2026, seen at C in November: C registered, reached.
- c8, registered at A on 10 April 2027 (after the end): not counted.

So A: 3 registered (c1, c2b, c6), 1 reached (c1). B: 4 registered (c3b, c4, c5, c6), 2 reached
(c3b, c6). North: 6 children registered (c6 once), 3 reached. C and South: 1 and 1. All areas: 7
and 4. Populations for 2026: A 10, B 20, C 40, and South's own figure 50 (so not C's 40): North is
30 (A + B), all areas 80.
"""

from datetime import date

import pytest
import time_machine

from children_centres import reach, selectors
from children_centres.reach import Period
from children_centres.tests.factories import (
    AreaPopulationFactory,
    CentreFactory,
    CentreRegistrationFactory,
    CentreSettingsFactory,
    ReachContactFactory,
    UnderFiveFactory,
    UnderFivesPopulationFactory,
)
from core.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

FY = Period.financial_year(2026)
LOOKED_AT = date(2027, 5, 1)


@pytest.fixture
def world():
    north = AreaFactory(name="North", sort_order=1)
    south = AreaFactory(name="South", sort_order=2)
    a = CentreFactory(area=north, name="A Centre")
    b = CentreFactory(area=north, name="B Centre")
    c = CentreFactory(area=south, name="C Centre")

    def child(born):
        return UnderFiveFactory(date_of_birth=date.fromisoformat(born))

    def register(kid, centre, on="2025-06-01", ended=None):
        return CentreRegistrationFactory(
            child=kid,
            centre=centre,
            registered_on=date.fromisoformat(on),
            ended_on=date.fromisoformat(ended) if ended else None,
        )

    def seen(kid, centre, on, kind="stay_and_play"):
        ReachContactFactory(child=kid, centre=centre, seen_on=date.fromisoformat(on), kind=kind)

    c1 = child("2024-01-10")
    register(c1, a)
    seen(c1, a, "2026-05-01")
    c2 = child("2022-03-31")
    register(c2, a)
    seen(c2, a, "2026-05-01")
    c2b = child("2022-04-01")
    register(c2b, a)
    c3 = child("2023-05-05")
    register(c3, a, on="2025-01-01", ended="2027-03-30")
    seen(c3, a, "2026-05-01")
    c3b = child("2024-02-02")
    register(c3b, b, on="2026-01-01", ended="2027-03-31")
    seen(c3b, b, "2026-10-10", kind="parenting_group")
    c4 = child("2025-02-02")
    register(c4, b, on="2026-06-01")
    seen(c4, b, "2026-07-01", kind="information_call")
    c5 = child("2024-06-06")
    register(c5, b)
    seen(c5, b, "2026-03-31")
    seen(c5, b, "2027-04-15")
    c6 = child("2023-08-08")
    register(c6, a)
    register(c6, b)
    seen(c6, b, "2026-09-09", kind="outreach_visit")
    c7 = child("2025-09-09")
    register(c7, c, on="2026-10-01")
    seen(c7, c, "2026-11-11")
    c8 = child("2024-03-03")
    register(c8, a, on="2027-04-10")
    for centre, number in ((a, 10), (b, 20), (c, 40)):
        UnderFivesPopulationFactory(year=2026, centre=centre, under_fives=number)
    AreaPopulationFactory(year=2026, area=south, under_fives=50)
    # Another year's figures, which a 2026 period must not use.
    UnderFivesPopulationFactory(year=2025, centre=a, under_fives=999)
    return {"north": north, "south": south, "a": a, "b": b, "c": c}


def _table(small_number=1, period=FY, today=LOOKED_AT):
    CentreSettingsFactory(small_number=small_number)
    with time_machine.travel(today, tick=False):
        return selectors.reach_table(period=period, today=today)


def _by_label(table):
    return {row.label: row for row in table.rows}


def test_the_counts_per_centre_area_and_council_are_those_worked_out_by_hand(world):
    rows = _by_label(_table())

    counts = {
        label: (row.registered.count, row.reached.count, row.population)
        for label, row in rows.items()
    }
    assert counts == {
        "A Centre": (3, 1, 10),
        "B Centre": (4, 2, 20),
        "North": (6, 3, 30),
        "C Centre": (1, 1, 40),
        "South": (1, 1, 50),
        "All areas": (7, 4, 80),
    }
    assert [row.kind for row in _table().rows] == [
        "centre",
        "centre",
        "area",
        "centre",
        "area",
        "council",
    ]


def test_the_percentages_are_those_worked_out_by_hand(world):
    rows = _by_label(_table())

    percentages = {
        label: (row.registered_percent, row.reached_percent, row.reached_of_registered)
        for label, row in rows.items()
    }
    assert percentages == {
        "A Centre": ("30.0%", "10.0%", "33.3%"),
        "B Centre": ("20.0%", "10.0%", "50.0%"),
        "North": ("20.0%", "10.0%", "50.0%"),
        "C Centre": ("2.5%", "2.5%", "100.0%"),
        "South": ("2.0%", "2.0%", "100.0%"),
        "All areas": ("8.8%", "5.0%", "57.1%"),
    }


def test_an_area_figure_replaces_the_sum_of_its_centres_and_a_missing_centre_leaves_it_unknown(
    world,
):
    rows = _by_label(_table())
    assert (rows["North"].population_source, rows["South"].population_source) == ("sum", "area")

    # B's figure missing: North cannot be summed, nor can the council's.
    UnderFivesPopulationFactory._meta.model.objects.filter(centre=world["b"]).delete()
    rows = _by_label(_table())
    assert rows["B Centre"].population is None and rows["B Centre"].registered_percent == ""
    assert rows["North"].population is None and rows["All areas"].population is None
    assert rows["South"].population == 50


def test_small_numbers_are_suppressed_and_no_percentage_is_made_from_them(world):
    rows = _by_label(_table(small_number=5))

    assert rows["A Centre"].registered.shown == "Fewer than 5"
    assert rows["A Centre"].registered_percent == ""
    assert rows["A Centre"].reached_of_registered == ""
    # North's six registered are shown; its three reached are not, nor any share made from them.
    assert rows["North"].registered.shown == "6"
    assert rows["North"].registered_percent == "20.0%"
    assert rows["North"].reached.shown == "Fewer than 5"
    assert (rows["North"].reached_percent, rows["North"].reached_of_registered) == ("", "")
    assert rows["All areas"].registered.shown == "7"
    # Nought is not a small number: it is shown.
    assert reach.Figure(0, 5).shown == "0" and not reach.Figure(0, 5).suppressed


def test_an_open_period_is_counted_as_at_today(world):
    # On 1 February 2027 c2 is still four; c3's registration has not ended; c5's April contact
    # has not happened. A: c1, c2 (seen), c2b, c3 (seen), c6 = 5 registered, 3 reached.
    rows = _by_label(_table(today=date(2027, 2, 1)))
    assert (rows["A Centre"].registered.count, rows["A Centre"].reached.count) == (5, 3)


def test_the_population_of_the_year_the_period_starts_or_the_latest_before_it(world):
    table = _table(period=Period.financial_year(2027), today=date(2028, 5, 1))
    assert table.population_year == 2026
    assert _by_label(table)["A Centre"].population == 10
    table = _table(period=Period.financial_year(2025), today=LOOKED_AT)
    assert table.population_year == 2025
    assert _by_label(table)["A Centre"].population == 999
    assert _by_label(table)["B Centre"].population is None
    table = _table(period=Period.financial_year(2024), today=LOOKED_AT)
    assert table.population_year is None


def test_any_dates_may_be_chosen(world):
    # October to December 2026: c7 (registered 1 October, seen 11 November) is reached at C;
    # c3b's parenting group (10 October) is in it, c6's outreach (9 September) is not.
    table = _table(period=Period(date(2026, 10, 1), date(2026, 12, 31)))
    rows = _by_label(table)
    assert (rows["C Centre"].registered.count, rows["C Centre"].reached.count) == (1, 1)
    assert rows["B Centre"].reached.count == 1
    assert table.as_at == date(2026, 12, 31)


def test_the_table_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    CentreSettingsFactory(small_number=1)
    # settings, centres, populations, per centre, per area, the council
    with django_assert_num_queries(6):
        selectors.reach_table(period=FY, today=LOOKED_AT)
    for _ in range(5):
        CentreRegistrationFactory(centre=world["c"], registered_on=date(2026, 5, 5))
    with django_assert_num_queries(6):
        table = selectors.reach_table(period=FY, today=LOOKED_AT)
    assert _by_label(table)["C Centre"].registered.count == 6


@pytest.mark.parametrize(
    ("born", "on", "under_five"),
    [
        ("2022-03-31", "2027-03-31", False),
        ("2022-04-01", "2027-03-31", True),
        ("2020-02-29", "2025-02-28", True),
        ("2020-02-29", "2025-03-01", False),
        ("2022-03-01", "2027-02-28", True),
        ("2027-04-01", "2027-03-31", False),
    ],
)
def test_under_five_on_a_day(born, on, under_five):
    assert reach.under_five_on(date.fromisoformat(born), date.fromisoformat(on)) is under_five


def test_a_financial_year_and_its_label():
    assert Period.financial_year_of(date(2027, 3, 31)) == FY
    assert Period.financial_year_of(date(2026, 4, 1)) == FY
    assert FY.label == "April 2026 to March 2027"
    assert Period(date(2026, 10, 1), date(2026, 12, 31)).label == (
        "1 October 2026 to 31 December 2026"
    )
