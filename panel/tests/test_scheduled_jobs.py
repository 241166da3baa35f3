"""The panel's scheduled jobs: past meetings settled as held or not held, packs announced."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core import schedule
from core.models import AuditEvent, OutboundMessage, ScheduledRun
from core.notify import LoggingBackend
from core.tests.factories import AgencyFactory
from panel import services
from panel.models import (
    MeetingAttendance,
    PanelCase,
    PanelCaseHistory,
    PanelMeeting,
    PanelMeetingHistory,
)
from panel.services import scheduled
from panel.tests.factories import demo_panel, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
JAN_6 = date(2027, 1, 6)
JAN_20 = date(2027, 1, 20)
FEB_3 = date(2027, 2, 3)


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def panel():
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    deputy = UserFactory(roles=[Role.PANEL_CHAIR])
    agencies = [AgencyFactory(panel_seat=True) for _ in range(4)]
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False):
        return demo_panel(agencies=agencies, chair=chair, deputy=deputy)


def _meeting(panel, day) -> PanelMeeting:
    return PanelMeeting.objects.get(panel=panel, date=day)


def test_a_past_meeting_with_attendance_is_marked_held_the_next_day(panel, staff):
    first = _meeting(panel, JAN_6)
    with time_machine.travel(datetime(2027, 1, 6, 10, tzinfo=LONDON), tick=False):
        services.attendance_record_arrival(
            actor=staff, meeting=first, user=panel.chair, role=MeetingAttendance.Role.CHAIR
        )
        # On its own day it is still running: not settled yet.
        assert scheduled.meetings_settle_past(today=JAN_6)["meetings_held"] == 0

    summary = scheduled.meetings_settle_past(today=date(2027, 1, 7))

    assert summary == {"meetings_held": 1, "meetings_not_held": 0, "cases_moved_on": 0}
    first.refresh_from_db()
    assert first.status == PanelMeeting.Status.HELD
    history = PanelMeetingHistory.objects.get(meeting=first)
    assert (history.change, history.actor_id) == (PanelMeeting.Status.HELD, None)
    assert AuditEvent.objects.filter(
        record_type="panel.panelmeeting", record_id=str(first.pk), detail__by="schedule"
    ).exists()
    # Later meetings are untouched.
    assert _meeting(panel, JAN_20).status == PanelMeeting.Status.SCHEDULED


def test_a_past_meeting_with_nothing_recorded_is_not_held_after_a_week_and_its_cases_move_on(
    panel, staff
):
    with time_machine.travel(datetime(2027, 1, 2, 9, tzinfo=LONDON), tick=False):
        referral = panel_referral(panel, datetime(2026, 12, 30, 11, tzinfo=LONDON))
        case = services.panel_case_log(actor=staff, referral=referral)
    assert case.meeting == _meeting(panel, JAN_6)

    # Six days on, business support may still type the meeting up: it stays scheduled.
    assert scheduled.meetings_settle_past(today=date(2027, 1, 12))["meetings_not_held"] == 0
    assert _meeting(panel, JAN_6).status == PanelMeeting.Status.SCHEDULED

    summary = scheduled.meetings_settle_past(today=date(2027, 1, 13))

    assert summary == {"meetings_held": 0, "meetings_not_held": 1, "cases_moved_on": 1}
    assert _meeting(panel, JAN_6).status == PanelMeeting.Status.NOT_HELD
    case.refresh_from_db()
    assert (case.meeting, case.status) == (_meeting(panel, JAN_20), PanelCase.Status.LOGGED)
    moved = PanelCaseHistory.objects.get(case=case, change=PanelCaseHistory.Change.CARRIED_FORWARD)
    assert (moved.actor_id, moved.reason) == (None, "Meeting not held")
    # Run again the same day: nothing more to do.
    assert scheduled.meetings_settle_past(today=date(2027, 1, 13)) == {
        "meetings_held": 0,
        "meetings_not_held": 0,
        "cases_moved_on": 0,
    }


def test_the_pack_notice_goes_once_to_the_chair_deputy_members_and_substitutes(panel, staff):
    LoggingBackend.outbox.clear()
    meeting = _meeting(panel, FEB_3)
    with time_machine.travel(datetime(2027, 1, 28, 9, tzinfo=LONDON), tick=False):
        nothing = scheduled.pack_notices_send(now=datetime(2027, 1, 28, 9, tzinfo=LONDON))
        assert nothing == {"packs_announced": 0, "messages_queued": 0}
        services.meeting_publish_pack(actor=staff, meeting=meeting)
        now = datetime(2027, 1, 28, 10, tzinfo=LONDON)
        summary = scheduled.pack_notices_send(now=now)
        again = scheduled.pack_notices_send(now=now)

    readers = {panel.chair.email, panel.deputy.email} | {
        member.user.email for seat in panel.seats.all() for member in seat.members.all()
    }
    assert summary == {"packs_announced": 1, "messages_queued": len(readers)}
    assert again == {"packs_announced": 0, "messages_queued": 0}
    sent = OutboundMessage.objects.filter(template="pack_published")
    assert {message.to for message in sent} == readers
    assert {message.personalisation["meeting_date"] for message in sent} == {"3 February 2027"}
    meeting.refresh_from_db()
    assert meeting.pack_notice_sent_at is not None


def test_the_jobs_are_registered_and_run_through_the_scheduler(
    panel, django_capture_on_commit_callbacks
):
    keys = {job.key for job in schedule.jobs()}
    assert {"panel.settle_past_meetings", "panel.pack_notices", "core.notify_retry"} <= keys
    # 2:00 on 21 January: the daily run for that day is due (from 1:00).
    with time_machine.travel(datetime(2027, 1, 21, 2, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            schedule.tick()
    run = ScheduledRun.objects.get(job="panel.settle_past_meetings")
    assert run.status == ScheduledRun.Status.DONE
    # Nothing was recorded at 6 January's meeting (more than a week ago): not held. 20 January's
    # was yesterday, so it waits for its week.
    assert run.summary == {"meetings_held": 0, "meetings_not_held": 1, "cases_moved_on": 0}
    assert _meeting(panel, JAN_6).status == PanelMeeting.Status.NOT_HELD
    assert _meeting(panel, JAN_20).status == PanelMeeting.Status.SCHEDULED
