"""The panel calendar: pure date arithmetic, no database.

The panel's terms of reference (its "Administration" section):

* the panel meets every two weeks, on Wednesday by default;
* referrals must arrive by 12 noon on the same weekday of the week before the meeting
  (7 days earlier);
* the agenda and referrals are published to members by 12 noon, 3 working days before
  the panel ("by 12 noon Friday" for a Wednesday panel): we count back working days
  strictly before the meeting date, skipping Saturdays, Sundays and England & Wales
  bank holidays (``holidays.country_holidays("GB", subdiv="ENG")``, which includes
  Good Friday, Easter Monday, the May, Spring and Summer bank holidays, Christmas,
  Boxing Day and their substitute days). So for a Wednesday meeting: Tuesday is 1,
  Monday 2, Friday 3; a bank holiday in between pushes publication earlier.

All times are Europe/London wall-clock times, made timezone-aware with ``zoneinfo``:
12:00 stays 12:00 local on both sides of a clock change, so the UTC offset is +00:00
in winter (GMT) and +01:00 in summer (BST).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
NOON = time(12, 0)
WEDNESDAY = 2
DEFAULT_INTERVAL_WEEKS = 2
DEFAULT_CUTOFF_DAYS = 7
DEFAULT_PUBLICATION_WORKING_DAYS = 3
DEFAULT_START_TIME = time(9, 30)
DEFAULT_END_TIME = time(12, 0)


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def bank_holiday_name(day: date) -> str:
    """The England & Wales bank holiday on ``day`` ("" if none)."""
    return _bank_holidays(day.year).get(day) or ""


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday."""
    return day.weekday() < 5 and not bank_holiday_name(day)


def local_datetime(day: date, at: time, tz: ZoneInfo = LONDON) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz``, timezone-aware (right offset either side of a clock change)."""
    return datetime.combine(day, at, tzinfo=tz)


def meeting_dates(
    anchor: date, year: int, *, interval_weeks: int = DEFAULT_INTERVAL_WEEKS
) -> list[date]:
    """Every meeting date in ``year``: ``anchor`` (the first meeting) and every ``interval_weeks`` after it.

    The weekday is the anchor's. No meeting is ever before the anchor.
    """
    if interval_weeks < 1:
        raise ValueError("interval_weeks must be at least 1")
    step = timedelta(weeks=interval_weeks)
    first_of_year = date(year, 1, 1)
    if anchor >= first_of_year:
        current = anchor
    else:
        steps = -(-(first_of_year - anchor).days // step.days)  # ceiling division
        current = anchor + steps * step
    dates = []
    while current.year == year:
        dates.append(current)
        current += step
    return dates


def referral_cutoff(
    meeting_date: date,
    *,
    days_before: int = DEFAULT_CUTOFF_DAYS,
    at: time = NOON,
    tz: ZoneInfo = LONDON,
) -> datetime:
    """When referrals for the meeting close: 12:00 London, ``days_before`` days earlier (the same
    weekday the week before)."""
    return local_datetime(meeting_date - timedelta(days=days_before), at, tz)


def working_days_before(day: date, working_days: int) -> date:
    """The ``working_days``-th working day strictly before ``day`` (weekends and bank holidays skipped)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    current = day
    counted = 0
    while counted < working_days:
        current -= timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def publication_deadline(
    meeting_date: date,
    working_days: int = DEFAULT_PUBLICATION_WORKING_DAYS,
    *,
    at: time = NOON,
    tz: ZoneInfo = LONDON,
) -> datetime:
    """When the agenda and pack must be published: 12:00 London, ``working_days`` working days before the meeting."""
    return local_datetime(working_days_before(meeting_date, working_days), at, tz)


@dataclass(frozen=True)
class MeetingSlot:
    """One meeting in the calendar, with its deadlines (all aware datetimes, Europe/London)."""

    date: date
    starts_at: datetime
    cutoff: datetime
    publish_by: datetime
    ends_at: datetime | None = None
    # The bank holiday the meeting itself falls on, if any (the service can cancel or move it).
    bank_holiday: str = ""


@dataclass(frozen=True)
class PanelCalendar:
    """A panel's rhythm. ``anchor`` is the first meeting date and fixes the weekday."""

    anchor: date
    start_time: time = DEFAULT_START_TIME
    end_time: time | None = DEFAULT_END_TIME
    interval_weeks: int = DEFAULT_INTERVAL_WEEKS
    cutoff_days: int = DEFAULT_CUTOFF_DAYS
    publication_working_days: int = DEFAULT_PUBLICATION_WORKING_DAYS
    tz: ZoneInfo = field(default=LONDON)

    @property
    def weekday(self) -> int:
        return self.anchor.weekday()

    def meeting_dates(self, year: int) -> list[date]:
        return meeting_dates(self.anchor, year, interval_weeks=self.interval_weeks)

    def slot(self, meeting_date: date, start_time: time | None = None) -> MeetingSlot:
        """The deadlines for a meeting on ``meeting_date`` (any date: a moved meeting need not be on the rhythm)."""
        starts = start_time or self.start_time
        ends_at = None
        if self.end_time and self.end_time > starts:
            ends_at = local_datetime(meeting_date, self.end_time, self.tz)
        return MeetingSlot(
            date=meeting_date,
            starts_at=local_datetime(meeting_date, starts, self.tz),
            cutoff=referral_cutoff(meeting_date, days_before=self.cutoff_days, tz=self.tz),
            publish_by=publication_deadline(
                meeting_date, self.publication_working_days, tz=self.tz
            ),
            ends_at=ends_at,
            bank_holiday=bank_holiday_name(meeting_date),
        )

    def slots(self, year: int) -> list[MeetingSlot]:
        return [self.slot(day) for day in self.meeting_dates(year)]
