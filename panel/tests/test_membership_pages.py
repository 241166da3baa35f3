"""Setting a panel up by pages: its seats, their members and substitutes, the chair and deputy.

The council's system administrators and business support may (``panel.manage_membership``);
every other role is refused (403) by the page and by the service alike. Each change is audited.
"""

import re
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import AgencyFactory
from panel import selectors, services
from panel.models import MeetingAttendance, PanelMeeting, PanelSeat, PanelSeatMember
from panel.services.membership import (
    NOT_ACTIVE,
    SEAT_HAS_MEMBERS,
    SEAT_HAS_RECORDS,
)
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, demo_panel

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def admin():
    return UserFactory(team=None, roles=[Role.SYSTEM_ADMINISTRATOR])


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def chair():
    return UserFactory(team=None, roles=[Role.PANEL_CHAIR])


@pytest.fixture
def panel(chair):
    return demo_panel(agencies=[AgencyFactory(panel_seat=True) for _ in range(2)], chair=chair)


def _client(user) -> Client:
    return sign_in_verified(Client(), user)


def _events(action: str, record_type: str):
    return list(
        AuditEvent.objects.filter(action=action, record_type=record_type)
        .order_by("id")
        .values_list("actor_id", "record_id", "detail")
    )


def _seats_url(panel) -> str:
    return reverse("panel:panel_seats", kwargs={"panel_id": panel.pk})


# ---------------------------------------------------------------- the services' rules


@pytest.mark.parametrize(
    "role",
    [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.EARLY_SUPPORT_TEAM_LEADER, Role.PRACTITIONER],
)
def test_only_administrators_and_business_support_may_change_a_panels_membership(panel, role):
    someone = UserFactory(roles=[role])
    seat = panel.seats.first()
    member = seat.members.first()
    agency = AgencyFactory(panel_seat=True)
    with pytest.raises(PermissionDenied):
        services.panel_seat_add(actor=someone, panel=panel, agency=agency)
    with pytest.raises(PermissionDenied):
        services.panel_seat_remove(actor=someone, seat=seat)
    with pytest.raises(PermissionDenied):
        services.panel_seat_member_add(
            actor=someone, seat=seat, user=UserFactory(team=None, agency=seat.agency)
        )
    with pytest.raises(PermissionDenied):
        services.panel_seat_member_remove(actor=someone, member=member)
    with pytest.raises(PermissionDenied):
        services.panel_set_chair_and_deputy(
            actor=someone, panel=panel, chair=UserFactory(roles=[Role.PANEL_CHAIR])
        )
    assert PanelSeat.objects.filter(panel=panel).count() == 2
    assert PanelSeatMember.objects.filter(pk=member.pk).exists()


def test_the_chair_of_the_panel_may_not_change_its_membership(panel, chair):
    with pytest.raises(PermissionDenied):
        services.panel_seat_add(actor=chair, panel=panel, agency=AgencyFactory(panel_seat=True))


def test_a_seat_is_added_once_per_agency_and_audited(panel, admin):
    agency = AgencyFactory(panel_seat=True)
    seat = services.panel_seat_add(actor=admin, panel=panel, agency=agency)
    assert (seat.panel, seat.agency) == (panel, agency)
    assert _events("create", "panel.panelseat")[-1] == (
        admin.pk,
        str(seat.pk),
        {"panel": panel.pk},
    )
    with pytest.raises(ValidationError) as error:
        services.panel_seat_add(actor=admin, panel=panel, agency=agency)
    assert error.value.message_dict == {"agency": ["That agency already has a seat on this panel"]}


def test_a_seat_is_removed_only_once_nobody_sits_in_it(panel, staff):
    seat = panel.seats.first()
    with pytest.raises(ConflictError) as error:
        services.panel_seat_remove(actor=staff, seat=seat)
    assert error.value.message_dict == {"seat": [SEAT_HAS_MEMBERS]}
    assert PanelSeat.objects.filter(pk=seat.pk).exists()

    for member in list(seat.members.all()):
        services.panel_seat_member_remove(actor=staff, member=member)
    seat_pk, agency_pk = seat.pk, seat.agency_id
    services.panel_seat_remove(actor=staff, seat=seat)

    assert not PanelSeat.objects.filter(pk=seat_pk).exists()
    assert _events("delete", "panel.panelseat") == [
        (staff.pk, str(seat_pk), {"panel": panel.pk, "agency": agency_pk})
    ]


