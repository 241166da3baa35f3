"""The two reach percentages per children's centre, per early help area and for the council.

Exactly, for a period from ``start`` to ``end`` (a financial year, 1 April to 31 March, unless
other dates are chosen), counted **as at** the period's end, or today if the period has not
ended yet:

- **Registered under-fives** at a centre: the children with a registration at that centre that
  began on or before the as-at day and had not ended before it (ended on the as-at day or later,
  or not ended), who were born on or before the as-at day and were under five on it (their fifth
  birthday is after it). A child registered at two centres counts at each of them.
- **Reached under-fives** at a centre: those registered under-fives who were seen at or by that
  centre at least once from the period's start to the as-at day, in a contact of a kind the
  council pack says counts as reach.
- **Registered %** = registered under-fives ÷ the under-fives population of the centre's reach
  area; **reached %** = reached under-fives ÷ that population; and **reached as a share of
  registered** = reached ÷ registered.
- An **area**'s counts are the children counted at any of its centres, each child once; the
  council's likewise over every centre. An area's population is the area's own figure if the
  council loaded one, otherwise the sum of its centres' figures (unknown if any centre has none);
  the council's is the sum of its areas' (unknown if any area's is).
- The population used is the one loaded for the year the period starts in, or, if that year has
  none, for the latest year before it.
- Small numbers: a count from 1 to the small number less one (1 to 4 by default: the council
  pack's ``children_centres.small_number``, as the reports' ``reporting.small_number``) is shown
  as "Fewer than 5", and no percentage is worked out from it.

The figures take a fixed number of queries (database aggregates), however many children.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField as BooleanFieldType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value

from children_centres.models import CentreRegistration, ReachContact, UnderFivesPopulation
from core.models import Area, Site
from people.models import Person


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """1 April ``year`` to 31 March the year after."""
        return cls(date(year, 4, 1), date(year + 1, 3, 31))

    @classmethod
    def financial_year_of(cls, day: date) -> Period:
        return cls.financial_year(day.year if day.month >= 4 else day.year - 1)

    def as_at(self, today: date) -> date:
        """The day the figures are counted on: the period's end, or today if it is later."""
        return min(self.end, today)

    @property
    def population_year(self) -> int:
        return self.start.year

    @property
    def is_financial_year(self) -> bool:
        return (self.start.month, self.start.day) == (4, 1) and self.end == date(
            self.start.year + 1, 3, 31
        )

    @property
    def label(self) -> str:
        if self.is_financial_year:
            return f"April {self.start.year} to March {self.end.year}"
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def fifth_birthday_cutoff(day: date) -> date:
    """The latest date of birth of a child who is five or older on ``day``: a child is under
    five on ``day`` exactly when born after it (29 February counts as 28 February in a year
    that has none)."""
    year = day.year - 5
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, day.month, day.day)


def under_five_on(date_of_birth: date | None, day: date) -> bool:
    return date_of_birth is not None and fifth_birthday_cutoff(day) < date_of_birth <= day


@dataclass(frozen=True)
class Figure:
    """A count, and how it may be shown (small numbers suppressed)."""

    count: int
    small_number: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < self.small_number

    @property
    def shown(self) -> str:
        return f"Fewer than {self.small_number}" if self.suppressed else f"{self.count:,}"


def _percent(part: Figure, whole: int | None, *, whole_suppressed: bool = False) -> str:
    if part.suppressed or whole_suppressed or not whole:
        return ""
    return f"{100 * part.count / whole:.1f}%"


@dataclass(frozen=True)
class ReachRow:
    kind: str  # "centre", "area" or "council"
    label: str
    centre: Site | None
    area: Area | None
    registered: Figure
    reached: Figure
    population: int | None
    # Where the population came from: "centre", "area" (the area's own figure), "sum" or "".
    population_source: str = ""

    @property
    def registered_percent(self) -> str:
        return _percent(self.registered, self.population)

    @property
    def reached_percent(self) -> str:
        return _percent(self.reached, self.population)

    @property
    def reached_of_registered(self) -> str:
        return _percent(
            self.reached, self.registered.count, whole_suppressed=self.registered.suppressed
        )


def counted_registrations(
    period: Period, today: date, counting_kinds: list[str]
) -> QuerySet[CentreRegistration]:
    """The registrations that make a child a registered under-five at their centre for the
    period (see the module's definitions), each marked ``seen`` if it also makes them reached."""
    as_at = period.as_at(today)
    registrations = CentreRegistration.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_at),
        centre__kind=Site.Kind.CHILDRENS_CENTRE,
        registered_on__lte=as_at,
        child__kind=Person.Kind.CHILD,
        child__date_of_birth__lte=as_at,
        child__date_of_birth__gt=fifth_birthday_cutoff(as_at),
    )
    if not counting_kinds:
        return registrations.annotate(seen=Value(False, output_field=BooleanFieldType()))
    contacts = ReachContact.objects.filter(
        child=OuterRef("child_id"),
        centre=OuterRef("centre_id"),
        kind__in=list(counting_kinds),
        seen_on__gte=period.start,
        seen_on__lte=as_at,
    )
    return registrations.annotate(seen=Exists(contacts))


