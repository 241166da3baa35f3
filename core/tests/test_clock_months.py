"""Whole months on the calendar: the rules that count months (the radar's nine months open, a
child under 18 months, the six months of Annex A, the sustained check) all use this one."""

from datetime import date

import pytest

from core.clock import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 1), 18, date(2027, 9, 1)),
        (date(2025, 8, 31), 18, date(2027, 2, 28)),  # no 31 February: its last day
        (date(2027, 8, 31), -6, date(2027, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),  # a leap year
        (date(2027, 1, 15), -1, date(2026, 12, 15)),  # back across a year
        (date(2026, 12, 31), 0, date(2026, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