def test_a_seat_that_attended_a_meeting_stays_on_the_record(panel, staff, chair):
    seat = panel.seats.first()
    meeting = PanelMeeting.objects.filter(panel=panel).first()
    member = seat.members.get(is_substitute=False)
    with time_machine.travel(meeting.starts_at, tick=False):
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=member.user,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )
    for each in list(seat.members.all()):
        services.panel_seat_member_remove(actor=staff, member=each)

    with pytest.raises(ConflictError) as error:
        services.panel_seat_remove(actor=staff, seat=seat)
    assert error.value.message_dict == {"seat": [SEAT_HAS_RECORDS]}
    assert PanelSeat.objects.filter(pk=seat.pk).exists()


def test_a_seats_member_is_of_its_agency_active_and_named_once(panel, admin):
    seat = panel.seats.first()
    other_agency = AgencyFactory(name="Vale Housing")
    with pytest.raises(ValidationError) as error:
        services.panel_seat_member_add(
            actor=admin, seat=seat, user=UserFactory(team=None, agency=other_agency)
        )
    assert error.value.message_dict == {"user": [f"Choose someone from {seat.agency.name}"]}

    inactive = UserFactory(team=None, agency=seat.agency, is_active=False)
    with pytest.raises(ValidationError) as error:
        services.panel_seat_member_add(actor=admin, seat=seat, user=inactive)
    assert error.value.message_dict == {"user": [NOT_ACTIVE]}

    existing = seat.members.first().user
    with pytest.raises(ValidationError) as error:
        services.panel_seat_member_add(actor=admin, seat=seat, user=existing)
    assert error.value.message_dict == {"user": ["They already sit in this seat"]}

    newcomer = UserFactory(team=None, agency=seat.agency)
    member = services.panel_seat_member_add(
        actor=admin, seat=seat, user=newcomer, is_substitute=True
    )
    assert (member.seat, member.user, member.is_substitute) == (seat, newcomer, True)
    assert _events("create", "panel.panelseatmember")[-1] == (
        admin.pk,
        str(member.pk),
        {"panel": panel.pk, "seat": seat.pk, "is_substitute": True},
    )


def test_removing_a_member_is_audited(panel, admin):
    seat = panel.seats.first()
    member = seat.members.get(is_substitute=True)
    services.panel_seat_member_remove(actor=admin, member=member)
    assert not PanelSeatMember.objects.filter(pk=member.pk).exists()
    assert _events("delete", "panel.panelseatmember") == [
        (admin.pk, str(member.pk), {"panel": panel.pk, "seat": seat.pk, "is_substitute": True})
    ]


def test_removing_a_member_during_a_meeting_keeps_its_attendance_and_quorum(staff):
    chair = UserFactory(team=None, roles=[Role.PANEL_CHAIR])
    panel = demo_panel(agencies=[AgencyFactory(panel_seat=True) for _ in range(4)], chair=chair)
    meeting = PanelMeeting.objects.filter(panel=panel).first()
    with time_machine.travel(meeting.starts_at, tick=False):
        services.attendance_record_arrival(
            actor=staff, meeting=meeting, user=chair, role=MeetingAttendance.Role.CHAIR
        )
        for seat in panel.seats.all():
            services.attendance_record_arrival(
                actor=staff,
                meeting=meeting,
                user=seat.members.get(is_substitute=False).user,
                role=MeetingAttendance.Role.MEMBER,
                seat=seat,
            )
        assert selectors.meeting_quorum(meeting).is_quorate

        seat = panel.seats.first()
        leaving = seat.members.get(is_substitute=False)
        services.panel_seat_member_remove(actor=staff, member=leaving)

        attendance = MeetingAttendance.objects.get(meeting=meeting, user=leaving.user)
        assert (attendance.seat, attendance.role, attendance.left_at) == (
            seat,
            MeetingAttendance.Role.MEMBER,
            None,
        )
        quorum = selectors.meeting_quorum(meeting)
        assert (quorum.is_quorate, quorum.members_present) == (True, 4)


def test_the_chair_and_deputy_are_set_and_must_differ(panel, staff):
    chair, deputy = (UserFactory(roles=[Role.PANEL_CHAIR]) for _ in range(2))
    services.panel_set_chair_and_deputy(actor=staff, panel=panel, chair=chair, deputy=deputy)
    panel.refresh_from_db()
    assert (panel.chair, panel.deputy) == (chair, deputy)
    assert _events("update", "panel.panel")[-1] == (
        staff.pk,
        str(panel.pk),
        {"fields": ["chair", "deputy"]},
    )
    with pytest.raises(ValidationError) as error:
        services.panel_set_chair_and_deputy(actor=staff, panel=panel, deputy=chair)
    assert error.value.message_dict == {
        "deputy": ["The deputy must be someone other than the chair"]
    }
    gone = UserFactory(roles=[Role.PANEL_CHAIR], is_active=False)
    with pytest.raises(ValidationError) as error:
        services.panel_set_chair_and_deputy(actor=staff, panel=panel, chair=gone)
    assert error.value.message_dict == {"chair": [NOT_ACTIVE]}


