from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from panel import selectors, services
from panel.models import PanelMeeting, PanelMeetingHistory
from panel.tests.factories import (
    PanelFactory,
    PanelMeetingFactory,
    PanelSeatMemberFactory,
    demo_panel,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=LONDON), tick=False):
        yield


def test_panel_create_checks_and_audits(actor, council):
    area = AreaFactory()
    panel = services.panel_create(
        actor=actor,
        council=council,
        name="North Kirklees panel",
        area=area,
        first_meeting_date=date(2027, 1, 6),
    )
    assert panel.weekday == 2
    assert panel.area == area
    assert AuditEvent.objects.filter(
        record_type="panel.panel", record_id=str(panel.pk), action="create"
    ).exists()
    with pytest.raises(ValidationError) as error:
        services.panel_create(
            actor=actor,
            council=council,
            name="Wrong day",
            first_meeting_date=date(2027, 1, 6),
            weekday=3,
        )
    assert "first_meeting_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.panel_create(
            actor=actor,
            council=council,
            name="Same chair",
            first_meeting_date=date(2027, 1, 6),
            chair=actor,
            deputy=actor,
        )
    assert "deputy" in error.value.message_dict


def test_seats_one_per_agency(actor):
    panel = PanelFactory()
    agency = AgencyFactory()
    seat = services.panel_seat_add(actor=actor, panel=panel, agency=agency)
    with pytest.raises(ValidationError):
        services.panel_seat_add(actor=actor, panel=panel, agency=agency)
    member = services.panel_seat_member_add(
        actor=actor, seat=seat, user=UserFactory(team=None, agency=agency), is_substitute=True
    )
    assert member.is_substitute


def test_demo_panel(actor):
    panel = demo_panel(agencies=[AgencyFactory(), AgencyFactory()], chair=actor)
    assert panel.seats.count() == 2
    assert all(seat.members.count() == 2 for seat in panel.seats.all())
    assert panel.meetings.count() == 26


def test_schedule_year_is_idempotent(actor):
    panel = PanelFactory()
    created = services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    assert len(created) == 26
    first = created[0]
    assert first.date == date(2027, 1, 6)
    assert first.starts_at == datetime(2027, 1, 6, 9, 30, tzinfo=LONDON)
    assert first.referral_cutoff == datetime(2026, 12, 30, 12, 0, tzinfo=LONDON)
    assert first.location == panel.location
    easter = PanelMeeting.objects.get(panel=panel, date=date(2027, 3, 31))
    assert easter.publish_by == datetime(2027, 3, 24, 12, 0, tzinfo=LONDON)
    assert services.panel_schedule_year(actor=actor, panel=panel, year=2027) == []
    services.meeting_cancel(actor=actor, meeting=first, reason="Room unavailable")
    assert services.panel_schedule_year(actor=actor, panel=panel, year=2027) == []
    assert PanelMeeting.objects.filter(panel=panel).count() == 26


def test_cancel_writes_history_and_only_once(actor):
    meeting = PanelMeetingFactory(date=date(2027, 3, 31))
    services.meeting_cancel(actor=actor, meeting=meeting, reason="Chair and deputy both away")
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.CANCELLED
    assert meeting.cancelled_reason == "Chair and deputy both away"
    (row,) = meeting.history.all()
    assert (row.change, row.actor, row.from_date, row.to_date) == (
        "cancelled",
        actor,
        date(2027, 3, 31),
        None,
    )
    assert row.reason == "Chair and deputy both away"
    assert AuditEvent.objects.filter(
        record_type="panel.panelmeeting", record_id=str(meeting.pk)
    ).exists()
    # A second change is refused for the meeting's state (409 through the API), not its input.
    with pytest.raises(ConflictError) as again:
        services.meeting_cancel(actor=actor, meeting=meeting, reason="Again")
    assert again.value.messages == [
        "This meeting is cancelled: only scheduled meetings can be changed"
    ]
    with pytest.raises(ConflictError):
        services.meeting_move(actor=actor, meeting=meeting, new_date=date(2027, 4, 1), reason="x")
    assert meeting.history.count() == 1


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PANEL_MEMBER, Role.STRATEGIC_LEAD])
def test_only_managers_of_the_calendar_may_cancel_or_move_a_meeting(role):
    meeting = PanelMeetingFactory(date=date(2027, 3, 31))
    someone = UserFactory(roles=[role])

    with pytest.raises(PermissionDenied):
        services.meeting_cancel(actor=someone, meeting=meeting, reason="Snow")
    with pytest.raises(PermissionDenied):
        services.meeting_move(
            actor=someone, meeting=meeting, new_date=date(2027, 4, 1), reason="Snow"
        )

    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.SCHEDULED
    assert meeting.history.count() == 0
    assert not PanelMeeting.objects.filter(date=date(2027, 4, 1)).exists()


