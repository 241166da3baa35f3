"""Accidents and injuries: the chronology entries of that category (``people.ChronologyEntry``,
recorded through the chronology form), counted per child.

The pattern holds when the number of entries in the pack's window up to today (``injuries.months``,
6) reaches its threshold (``injuries.count``, 3). The per-child view also counts them per quarter
(three calendar months), so a reader sees when they cluster.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from core.clock import add_months
from patterns.wording import long_date, names

CATEGORY = "accident_injury"
QUARTER_NAMES = ("January to March", "April to June", "July to September", "October to December")


@dataclass(frozen=True)
class InjuryPattern:
    dates: tuple[date, ...]  # every entry's date, oldest first
    today: date
    threshold: int
    months: int

    @property
    def window_start(self) -> date:
        return add_months(self.today, -self.months)

    @property
    def in_window(self) -> tuple[date, ...]:
        return tuple(d for d in self.dates if self.window_start < d <= self.today)

    @property
    def count(self) -> int:
        return len(self.in_window)

    @property
    def holds(self) -> bool:
        return self.count >= self.threshold

    @property
    def quarters(self) -> list[tuple[str, int]]:
        """Each quarter from the first entry's to today's, oldest first, with its count."""
        if not self.dates:
            return []
        counts = Counter((d.year, (d.month - 1) // 3) for d in self.dates)
        first = min(self.dates)
        year, quarter = first.year, (first.month - 1) // 3
        last = (self.today.year, (self.today.month - 1) // 3)
        rows = []
        while (year, quarter) <= last:
            rows.append((f"{QUARTER_NAMES[quarter]} {year}", counts.get((year, quarter), 0)))
            quarter += 1
            if quarter == 4:
                year, quarter = year + 1, 0
        return rows

    @property
    def warning(self) -> str:
        """The rule and the facts, in words (empty when the pattern does not hold)."""
        if not self.holds:
            return ""
        dates = [long_date(d) for d in self.in_window]
        return (
            f"{self.count} accidents or injuries in the {self.months} months to "
            f"{long_date(self.today)} ({names(dates)}): the council looks again at "
            f"{self.threshold} or more in {self.months} months."
        )


def injury_pattern(dates, *, today: date, threshold: int, months: int) -> InjuryPattern:
    return InjuryPattern(
        dates=tuple(sorted(d for d in dates if d <= today)),
        today=today,
        threshold=threshold,
        months=months,
    )