# ---------------------------------------------------------------- the pages


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SYSTEM_ADMINISTRATOR, 200),
        (Role.BUSINESS_SUPPORT, 200),
        (Role.PANEL_CHAIR, 403),
        (Role.PANEL_MEMBER, 403),
        (Role.EARLY_SUPPORT_TEAM_LEADER, 403),
        (Role.PRACTITIONER, 403),
        (Role.STRATEGIC_LEAD, 403),
    ],
)
def test_who_may_open_the_set_up_pages(panel, role, status):
    client = _client(UserFactory(roles=[role]))
    seat = panel.seats.first()
    member = seat.members.first()
    urls = [
        _seats_url(panel),
        reverse("panel:panel_seat_add", kwargs={"panel_id": panel.pk}),
        reverse("panel:panel_chair", kwargs={"panel_id": panel.pk}),
        reverse("panel:panel_seat_remove", kwargs={"panel_id": panel.pk, "seat_id": seat.pk}),
        reverse("panel:panel_seat_member_add", kwargs={"panel_id": panel.pk, "seat_id": seat.pk}),
        reverse(
            "panel:panel_seat_member_remove",
            kwargs={"panel_id": panel.pk, "seat_id": seat.pk, "member_id": member.pk},
        ),
    ]
    assert [client.get(url).status_code for url in urls] == [status] * len(urls)
    # A refused POST changes nothing.
    client.post(urls[-1])
    assert PanelSeatMember.objects.filter(pk=member.pk).exists() is (status == 403)
    anonymous = Client().get(urls[0])
    assert anonymous.status_code == 302


def test_the_panel_page_links_to_its_set_up_only_for_those_who_may(panel, admin):
    url = reverse("panel:panel_detail", kwargs={"panel_id": panel.pk})
    link = _seats_url(panel)
    assert link in _client(admin).get(url).content.decode()
    member = panel.seats.first().members.first().user
    assert link not in _client(member).get(url).content.decode()


def test_a_seat_of_another_panel_or_a_member_of_another_seat_is_not_found(panel, admin):
    other = PanelFactory(name="Another panel")
    other_seat = PanelSeat.objects.create(panel=other, agency=AgencyFactory(panel_seat=True))
    PanelSeatMemberFactory(seat=other_seat)
    PanelSeatMemberFactory(seat=other_seat, is_substitute=True)
    seat = panel.seats.first()
    client = _client(admin)
    assert (
        client.get(
            reverse(
                "panel:panel_seat_remove", kwargs={"panel_id": panel.pk, "seat_id": other_seat.pk}
            )
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse(
                "panel:panel_seat_member_remove",
                kwargs={
                    "panel_id": panel.pk,
                    "seat_id": seat.pk,
                    "member_id": other_seat.members.first().pk,
                },
            )
        ).status_code
        == 404
    )
    assert other_seat.members.count() == 2


def test_the_seats_page_shows_seats_members_substitutes_chair_and_deputy(panel, admin, chair):
    body = _client(admin).get(_seats_url(panel)).content.decode()
    # Faker's en_GB names include apostrophes (O'Connor), which the page escapes.
    assert escape(str(chair)) in body
    for seat in panel.seats.all():
        assert escape(seat.agency.name) in body
        for member in seat.members.all():
            assert escape(str(member.user)) in body
    assert body.count(">Substitute</dt>") == 2
    assert body.count(">Member</dt>") == 2


def test_adding_a_seat_by_the_page(panel, admin):
    url = reverse("panel:panel_seat_add", kwargs={"panel_id": panel.pk})
    client = _client(admin)
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert "govuk-error-summary" in empty.content.decode()
    assert "Select the agency" in empty.content.decode()
    # An agency already seated is not among the choices.
    taken = client.post(url, {"agency": panel.seats.first().agency_id})
    assert taken.status_code == 200
    assert "Select the agency" in taken.content.decode()

    agency = AgencyFactory(panel_seat=True, name="Vale Health")
    response = client.post(url, {"agency": agency.pk})
    assert response.status_code == 302
    assert response["Location"] == _seats_url(panel)
    assert PanelSeat.objects.filter(panel=panel, agency=agency).count() == 1


def test_removing_a_seat_with_members_is_refused_on_the_page(panel, staff):
    seat = panel.seats.first()
    url = reverse("panel:panel_seat_remove", kwargs={"panel_id": panel.pk, "seat_id": seat.pk})
    response = _client(staff).post(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Remove the seat&rsquo;s members and substitutes" in body or (
        "Remove the seat’s members and substitutes" in body
    )
    assert PanelSeat.objects.filter(pk=seat.pk).exists()


