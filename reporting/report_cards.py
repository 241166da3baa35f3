"""Results Based Accountability report cards (issue 13, Build 4): every registered indicator for a
period and a slice of the partnership, beside the previous period and the same period last year,
grouped by the three questions (how much did we do, how well did we do it, is anyone better off),
with each change tested (``reporting.stats``).

Each indicator costs the same few queries however many records there are, and a figure for a
period that has ended is kept for the day (``reporting.figures``), so a card opens fast at
national scale and says when its kept figures were worked out. The card holds counts and rates
only, small numbers suppressed: no one's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import slugify

from core.spreadsheets import Column
from reporting import figures
from reporting.indicators import (
    Indicator,
    Period,
    Quadrant,
    Result,
    Slice,
    all_indicators,
)
from reporting.settings import reporting_settings
from reporting.stats import Comparison, compare, not_compared


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    now: Result
    previous: Result
    last_year: Result
    against_previous: Comparison | None
    against_last_year: Comparison | None

    @property
    def results(self) -> tuple[Result, Result, Result]:
        """In the order of the card's columns."""
        return (self.now, self.previous, self.last_year)

    @property
    def since_previous(self) -> str:
        if self.against_previous:
            return self.against_previous.sentence
        return not_compared(self.now, self.previous)

    @property
    def since_last_year(self) -> str:
        if self.against_last_year:
            return self.against_last_year.sentence
        return not_compared(self.now, self.last_year)


@dataclass(frozen=True)
class Section:
    quadrant: str
    question: str
    rows: list[Row]


@dataclass(frozen=True)
class ReportCard:
    period: Period
    previous: Period
    last_year: Period
    where: Slice
    sections: list[Section]
    small_number: int
    # When the earliest of the kept figures shown was worked out (None: all worked out now).
    kept_since: datetime | None = None

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]


def report_card(period: Period, where: Slice, *, fresh: bool = False) -> ReportCard:
    """The card; ``fresh`` works every figure out again now (and keeps those of ended periods)
    rather than reading the ones kept today."""
    indicators = all_indicators()
    previous, last_year = period.before(), period.year_before()
    small_number = reporting_settings().small_number
    measured = figures.measure(
        indicators, (period, previous, last_year), where, small_number=small_number, fresh=fresh
    )
    rows: dict[str, list[Row]] = {quadrant: [] for quadrant in Quadrant.values}
    for one in indicators:
        now, before, year_ago = (measured.get(one, p) for p in (period, previous, last_year))
        rows[one.quadrant].append(
            Row(
                indicator=one,
                now=now,
                previous=before,
                last_year=year_ago,
                against_previous=compare(
                    now, before, now_days=period.days, then_days=previous.days, better=one.better
                ),
                against_last_year=compare(
                    now,
                    year_ago,
                    now_days=period.days,
                    then_days=last_year.days,
                    better=one.better,
                ),
            )
        )
    sections = [
        Section(quadrant=quadrant, question=label, rows=rows[quadrant])
        for quadrant, label in Quadrant.choices
        if rows[quadrant]
    ]
    return ReportCard(
        period=period,
        previous=previous,
        last_year=last_year,
        where=where,
        sections=sections,
        small_number=small_number,
        kept_since=measured.kept_since,
    )


# ------------------------------------------------------------------------------ the download

COLUMNS = [
    Column("question", "Question", 24),
    Column("indicator", "Indicator", 40),
    Column("now", "This period", 22),
    Column("previous", "Previous period", 22),
    Column("last_year", "Same period last year", 22),
    Column("against_previous", "Change since the previous period", 60),
    Column("against_last_year", "Change since the same period last year", 60),
]


def csv_rows(card: ReportCard) -> list[dict]:
    """The card's table, one row for each indicator, as the page shows it."""
    return [
        {
            "question": section.question,
            "indicator": row.indicator.name,
            "now": row.now.shown,
            "previous": row.previous.shown,
            "last_year": row.last_year.shown,
            "against_previous": row.since_previous,
            "against_last_year": row.since_last_year,
        }
        for section in card.sections
        for row in section.rows
    ]


def filename(card: ReportCard) -> str:
    """The slice by its codes (made safe for a header), not its names, and the dates."""
    codes = [slugify(code) for code in slice_codes(card.where).values() if code]
    where = "-".join(codes) if codes else "partnership"
    return f"report-card-{where}-{card.period.start:%Y-%m-%d}-to-{card.period.end:%Y-%m-%d}.csv"


def slice_codes(where: Slice) -> dict[str, str]:
    """The slice as the codes of its rows (for the audit trail and the file's name)."""
    return {
        "area": where.area.code if where.area else "",
        "agency": where.agency.code if where.agency else "",
        "team": where.team.code if where.team else "",
    }