def _counts(registrations, group_by: str | None):
    registered = Count("child_id", distinct=True)
    reached = Count("child_id", distinct=True, filter=Q(seen=True))
    if group_by is None:
        totals = registrations.aggregate(registered=registered, reached=reached)
        return totals["registered"] or 0, totals["reached"] or 0
    rows = (
        registrations.values(group_by).annotate(registered=registered, reached=reached).order_by()
    )
    return {row[group_by]: (row["registered"], row["reached"]) for row in rows}


def populations(year: int) -> tuple[int | None, dict[int, int], dict[int, int]]:
    """The year whose figures apply to ``year`` (its own, or the latest before it) and its
    figures by centre id and by area id (one query)."""
    latest = (
        UnderFivesPopulation.objects.filter(year__lte=year).order_by("-year").values("year")[:1]
    )
    by_centre, by_area, used = {}, {}, None
    for row in UnderFivesPopulation.objects.filter(year=Subquery(latest)).values(
        "year", "centre_id", "area_id", "under_fives"
    ):
        used = row["year"]
        if row["centre_id"]:
            by_centre[row["centre_id"]] = row["under_fives"]
        else:
            by_area[row["area_id"]] = row["under_fives"]
    return used, by_centre, by_area


def centres() -> list[Site]:
    return list(
        Site.objects.filter(kind=Site.Kind.CHILDRENS_CENTRE)
        .select_related("area")
        .order_by("area__sort_order", "area__name", "name", "pk")
    )


@dataclass(frozen=True)
class ReachTable:
    period: Period
    as_at: date
    population_year: int | None
    small_number: int
    rows: list[ReachRow]

    @property
    def council(self) -> ReachRow:
        return self.rows[-1]


def reach_table(
    *,
    period: Period,
    today: date,
    counting_kinds: list[str],
    small_number: int,
    only_centre: Site | None = None,
) -> ReachTable:
    """Every centre's, area's and the council's figures (six queries whatever the numbers), or,
    for ``only_centre``, that centre's row alone (three)."""
    registrations = counted_registrations(period, today, counting_kinds)
    year, centre_population, area_population = populations(period.population_year)

    def figure(value: int) -> Figure:
        return Figure(value, small_number)

    def centre_row(centre: Site, counts: tuple[int, int]) -> ReachRow:
        population = centre_population.get(centre.pk)
        return ReachRow(
            kind="centre",
            label=centre.name,
            centre=centre,
            area=centre.area,
            registered=figure(counts[0]),
            reached=figure(counts[1]),
            population=population,
            population_source="centre" if population is not None else "",
        )

    if only_centre is not None:
        counts = _counts(registrations.filter(centre=only_centre), None)
        row = centre_row(only_centre, counts)
        return ReachTable(period, period.as_at(today), year, small_number, [row])

    sites = centres()
    by_centre = _counts(registrations, "centre_id")
    by_area = _counts(registrations, "centre__area_id")
    council_counts = _counts(registrations, None)
    rows: list[ReachRow] = []
    area_populations: list[int | None] = []
    areas: dict[int, list[Site]] = {}
    for site in sites:
        areas.setdefault(site.area_id, []).append(site)
    for area_sites in areas.values():
        area = area_sites[0].area
        rows += [centre_row(site, by_centre.get(site.pk, (0, 0))) for site in area_sites]
        if area.pk in area_population:
            population, source = area_population[area.pk], "area"
        else:
            figures = [centre_population.get(site.pk) for site in area_sites]
            known = None not in figures
            population, source = (sum(figures), "sum") if known else (None, "")
        area_populations.append(population)
        counts = by_area.get(area.pk, (0, 0))
        rows.append(
            ReachRow(
                kind="area",
                label=area.name,
                centre=None,
                area=area,
                registered=figure(counts[0]),
                reached=figure(counts[1]),
                population=population,
                population_source=source,
            )
        )
    known = bool(area_populations) and None not in area_populations
    rows.append(
        ReachRow(
            kind="council",
            label="All areas",
            centre=None,
            area=None,
            registered=figure(council_counts[0]),
            reached=figure(council_counts[1]),
            population=sum(area_populations) if known else None,
            population_source="sum" if known else "",
        )
    )
    return ReachTable(period, period.as_at(today), year, small_number, rows)
