"""The calendar on fixed, real dates. Expected values are worked out by hand in the comments.

England & Wales bank holidays used below (gov.uk/bank-holidays):
2027: Fri 1 Jan; Fri 26 Mar Good Friday; Mon 29 Mar Easter Monday; Mon 3 May; Mon 31 May;
Mon 30 Aug; Sat 25 Dec Christmas -> substitute Mon 27 Dec; Sun 26 Dec Boxing Day ->
substitute Tue 28 Dec. 2028: Sat 1 Jan -> substitute Mon 3 Jan.
Clocks go forward Sun 28 Mar 2027 (GMT -> BST) and back Sun 31 Oct 2027 (BST -> GMT).
"""

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from panel import calendar
from panel.calendar import (
    MeetingSlot,
    PanelCalendar,
    meeting_dates,
    publication_deadline,
    referral_cutoff,
)

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
ANCHOR = date(2027, 1, 6)  # the first Wednesday of 2027


def test_the_library_knows_the_england_and_wales_bank_holidays():
    named = {
        date(2027, 1, 1): "New Year",
        date(2027, 3, 26): "Good Friday",
        date(2027, 3, 29): "Easter Monday",
        date(2027, 5, 3): "May",
        date(2027, 5, 31): "Spring",
        date(2027, 8, 30): "Summer",
        date(2027, 12, 27): "Christmas",  # substitute for Sat 25 Dec
        date(2027, 12, 28): "Boxing",  # substitute for Sun 26 Dec
        date(2028, 1, 3): "New Year",  # substitute for Sat 1 Jan
    }
    for day, word in named.items():
        assert word in calendar.bank_holiday_name(day), day
    # Scotland's 2 January and St Andrew's Day are not England & Wales bank holidays.
    assert calendar.bank_holiday_name(date(2027, 1, 4)) == ""
    assert calendar.bank_holiday_name(date(2027, 11, 30)) == ""
    assert calendar.is_working_day(date(2027, 3, 25))
    assert not calendar.is_working_day(date(2027, 3, 27))  # Saturday


def test_a_2027_year_of_fortnightly_wednesdays():
    dates = meeting_dates(ANCHOR, 2027)
    # 6 Jan + 25 fortnights (350 days) = 22 Dec 2027; one more is 5 Jan 2028. So 26 meetings.
    assert len(dates) == 26
    assert dates[0] == date(2027, 1, 6)
    assert dates[1] == date(2027, 1, 20)
    assert date(2027, 3, 31) in dates
    assert dates[-1] == date(2027, 12, 22)
    assert all(d.weekday() == calendar.WEDNESDAY for d in dates)
    assert all((b - a).days == 14 for a, b in pairwise(dates))


def test_the_rhythm_carries_on_into_the_next_year_and_never_before_the_anchor():
    assert meeting_dates(ANCHOR, 2028)[:2] == [date(2028, 1, 5), date(2028, 1, 19)]
    assert meeting_dates(ANCHOR, 2026) == []
    # The other fortnight: anchored on 13 Jan 2027, the last 2027 meeting is 29 Dec.
    assert meeting_dates(date(2027, 1, 13), 2027)[-1] == date(2027, 12, 29)


def test_referral_cutoff_is_noon_on_the_wednesday_before():
    cutoff = referral_cutoff(date(2027, 1, 20))
    assert cutoff == datetime(2027, 1, 13, 12, 0, tzinfo=LONDON)
    assert cutoff.strftime("%A") == "Wednesday"
    assert cutoff.utcoffset() == timedelta(0)  # GMT in January
    # Summer: 12:00 BST is 11:00 UTC.
    summer = referral_cutoff(date(2027, 7, 7))
    assert summer == datetime(2027, 6, 30, 12, 0, tzinfo=LONDON)
    assert summer.astimezone(UTC) == datetime(2027, 6, 30, 11, 0, tzinfo=UTC)


def test_publication_is_noon_friday_three_working_days_before_a_wednesday():
    # Wed 20 Jan 2027: Tue 19 (1), Mon 18 (2), [Sun, Sat], Fri 15 (3).
    assert publication_deadline(date(2027, 1, 20)) == datetime(2027, 1, 15, 12, 0, tzinfo=LONDON)


def test_publication_is_pushed_earlier_by_easter():
    # Wed 31 Mar 2027: Tue 30 (1), Mon 29 Easter Monday (skip), [Sun 28, Sat 27],
    # Fri 26 Good Friday (skip), Thu 25 (2), Wed 24 (3) -> Wed 24 Mar at 12:00 GMT.
    deadline = publication_deadline(date(2027, 3, 31))
    assert deadline == datetime(2027, 3, 24, 12, 0, tzinfo=LONDON)
    assert deadline.utcoffset() == timedelta(0)
    # Without the bank holidays it would have been Fri 26 Mar: two working days earlier.
    # It lands on the meeting's own referral cut-off (also Wed 24 Mar, 12:00).
    assert deadline == referral_cutoff(date(2027, 3, 31))


def test_publication_is_pushed_earlier_by_easter_monday_alone():
    # Thursday panel on 1 Apr 2027 (a 1-working-day publication): Wed 31 Mar (1) - no push.
    assert publication_deadline(date(2027, 4, 1), 1) == datetime(2027, 3, 31, 12, 0, tzinfo=LONDON)
    # Tuesday panel on 30 Mar 2027, 1 working day: Mon 29 Easter Monday (skip), [Sun, Sat],
    # Fri 26 Good Friday (skip), Thu 25 Mar (1).
    assert publication_deadline(date(2027, 3, 30), 1) == datetime(2027, 3, 25, 12, 0, tzinfo=LONDON)