def test_removing_an_empty_seat_by_the_page(panel, staff):
    seat = services.panel_seat_add(actor=staff, panel=panel, agency=AgencyFactory(panel_seat=True))
    url = reverse("panel:panel_seat_remove", kwargs={"panel_id": panel.pk, "seat_id": seat.pk})
    response = _client(staff).post(url)
    assert response.status_code == 302
    assert not PanelSeat.objects.filter(pk=seat.pk).exists()


def test_adding_a_member_by_the_page_chooses_from_the_seats_agency(panel, admin):
    seat = panel.seats.first()
    url = reverse("panel:panel_seat_member_add", kwargs={"panel_id": panel.pk, "seat_id": seat.pk})
    client = _client(admin)
    ours = UserFactory(team=None, agency=seat.agency, first_name="Sam", last_name="Seated")
    theirs = UserFactory(team=None, agency=AgencyFactory(), first_name="Oli", last_name="Other")
    page = client.get(url).content.decode()
    assert "Sam Seated" in page
    assert "Oli Other" not in page

    wrong = client.post(url, {"user": theirs.pk, "kind": "substitute"})
    assert wrong.status_code == 200
    body = wrong.content.decode()
    assert "Select who sits in the seat" in body
    assert re.search(r'value="substitute"\s+checked', body)  # what was chosen is kept

    response = client.post(url, {"user": ours.pk, "kind": "substitute"})
    assert response.status_code == 302
    assert PanelSeatMember.objects.get(seat=seat, user=ours).is_substitute is True


def test_removing_a_member_by_the_page(panel, admin):
    seat = panel.seats.first()
    member = seat.members.get(is_substitute=False)
    url = reverse(
        "panel:panel_seat_member_remove",
        kwargs={"panel_id": panel.pk, "seat_id": seat.pk, "member_id": member.pk},
    )
    client = _client(admin)
    assert escape(str(member.user)) in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not PanelSeatMember.objects.filter(pk=member.pk).exists()


def test_setting_the_chair_and_deputy_by_the_page(panel, admin, chair):
    url = reverse("panel:panel_chair", kwargs={"panel_id": panel.pk})
    client = _client(admin)
    deputy = UserFactory(team=None, roles=[Role.PANEL_CHAIR], first_name="Dee", last_name="Puty")
    not_a_chair = UserFactory(roles=[Role.PRACTITIONER], first_name="Pat", last_name="Ractitioner")
    page = client.get(url).content.decode()
    assert "Dee Puty" in page
    assert "Pat Ractitioner" not in page

    same = client.post(url, {"chair": chair.pk, "deputy": chair.pk})
    assert same.status_code == 200
    assert "The deputy must be someone other than the chair" in same.content.decode()
    refused = client.post(url, {"chair": chair.pk, "deputy": not_a_chair.pk})
    assert refused.status_code == 200
    assert "Select the deputy chair" in refused.content.decode()

    response = client.post(url, {"chair": chair.pk, "deputy": deputy.pk})
    assert response.status_code == 302
    panel.refresh_from_db()
    assert (panel.chair, panel.deputy) == (chair, deputy)


def test_the_seats_page_costs_the_same_queries_for_2_seats_as_for_8(admin, chair):
    client = _client(admin)

    def queries(count: int) -> int:
        panel = PanelFactory(name=f"Panel of {count}", chair=chair)
        for _ in range(count):
            seat = PanelSeat.objects.create(panel=panel, agency=AgencyFactory(panel_seat=True))
            PanelSeatMemberFactory(seat=seat)
            PanelSeatMemberFactory(seat=seat, is_substitute=True)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_seats_url(panel)).status_code == 200
        return len(captured)

    small, large = queries(2), queries(8)
    assert small == large


def test_the_seats_page_query_count_is_pinned(panel, admin, django_assert_max_num_queries):
    client = _client(admin)
    client.get(_seats_url(panel))
    with django_assert_max_num_queries(17):
        assert client.get(_seats_url(panel)).status_code == 200


def test_a_meeting_started_before_a_member_left_still_shows_them(panel, staff):
    """Attendance names the person, not their seat membership: the meeting's record stays."""
    meeting = PanelMeeting.objects.filter(panel=panel).first()
    seat = panel.seats.first()
    member = seat.members.get(is_substitute=False)
    with time_machine.travel(datetime.combine(meeting.date, datetime.min.time(), LONDON)):
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=member.user,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )
    services.panel_seat_member_remove(actor=staff, member=member)
    names = [a.user for a in MeetingAttendance.objects.filter(meeting=meeting)]
    assert names == [member.user]
