"""The product's clock: the one place that asks what the time and date are.

Dates that people see and rules that count days (a review due, a meeting's deadline, a child's
age) are in Europe/London whatever the server's time zone. Tests freeze time with
``time_machine.travel`` rather than patching functions, so every module sees the same moment.
"""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current moment (aware, UTC)."""
    return timezone.now()


def today() -> date:
    """Today's date in Europe/London."""
    return timezone.localdate(timezone=LONDON)


def local(moment: datetime) -> datetime:
    """A moment as the time on a London clock."""
    return timezone.localtime(moment, timezone=LONDON)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (negative for earlier); where the month is shorter, its last
    day (31 August less six months is 28 February, or the 29th in a leap year)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
