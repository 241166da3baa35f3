"""The dashboard for strategic leads and managers (issue 13, Build 6): the headline figures for a
period and a slice beside the period before, a trend over four periods, and the early help areas
compared (the hotspots).

Everything comes from the indicators' registry, chosen by code. The indicators are written module
by module, so a code not registered is left out rather than failing; the dashboard shows what there
is. Each figure is one or two aggregate queries, so the page costs the same for ten families or a
million: the headlines, four periods of up to three trend indicators, and up to three indicators
for each area (a council has a handful of areas).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import selectors as core_selectors
from reporting import figures
from reporting.charts import Chart, bar_chart
from reporting.indicators import REGISTRY, Better, Indicator, Period, Result, Slice
from reporting.settings import reporting_settings

# In the order the page lists them: neglect first (the partnership's priority), then the flow of
# work, then the quality of practice.
HEADLINE_CODES = (
    "neglect_concerns_identified",
    "open_episodes",
    "step_ups",
    "repeat_referrals",
    "was_not_brought_rate",
    "every_child_seen_alone",
    "child_voice_recorded",
)
TREND_CODES = ("neglect_concerns_identified", "open_episodes", "was_not_brought_rate")
TREND_COUNT = 3
TREND_LENGTH = 4
HOTSPOT_CODES = ("neglect_concerns_identified", "open_episodes", "was_not_brought_rate")

# How the page names the area at the top of each hotspot ranking ("{areas}" is the area or areas
# with the highest figure, each with its figure).
HOTSPOT_SENTENCES = {
    "neglect_concerns_identified": "Most neglect concerns were identified in {areas}",
    "open_episodes": "Most episodes were open in {areas}",
    "was_not_brought_rate": "The highest rate of children not brought was in {areas}",
}


def _registered(codes) -> list[Indicator]:
    return [REGISTRY[code] for code in codes if code in REGISTRY]


def headline_indicators() -> list[Indicator]:
    return _registered(HEADLINE_CODES)


def trend_indicators() -> list[Indicator]:
    """The trend's indicators, or, while those are not registered, the first headlines there are."""
    codes = dict.fromkeys((*TREND_CODES, *HEADLINE_CODES))
    return _registered(codes)[:TREND_COUNT]


def hotspot_indicators() -> list[Indicator]:
    return _registered(HOTSPOT_CODES)


def value_of(result: Result) -> float | None:
    """What a chart draws and a ranking sorts by: never a suppressed number."""
    if result.suppressed:
        return None
    return result.rate if result.is_rate else result.numerator


def trend_periods(period: Period, count: int = TREND_LENGTH) -> list[Period]:
    """The ``count`` periods ending with this one, oldest first, each the one before the next
    (``Period.before``: calendar quarters when it is one)."""
    found = [period]
    while len(found) < count:
        found.insert(0, found[0].before())
    return found


def period_name(period: Period) -> str:
    """A quarter by its months ("October to December 2026"), any other period by its days."""
    if period.as_quarter():
        return f"{period.start:%B} to {period.end:%B %Y}"
    return period.label


def change(now: Result, before: Result) -> str:
    """The move from the period before, in words (a colour or an arrow alone would not say it)."""
    if now.suppressed or before.suppressed:
        return "Not compared: a number is too small to show"
    if now.is_rate:
        if now.rate is None or before.rate is None:
            return "Not compared: nothing to count in one of the periods"
        points = round(now.rate - before.rate, 1)
        if points == 0:
            return "No change"
        direction = "Up" if points > 0 else "Down"
        unit = "percentage point" if abs(points) == 1 else "percentage points"
        return f"{direction} {abs(points):g} {unit} from {before.rate:g}%"
    difference = now.numerator - before.numerator
    if difference == 0:
        return "No change"
    direction = "Up" if difference > 0 else "Down"
    return f"{direction} {abs(difference):,} from {before.numerator:,}"


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class Headline:
    indicator: Indicator
    now: Result
    before: Result

    @property
    def change(self) -> str:
        return change(self.now, self.before)

    @property
    def better(self) -> str:
        return Better(self.indicator.better).label


@dataclass(frozen=True)
class Ranking:
    """One hotspot indicator's areas, highest first; suppressed areas last, in the council's
    order, since ranking them would give their hidden numbers away."""

    indicator: Indicator
    ranked: tuple[tuple[object, Result], ...]
    chart: Chart

    @property
    def top(self) -> list[tuple[object, Result]]:
        shown = [(area, r) for area, r in self.ranked if value_of(r) is not None]
        if not shown or not value_of(shown[0][1]):
            return []
        highest = value_of(shown[0][1])
        return [(area, r) for area, r in shown if value_of(r) == highest]

    @property
    def sentence(self) -> str:
        top = self.top
        if not top:
            if any(r.suppressed for _, r in self.ranked):
                return (
                    f"{self.indicator.name}: no area can be named, as the numbers are too small "
                    "to show."
                )
            if all(r.is_rate and not r.denominator for _, r in self.ranked):
                return f"{self.indicator.name}: nothing to count in any area."
            return f"{self.indicator.name}: none in any area."
        areas = _names([f"{area.name} ({r.shown})" for area, r in top])
        wording = HOTSPOT_SENTENCES.get(
            self.indicator.code, f"The highest figure for {self.indicator.name} was in {{areas}}"
        )
        return wording.format(areas=areas) + "."

    @property
    def has_suppressed(self) -> bool:
        return any(r.suppressed for _, r in self.ranked)