def test_cancel_needs_a_reason(actor):
    meeting = PanelMeetingFactory()
    with pytest.raises(ValidationError) as error:
        services.meeting_cancel(actor=actor, meeting=meeting, reason="  ")
    assert "reason" in error.value.message_dict


def test_move_creates_the_new_meeting_and_history(actor):
    panel = PanelFactory()
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 3, 31))
    new = services.meeting_move(
        actor=actor, meeting=meeting, new_date=date(2027, 4, 1), reason="Room booked"
    )
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.MOVED
    assert meeting.moved_to == new
    assert new.status == PanelMeeting.Status.SCHEDULED
    # Thu 1 Apr 2027: cut-off Thu 25 Mar 12:00; publication Wed 31 (1), Tue 30 (2),
    # Mon 29 Easter Monday (skip), Fri 26 Good Friday (skip), Thu 25 Mar (3).
    assert new.starts_at == datetime(2027, 4, 1, 9, 30, tzinfo=LONDON)
    assert new.referral_cutoff == datetime(2027, 3, 25, 12, 0, tzinfo=LONDON)
    assert new.publish_by == datetime(2027, 3, 25, 12, 0, tzinfo=LONDON)
    (row,) = meeting.history.all()
    assert (row.change, row.from_date, row.to_date, row.reason) == (
        "moved",
        date(2027, 3, 31),
        date(2027, 4, 1),
        "Room booked",
    )
    assert row.to_starts_at == new.starts_at


@pytest.mark.parametrize(
    ("new_date", "message"),
    [
        (date(2027, 3, 31), "different date"),
        (date(2026, 10, 1), "today or in the future"),
        (date(2027, 4, 3), "weekday"),
        (date(2027, 3, 29), "bank holiday"),
        (date(2027, 4, 14), "already has a meeting"),
    ],
)
def test_move_guards(actor, new_date, message):
    panel = PanelFactory()
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 3, 31))
    with pytest.raises(ValidationError, match=message):
        services.meeting_move(actor=actor, meeting=meeting, new_date=new_date, reason="Because")
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.SCHEDULED
    assert not PanelMeetingHistory.objects.exists()


def test_history_is_append_only(actor):
    meeting = PanelMeetingFactory()
    services.meeting_cancel(actor=actor, meeting=meeting, reason="Snow")
    row = PanelMeetingHistory.objects.get()
    row.reason = "Rewritten"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        PanelMeetingHistory.objects.update(reason="x")
    with pytest.raises(PermissionError):
        PanelMeetingHistory.objects.all().delete()


