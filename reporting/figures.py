"""Figures worked out once a day for periods that have ended, so a report opens in seconds at
national scale (issue 13, Build 8; ADR 0027).

An indicator is an aggregate over the records, and at a million people some take seconds; a
report card asks 26 of them for three periods, the booklet 15 for three. Records for a period that
has ended change rarely (a contact recorded late), so each figure for an ended period is kept
(``reporting.Figure``) with the moment it was worked out, and is used again for the rest of that
London day. A nightly job (``refresh_standard``) works out the periods and slices the reports
open by default, so the first reader of the morning waits for nothing; a figure no one asked for
before is worked out when first asked and kept. A period that has not ended is always worked out
afresh, and so is an issued booklet (it is the record the board keeps).

A report says when its kept figures were worked out, and a reader can ask for them to be worked
out again now (``forget``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from core import clock
from core import selectors as core_selectors
from reporting.indicators.base import Indicator, Period, Result, Slice, all_indicators
from reporting.models import Figure
from reporting.settings import reporting_settings


def slice_key(where: Slice) -> str:
    """The slice in a few characters: which area, agency and team (0 for none chosen)."""
    ids = (getattr(row, "pk", None) or 0 for row in (where.area, where.agency, where.team))
    return "area {} agency {} team {}".format(*ids)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Measured:
    """Results by (indicator code, period), and the earliest moment a kept figure among them was
    worked out (None when every one was worked out now)."""

    results: dict[tuple[str, Period], Result]
    kept_since: datetime | None

    def get(self, indicator: Indicator, period: Period) -> Result:
        return self.results[(indicator.code, period)]


def measure(
    indicators: Iterable[Indicator],
    periods: Iterable[Period],
    where: Slice,
    *,
    small_number: int,
    fresh: bool = False,
) -> Measured:
    """Every indicator for every period in the slice: kept figures worked out today for ended
    periods (unless ``fresh``), the rest worked out now (and kept, if their period has ended).
    One query reads the kept figures, one writes the new ones."""
    indicators, periods = list(indicators), list(dict.fromkeys(periods))
    today = clock.today()
    key = slice_key(where)
    kept: dict[tuple[str, date, date], Figure] = {}
    if not fresh and any(period.end < today for period in periods):
        for figure in Figure.objects.filter(
            slice_key=key,
            code__in=[one.code for one in indicators],
            start__in={period.start for period in periods},
            end__in={period.end for period in periods},
            worked_out_at__gte=_start_of(today),
        ):
            kept[(figure.code, figure.start, figure.end)] = figure
    results: dict[tuple[str, Period], Result] = {}
    made: list[Figure] = []
    kept_since = None
    for one in indicators:
        for period in periods:
            figure = kept.get((one.code, period.start, period.end))
            if figure is not None:
                counted = (figure.numerator, figure.denominator, figure.median_days)
                kept_since = min(kept_since or figure.worked_out_at, figure.worked_out_at)
            else:
                counted = one.count(period, where)
                if period.end < today:
                    made.append(_figure(one, period, key, counted))
            results[(one.code, period)] = one.result(counted, small_number=small_number)
    if made:
        _keep(made)
    return Measured(results=results, kept_since=kept_since)


def _figure(one: Indicator, period: Period, key: str, counted) -> Figure:
    numerator, denominator, median = Indicator.parts(counted)
    return Figure(
        code=one.code,
        start=period.start,
        end=period.end,
        slice_key=key,
        numerator=numerator,
        denominator=denominator,
        median_days=median,
        worked_out_at=clock.now(),
    )


def _keep(figures: list[Figure]) -> None:
    with transaction.atomic():
        Figure.objects.bulk_create(
            figures,
            update_conflicts=True,
            unique_fields=["code", "start", "end", "slice_key"],
            update_fields=["numerator", "denominator", "median_days", "worked_out_at"],
        )


def forget(periods: Iterable[Period], where: Slice) -> int:
    """Drops the kept figures of these periods in this slice, so the next reading works them out
    again from the records. Returns how many were dropped."""
    dropped = 0
    for period in set(periods):
        dropped += Figure.objects.filter(
            slice_key=slice_key(where), start=period.start, end=period.end
        ).delete()[0]
    return dropped


def standard_periods(today: date) -> list[Period]:
    """The periods the reports open by default: the last five whole quarters (a quarter, the one
    before, the dashboard's trend) and each of those a year earlier (the report card's and the
    booklet's comparison)."""
    year, number = today.year, (today.month - 1) // 3  # the quarter before this one
    if number == 0:
        year, number = year - 1, 4
    quarters = []
    for _ in range(5):
        quarters.append(Period.quarter(year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    # A year before the latest quarter is also the oldest of the five: listed once.
    return list(dict.fromkeys(quarters + [period.year_before() for period in quarters]))


def refresh_standard(*, slices: Iterable[Slice], small_number: int) -> dict:
    """Works out afresh and keeps every indicator for the standard periods in each slice: the
    nightly job. Returns counts only."""
    periods = standard_periods(clock.today())
    indicators = all_indicators()
    done = 0
    for where in slices:
        measure(indicators, periods, where, small_number=small_number, fresh=True)
        done += 1
    return {"slices": done, "periods": len(periods), "indicators": len(indicators)}


def standard_slices() -> list[Slice]:
    """The slices the reports open most: the whole partnership and each early help area (an
    agency's or a team's figures are kept when first asked for)."""
    return [Slice()] + [Slice(area=area) for area in core_selectors.areas()]


def refresh_nightly(now: datetime) -> dict:
    """The scheduled job: the standard periods for the standard slices, so the morning's first
    reader waits for nothing."""
    return refresh_standard(
        slices=standard_slices(), small_number=reporting_settings().small_number
    )
