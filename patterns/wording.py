"""Dates and spans in words, and month arithmetic, for the patterns' explanations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (0 when less than a month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def span(earlier: date, later: date) -> str:
    """'7 months', '1 month', 'less than a month'."""
    months = months_between(earlier, later)
    if months == 0:
        return "less than a month"
    return f"{months} month{'s' if months != 1 else ''}"


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def names(items: Sequence[str]) -> str:
    """'Amy', 'Amy and Ben', 'Amy, Ben and Cal'."""
    items = [i for i in items if i]
    if not items:
        return "a child"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