@dataclass(frozen=True)
class HotspotRow:
    area: object
    results: tuple[Result, ...]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    where: Slice
    previous: Period
    small_number: int
    headlines: tuple[Headline, ...]
    trend: tuple[Chart, ...]
    trend_periods: tuple[Period, ...]
    hotspot_indicators: tuple[Indicator, ...]
    hotspot_rows: tuple[HotspotRow, ...]
    rankings: tuple[Ranking, ...]
    # When the earliest of the kept figures shown was worked out (None: all worked out now).
    kept_since: datetime | None = None

    @property
    def period_name(self) -> str:
        return period_name(self.period)

    @property
    def previous_name(self) -> str:
        return period_name(self.previous)


def _chart_row(label: str, result: Result) -> tuple[str, float | None, str, bool]:
    return label, value_of(result), result.shown, result.suppressed


def rank(pairs: list[tuple[object, Result]]) -> list[tuple[object, Result]]:
    """Highest first; ties keep the council's order of areas; suppressed and undefined last."""
    shown = [pair for pair in pairs if value_of(pair[1]) is not None]
    hidden = [pair for pair in pairs if value_of(pair[1]) is None]
    return sorted(shown, key=lambda pair: -value_of(pair[1])) + hidden


def dashboard(period: Period, where: Slice, *, fresh: bool = False) -> Dashboard:
    """The dashboard; ``fresh`` works every figure out again now (and keeps those of ended
    periods) rather than reading the ones kept today."""
    small_number = reporting_settings().small_number
    # Figures of ended periods are kept for the day (``reporting.figures``).
    kept_since: list[datetime] = []

    def measure(indicators: list[Indicator], periods: list[Period], slice_: Slice):
        measured = figures.measure(
            indicators, periods, slice_, small_number=small_number, fresh=fresh
        )
        if measured.kept_since:
            kept_since.append(measured.kept_since)
        return measured

    previous = period.before()
    measured = measure(headline_indicators(), [period, previous], where)
    headlines = tuple(
        Headline(one, measured.get(one, period), measured.get(one, previous))
        for one in headline_indicators()
    )

    periods = trend_periods(period)
    trend = []
    measured = measure(trend_indicators(), periods, where)
    for one in trend_indicators():
        results = [measured.get(one, when) for when in periods]
        is_rate = results[-1].is_rate
        trend.append(
            bar_chart(
                one.name,
                [
                    _chart_row(period_name(when), r)
                    for when, r in zip(periods, results, strict=True)
                ],
                unit="Per cent" if is_rate else "Number",
                category="Period",
                description=(
                    f"{one.name} in each of the {len(periods)} periods from "
                    f"{period_name(periods[0])} to {period_name(periods[-1])}, for "
                    f"{where.label.lower() if where.is_partnership else where.label}. "
                    "The table below gives the same figures."
                ),
                scale_to=100 if is_rate else None,
            )
        )

    columns = hotspot_indicators()
    rows = []
    for area in core_selectors.areas():
        # The area replaces any area chosen; the agency and team chosen still apply.
        in_area = Slice(area=area, agency=where.agency, team=where.team)
        measured = measure(columns, [period], in_area)
        rows.append(HotspotRow(area, tuple(measured.get(one, period) for one in columns)))
    rankings = []
    for index, one in enumerate(columns):
        ranked = rank([(row.area, row.results[index]) for row in rows])
        is_rate = any(r.is_rate for _, r in ranked)
        chart = bar_chart(
            f"{one.name}, by early help area",
            [_chart_row(area.name, r) for area, r in ranked],
            unit="Per cent" if is_rate else "Number",
            category="Early help area",
            description=(
                f"{one.name} in each early help area from {period.label}, highest first. Areas "
                f"with fewer than {small_number} are not drawn or ranked. The table below gives "
                "the same figures."
            ),
            scale_to=100 if is_rate else None,
        )
        rankings.append(Ranking(one, tuple(ranked), chart))

    return Dashboard(
        period=period,
        where=where,
        previous=previous,
        small_number=small_number,
        headlines=headlines,
        trend=tuple(trend),
        trend_periods=tuple(periods),
        hotspot_indicators=tuple(columns),
        hotspot_rows=tuple(rows),
        rankings=tuple(rankings),
        kept_since=min(kept_since) if kept_since else None,
    )
