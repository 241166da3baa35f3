"""The panel's scheduled jobs (``core.schedule``, registered in ``PanelConfig.ready``).

- ``meetings_settle_past`` (daily): a meeting whose day has passed stops saying "Scheduled". If
  anyone arrived or anything was decided at it, it was held. If nothing was recorded within
  ``SETTLE_AFTER`` of its day (time enough for business support to type up a meeting late), it
  was not held, and its open cases go on to the panel's next meeting, as for a cancelled one.
- ``pack_notices_send`` (hourly): when a meeting's pack is published, each member, substitute,
  the chair and the deputy are told by email that it is ready to read (once per meeting).

Both run with no one signed in: their history rows have no actor, and their audit rows say
``"by": "schedule"``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from core import clock
from core.concurrency import lock
from core.notify import send_email
from panel import links, selectors
from panel.models import PanelMeeting
from panel.services.meetings import meeting_carry_forward_cases
from panel.services.workflows import meeting_move_status

SETTLE_AFTER = timedelta(days=7)
BY_SCHEDULE = {"by": "schedule"}


@transaction.atomic
def meetings_settle_past(*, today: date) -> dict:
    """Mark each scheduled meeting before ``today`` held or (after ``SETTLE_AFTER``) not held."""
    held = not_held = cases_moved = 0
    for meeting_id in selectors.past_scheduled_meeting_ids(before=today):
        meeting = lock(PanelMeeting, meeting_id)
        if meeting.status != PanelMeeting.Status.SCHEDULED:
            continue
        if selectors.meeting_has_record(meeting):
            meeting_move_status(
                actor=None,
                meeting=meeting,
                to_status=PanelMeeting.Status.HELD,
                reason="Attendance or decisions were recorded at the meeting",
                audit_detail=BY_SCHEDULE,
            )
            held += 1
        elif meeting.date <= today - SETTLE_AFTER:
            meeting_move_status(
                actor=None,
                meeting=meeting,
                to_status=PanelMeeting.Status.NOT_HELD,
                reason=f"Nothing was recorded at the meeting within {SETTLE_AFTER.days} days",
                audit_detail=BY_SCHEDULE,
            )
            cases_moved += len(meeting_carry_forward_cases(actor=None, meeting=meeting))
            not_held += 1
    return {"meetings_held": held, "meetings_not_held": not_held, "cases_moved_on": cases_moved}


def _pack_readers(meeting: PanelMeeting) -> list:
    return selectors.meeting_pack_readers(meeting)


@transaction.atomic
def pack_notices_send(*, now) -> dict:
    """Tell the members of each meeting whose pack is published (and not yet told) that it is ready."""
    told = meetings = 0
    for meeting_id in selectors.meetings_with_pack_to_announce(today=clock.local(now).date()):
        meeting = lock(PanelMeeting, meeting_id, select_related=("panel",))
        if meeting.pack_notice_sent_at is not None or meeting.pack_published_at is None:
            continue
        reference = f"PM{meeting.pk}"
        for user in _pack_readers(meeting):
            send_email(
                to=user.email,
                template="pack_published",
                personalisation={
                    "reference": reference,
                    "meeting_date": f"{meeting.date:%-d %B %Y}",
                    "sign_in_url": links.meeting_pack(meeting),
                },
                reference=reference,
                record=meeting,
            )
            told += 1
        meeting.pack_notice_sent_at = clock.now()
        meeting.save(update_fields=["pack_notice_sent_at", "updated_at"])
        meetings += 1
    return {"packs_announced": meetings, "messages_queued": told}