def test_publication_is_pushed_earlier_by_the_christmas_bank_holidays():
    # Wed 29 Dec 2027: Tue 28 (Boxing Day substitute, skip), Mon 27 (Christmas substitute,
    # skip), [Sun 26, Sat 25], Fri 24 (1), Thu 23 (2), Wed 22 (3) -> Wed 22 Dec, 12:00.
    assert publication_deadline(date(2027, 12, 29)) == datetime(2027, 12, 22, 12, 0, tzinfo=LONDON)
    # Wed 5 Jan 2028: Tue 4 (1), Mon 3 (New Year substitute, skip), [Sun 2, Sat 1],
    # Fri 31 Dec (2), Thu 30 Dec (3) -> Thu 30 Dec 2027, 12:00.
    assert publication_deadline(date(2028, 1, 5)) == datetime(2027, 12, 30, 12, 0, tzinfo=LONDON)
    # The week before Christmas is untouched: Wed 22 Dec -> Fri 17 Dec.
    assert publication_deadline(date(2027, 12, 22)) == datetime(2027, 12, 17, 12, 0, tzinfo=LONDON)


def test_clocks_going_forward_keep_noon_local():
    # Meeting Wed 31 Mar 2027 (BST, after the change on Sun 28 Mar); its cut-off,
    # Wed 24 Mar, is still GMT.
    cal = PanelCalendar(anchor=ANCHOR, start_time=time(9, 30))
    slot = cal.slot(date(2027, 3, 31))
    assert slot.cutoff.utcoffset() == timedelta(0)
    assert slot.cutoff.astimezone(UTC) == datetime(2027, 3, 24, 12, 0, tzinfo=UTC)
    assert slot.starts_at.utcoffset() == timedelta(hours=1)
    assert slot.starts_at.astimezone(UTC) == datetime(2027, 3, 31, 8, 30, tzinfo=UTC)
    # 6 days 21h30m apart on the wall clock, but an hour less in real (UTC) time. (Python
    # subtracts two datetimes in the same zone on the wall clock, so compare in UTC.)
    assert slot.starts_at - slot.cutoff == timedelta(days=6, hours=21, minutes=30)
    assert slot.starts_at.astimezone(UTC) - slot.cutoff.astimezone(UTC) == timedelta(
        days=6, hours=20, minutes=30
    )


def test_clocks_going_back_keep_noon_local():
    cal = PanelCalendar(anchor=ANCHOR, start_time=time(9, 30))
    # Wed 27 Oct 2027 is the last meeting in BST; Wed 10 Nov the first in GMT.
    october = cal.slot(date(2027, 10, 27))
    assert october.starts_at.utcoffset() == timedelta(hours=1)
    # Its publication: Tue 26 (1), Mon 25 (2), Fri 22 Oct (3), 12:00 BST = 11:00 UTC.
    assert october.publish_by.astimezone(UTC) == datetime(2027, 10, 22, 11, 0, tzinfo=UTC)
    november = cal.slot(date(2027, 11, 10))
    # Cut-off Wed 3 Nov 12:00, now GMT: 12:00 UTC. Publication Fri 5 Nov 12:00 GMT.
    assert november.cutoff.astimezone(UTC) == datetime(2027, 11, 3, 12, 0, tzinfo=UTC)
    assert november.publish_by.astimezone(UTC) == datetime(2027, 11, 5, 12, 0, tzinfo=UTC)
    assert november.starts_at.astimezone(UTC) == datetime(2027, 11, 10, 9, 30, tzinfo=UTC)
    # The cut-off for the meeting of Wed 3 Nov fell in the clock-change week (Wed 27 Oct, BST).
    assert cal.slot(date(2027, 11, 3)).cutoff.astimezone(UTC) == datetime(
        2027, 10, 27, 11, 0, tzinfo=UTC
    )


def test_slots_for_a_year():
    slots = PanelCalendar(anchor=ANCHOR).slots(2027)
    assert len(slots) == 26
    assert isinstance(slots[0], MeetingSlot)
    first = slots[0]
    assert first.date == date(2027, 1, 6)
    assert first.starts_at == datetime(2027, 1, 6, 9, 30, tzinfo=LONDON)
    assert first.ends_at == datetime(2027, 1, 6, 12, 0, tzinfo=LONDON)
    assert first.cutoff == datetime(2026, 12, 30, 12, 0, tzinfo=LONDON)
    # Wed 6 Jan 2027: Tue 5 (1), Mon 4 (2), [Sun 3, Sat 2], Fri 1 Jan New Year's Day (skip),
    # Thu 31 Dec 2026 (3).
    assert first.publish_by == datetime(2026, 12, 31, 12, 0, tzinfo=LONDON)
    assert all(s.bank_holiday == "" for s in slots)
    assert all(s.cutoff < s.starts_at and s.publish_by < s.starts_at for s in slots)


def test_a_meeting_on_a_bank_holiday_is_flagged():
    # Christmas Day 2030 is a Wednesday.
    assert (
        "Christmas"
        in PanelCalendar(anchor=date(2030, 12, 25)).slot(date(2030, 12, 25)).bank_holiday
    )


@pytest.mark.parametrize("bad", [0, -1])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        meeting_dates(ANCHOR, 2027, interval_weeks=bad)
    with pytest.raises(ValueError):
        calendar.working_days_before(ANCHOR, bad)
