"""The year's panel meetings as an iCalendar (RFC 5545) file and as CSV.

Neither holds personal data: dates, times, deadlines, the panel's name, location and status.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import icalendar

from core import clock
from panel.models import Panel, PanelMeeting

PRODID = "-//Early Help//Multi-agency panel calendar//EN"
DEFAULT_LENGTH = timedelta(hours=2)

CSV_HEADER = [
    "Meeting date",
    "Start time",
    "End time",
    "Referral cut-off",
    "Publication deadline",
    "Location",
    "Status",
    "Moved to",
]


def _local(moment: datetime) -> datetime:
    return clock.local(moment)


def _summary(panel: Panel, meeting: PanelMeeting) -> str:
    if meeting.status == PanelMeeting.Status.CANCELLED:
        return f"Cancelled: {panel.name}"
    if meeting.status == PanelMeeting.Status.MOVED and meeting.moved_to_id:
        return f"Moved to {meeting.moved_to.date:%-d %B %Y}: {panel.name}"
    return panel.name


def _description(meeting: PanelMeeting) -> str:
    lines = [
        f"Referral cut-off: {_local(meeting.referral_cutoff):%A %-d %B %Y, %H:%M}",
        f"Agenda and referrals published by: {_local(meeting.publish_by):%A %-d %B %Y, %H:%M}",
    ]
    if meeting.status == PanelMeeting.Status.MOVED and meeting.moved_to_id:
        lines.append(f"This meeting moved to {meeting.moved_to.date:%A %-d %B %Y}")
    return "\n".join(lines)


def meetings_ics(
    panel: Panel, meetings: Iterable[PanelMeeting], *, stamp: datetime | None = None
) -> bytes:
    """An RFC 5545 VCALENDAR: one VEVENT per meeting (stable UID), times with TZID Europe/London and its VTIMEZONE."""
    stamp = (stamp or clock.now()).astimezone(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", panel.name)
    cal.add("x-wr-timezone", "Europe/London")
    meetings = list(meetings)
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(meeting.starts_at))
        event.add(
            "dtend",
            _local(meeting.ends_at)
            if meeting.ends_at
            else _local(meeting.starts_at) + DEFAULT_LENGTH,
        )
        event.add("summary", _summary(panel, meeting))
        if meeting.location:
            event.add("location", meeting.location)
        event.add("description", _description(meeting))
        # A moved meeting's old slot is cancelled; the meeting it moved to is its own event.
        live = meeting.status in (PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD)
        event.add("status", "CONFIRMED" if live else "CANCELLED")
        event.add("transp", "OPAQUE")
        # A later change (cancel, move) must supersede what calendars already hold.
        changes = getattr(meeting, "history_count", None)
        if changes is None:
            changes = meeting.history.count() if meeting.pk else 0
        event.add("sequence", changes)
        event.add("last-modified", (meeting.updated_at or stamp).astimezone(UTC))
        cal.add_component(event)
    # VTIMEZONE for Europe/London, covering the calendar's dates (clock changes included).
    if meetings:
        first = min(m.date for m in meetings)
        last = max(m.date for m in meetings)
        cal.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return cal.to_ical()


def meetings_csv(meetings: Iterable[PanelMeeting]) -> str:
    """One row per meeting; dates as YYYY-MM-DD and local (Europe/London) times as HH:MM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for meeting in meetings:
        cutoff = _local(meeting.referral_cutoff)
        publish = _local(meeting.publish_by)
        writer.writerow(
            [
                meeting.date.isoformat(),
                f"{_local(meeting.starts_at):%H:%M}",
                f"{_local(meeting.ends_at):%H:%M}" if meeting.ends_at else "",
                f"{cutoff:%Y-%m-%d %H:%M}",
                f"{publish:%Y-%m-%d %H:%M}",
                meeting.location,
                meeting.get_status_display(),
                meeting.moved_to.date.isoformat() if meeting.moved_to_id else "",
            ]
        )
    return out.getvalue()
