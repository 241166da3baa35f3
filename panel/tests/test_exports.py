import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory
from panel import exports, services
from panel.models import PanelMeeting
from panel.tests.factories import PanelFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2027():
    actor = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    panel = PanelFactory(name="Batley and Spen panel")
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    # Moves may not go into the past: the meetings are changed on a day before them.
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=LONDON), tick=False):
        services.meeting_cancel(
            actor=actor,
            meeting=PanelMeeting.objects.get(panel=panel, date=date(2027, 12, 22)),
            reason="Christmas",
        )
        services.meeting_move(
            actor=actor,
            meeting=PanelMeeting.objects.get(panel=panel, date=date(2027, 3, 31)),
            new_date=date(2027, 4, 1),
            reason="Room",
        )
    return panel, list(
        PanelMeeting.objects.filter(panel=panel, date__year=2027).select_related("moved_to")
    )


def test_ics_is_valid_rfc5545(year_2027):
    panel, meetings = year_2027
    data = exports.meetings_ics(panel, meetings)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == exports.PRODID
    events = cal.walk("VEVENT")
    assert len(events) == 27  # 26 on the rhythm, plus the meeting moved to Thu 1 Apr
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in event, prop
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/London"
    assert vtimezone.walk("DAYLIGHT") and vtimezone.walk("STANDARD")
    by_date = {e.decoded("DTSTART").date(): e for e in events}
    assert by_date[date(2027, 12, 22)]["STATUS"] == "CANCELLED"
    assert by_date[date(2027, 3, 31)]["STATUS"] == "CANCELLED"
    assert "Moved to 1 April 2027" in str(by_date[date(2027, 3, 31)]["SUMMARY"])
    assert by_date[date(2027, 4, 1)]["STATUS"] == "CONFIRMED"
    assert by_date[date(2027, 3, 31)]["SEQUENCE"] == 1
    # Clock change: 09:30 local on each side, different UTC offsets.
    assert by_date[date(2027, 1, 6)].decoded("DTSTART") == datetime(
        2027, 1, 6, 9, 30, tzinfo=LONDON
    )
    assert by_date[date(2027, 4, 14)].decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert by_date[date(2027, 11, 10)].decoded("DTSTART").utcoffset() == timedelta(0)
    assert b"DTSTART;TZID=Europe/London:20270414T093000" in data
    assert by_date[date(2027, 1, 6)]["LOCATION"] == panel.location


def test_ics_uids_are_stable(year_2027):
    panel, meetings = year_2027
    first = icalendar.Calendar.from_ical(exports.meetings_ics(panel, meetings))
    second = icalendar.Calendar.from_ical(exports.meetings_ics(panel, reversed(meetings)))
    assert sorted(e["UID"] for e in first.walk("VEVENT")) == sorted(
        e["UID"] for e in second.walk("VEVENT")
    )


def test_ics_for_unsaved_planned_meetings():
    panel = PanelFactory()
    planned = [
        PanelMeeting(
            panel=panel,
            date=s.date,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            referral_cutoff=s.cutoff,
            publish_by=s.publish_by,
        )
        for s in panel.calendar.slots(2028)
    ]
    cal = icalendar.Calendar.from_ical(exports.meetings_ics(panel, planned))
    assert len(cal.walk("VEVENT")) == len(planned) == 26
    assert cal.walk("VTIMEZONE")


def test_csv_rows(year_2027):
    _panel, meetings = year_2027
    rows = list(csv.reader(io.StringIO(exports.meetings_csv(meetings))))
    assert rows[0] == exports.CSV_HEADER
    body = {row[0]: row for row in rows[1:]}
    assert len(body) == 27
    assert body["2027-01-20"] == [
        "2027-01-20",
        "09:30",
        "12:00",
        "2027-01-13 12:00",
        "2027-01-15 12:00",
        "Civic Centre, Meeting Room 1",
        "Scheduled",
        "",
    ]
    assert body["2027-03-31"][6:] == ["Moved", "2027-04-01"]
    assert body["2027-03-31"][4] == "2027-03-24 12:00"  # pushed back by Easter
    assert body["2027-12-22"][6] == "Cancelled"
    # Local times stay 12:00 across the clock change.
    assert body["2027-11-10"][3] == "2027-11-03 12:00"