def test_meeting_for_referral_and_next_open_meeting(actor):
    panel = PanelFactory()
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    # Received at exactly the cut-off for 20 Jan (Wed 13 Jan 12:00): in time.
    on_time = selectors.meeting_for_referral(panel, datetime(2027, 1, 13, 12, 0, tzinfo=LONDON))
    assert on_time.meeting.date == date(2027, 1, 20) and on_time.reason == ""
    # A minute later: the next one, 3 Feb.
    late = selectors.meeting_for_referral(panel, datetime(2027, 1, 13, 12, 1, tzinfo=LONDON))
    assert late.meeting.date == date(2027, 2, 3)
    # Cancel 3 Feb: the late referral goes to 17 Feb.
    services.meeting_cancel(actor=actor, meeting=late.meeting, reason="Training day")
    assert selectors.meeting_for_referral(
        panel, datetime(2027, 1, 13, 12, 1, tzinfo=LONDON)
    ).meeting.date == date(2027, 2, 17)
    assert selectors.next_open_meeting(panel, datetime(2027, 12, 16, 0, 0, tzinfo=LONDON)) is None
    none = selectors.meeting_for_referral(panel, datetime(2027, 12, 16, 0, 0, tzinfo=LONDON))
    assert none.meeting is None and "No meeting" in none.reason
    panel.active = False
    panel.save()
    assert (
        selectors.meeting_for_referral(panel, datetime(2027, 1, 1, tzinfo=LONDON)).reason
        == selectors.NO_PANEL
    )
    with pytest.raises(ValueError):
        selectors.meeting_for_referral(panel, datetime(2027, 1, 1))


def test_cases_carry_forward(actor):
    panel = PanelFactory()
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    march = PanelMeeting.objects.get(panel=panel, date=date(2027, 3, 31))
    assert selectors.carry_forward_target(march) == march
    moved = services.meeting_move(
        actor=actor, meeting=march, new_date=date(2027, 4, 1), reason="Room"
    )
    march.refresh_from_db()
    assert selectors.carry_forward_target(march) == moved
    services.meeting_cancel(actor=actor, meeting=moved, reason="Chair ill")
    moved.refresh_from_db()
    # Cancelled after the move: both now carry to the next scheduled meeting, Wed 14 Apr.
    assert selectors.carry_forward_target(march).date == date(2027, 4, 14)
    assert selectors.carry_forward_target(moved).date == date(2027, 4, 14)


def test_a_service_writes_its_records_and_audit_row_in_one_transaction(actor):
    # The service opens its own transaction, so audit_record always has one (it refuses to run
    # without), and a caller's rollback takes the meetings and their audit row away together.
    panel = PanelFactory()

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        created = services.panel_schedule_year(actor=actor, panel=panel, year=2027)
        assert len(created) == 26
        raise Abandon

    assert not PanelMeeting.objects.filter(panel=panel).exists()
    assert not AuditEvent.objects.filter(record_type="panel.panelmeeting").exists()

    created = services.panel_schedule_year(actor=actor, panel=panel, year=2027)

    assert PanelMeeting.objects.filter(panel=panel).count() == len(created) == 26
    event = AuditEvent.objects.get(record_type="panel.panelmeeting")
    assert (event.actor, event.action, event.detail) == (
        actor,
        "create",
        {"panel": panel.pk, "year": 2027, "created": 26},
    )


def test_seat_members_made_by_the_factories_hold_the_panel_member_role():
    panel = demo_panel(agencies=[AgencyFactory(panel_seat=True)])
    members = [m.user for seat in panel.seats.all() for m in seat.members.all()]
    assert len(members) == 2
    assert all(user.has_role(Role.PANEL_MEMBER) for user in members)
    assert PanelSeatMemberFactory().user.has_role(Role.PANEL_MEMBER)


def test_chair_and_deputy_are_set_by_a_service_that_audits(actor):
    panel = PanelFactory(chair=None, deputy=None)
    chair, deputy = (
        UserFactory(roles=[Role.PANEL_CHAIR]),
        UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]),
    )

    services.panel_set_chair_and_deputy(actor=actor, panel=panel, chair=chair, deputy=deputy)

    panel.refresh_from_db()
    assert (panel.chair, panel.deputy) == (chair, deputy)
    event = AuditEvent.objects.filter(record_type="panel.panel", record_id=str(panel.pk)).latest(
        "id"
    )
    assert event.detail == {"fields": ["chair", "deputy"]}
    with pytest.raises(ValidationError):
        services.panel_set_chair_and_deputy(actor=actor, panel=panel, deputy=chair)
