"""Adding a panel, changing its settings (and retiring it), and moving a member to another panel.

The council's system administrators and business support may (``panel.manage_membership``); every
other role is refused (403) by the page and by the service alike. The model's ``clean()`` and the
services hold the rules, so a bad value is refused the same through the page; each change is audited.
"""

from datetime import date, datetime, time
from html import escape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from panel import selectors, services
from panel.models import MeetingAttendance, Panel, PanelMeeting, PanelSeatMember
from panel.services.membership import (
    ALREADY_IN_SEAT,
    NOT_THE_AGENCYS_SEAT,
    PANEL_NOT_ACTIVE,
    STALE_SETTINGS,
)
from panel.tests.factories import PanelFactory, PanelSeatFactory, demo_panel

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
REFUSED = (
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
    Role.PRACTITIONER,
    Role.STRATEGIC_LEAD,
)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=LONDON), tick=False):
        yield


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
def agencies():
    return [AgencyFactory(panel_seat=True) for _ in range(2)]


@pytest.fixture
def panel(chair, agencies):
    return demo_panel(agencies=agencies, chair=chair)


@pytest.fixture
def other_panel(panel, agencies):
    """Another area's panel with a seat for the first agency, nobody in it yet."""
    other = PanelFactory(council=panel.council, area=AreaFactory(), name="South panel")
    PanelSeatFactory(panel=other, agency=agencies[0])
    return other


def _client(user) -> Client:
    return sign_in_verified(Client(), user)


def _events(action: str, record_type: str):
    return list(
        AuditEvent.objects.filter(action=action, record_type=record_type)
        .order_by("id")
        .values_list("actor_id", "record_id", "detail")
    )


def _settings_url(panel) -> str:
    return reverse("panel:panel_settings", kwargs={"panel_id": panel.pk})


def _move_url(member) -> str:
    return reverse(
        "panel:panel_seat_member_move",
        kwargs={
            "panel_id": member.seat.panel_id,
            "seat_id": member.seat_id,
            "member_id": member.pk,
        },
    )


def _form(**overrides) -> dict:
    data = {
        "name": "North Kirklees panel",
        "area": "",
        "weekday": "2",
        "first_meeting_date_0": "6",
        "first_meeting_date_1": "1",
        "first_meeting_date_2": "2027",
        "start_time": "09:30",
        "end_time": "12:00",
        "location": "Town Hall, Room 2",
        "cutoff_days": "7",
        "publication_working_days": "3",
        "quorum_members": "4",
    }
    return {**data, **overrides}


def _settings_form(panel, **overrides) -> dict:
    shown = {
        "name": panel.name,
        "area": str(panel.area_id or ""),
        "weekday": str(panel.weekday),
        "first_meeting_date_0": str(panel.first_meeting_date.day),
        "first_meeting_date_1": str(panel.first_meeting_date.month),
        "first_meeting_date_2": str(panel.first_meeting_date.year),
        "start_time": panel.start_time.strftime("%H:%M"),
        "end_time": panel.end_time.strftime("%H:%M"),
        "location": panel.location,
        "cutoff_days": str(panel.cutoff_days),
        "publication_working_days": str(panel.publication_working_days),
        "quorum_members": str(panel.quorum_members),
        "active": "yes" if panel.active else "no",
        "version": selectors.panel_settings_version(panel),
    }
    return {**shown, **overrides}


def _change(actor, panel, **fields) -> Panel:
    return services.panel_change(
        actor=actor,
        panel=panel,
        expected_version=selectors.panel_settings_version(panel),
        **fields,
    )


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("role", REFUSED)
def test_only_administrators_and_business_support_may_add_change_or_move(panel, other_panel, role):
    someone = UserFactory(roles=[role])
    member = panel.seats.get(agency=other_panel.seats.get().agency).members.first()
    with pytest.raises(PermissionDenied):
        services.panel_create(
            actor=someone, council=panel.council, name="New", first_meeting_date=date(2027, 1, 6)
        )
    with pytest.raises(PermissionDenied):
        _change(someone, panel, location="Elsewhere")
    with pytest.raises(PermissionDenied):
        services.panel_seat_member_move(
            actor=someone, member=member, to_seat=other_panel.seats.get()
        )
    assert Panel.objects.count() == 2
    member.refresh_from_db()
    assert member.seat.panel == panel


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SYSTEM_ADMINISTRATOR, 200),
        (Role.BUSINESS_SUPPORT, 200),
        *((role, 403) for role in REFUSED),
    ],
)
def test_who_may_open_the_pages(panel, other_panel, role, status):
    client = _client(UserFactory(roles=[role]))
    member = panel.seats.get(agency=other_panel.seats.get().agency).members.first()
    urls = [reverse("panel:panel_add"), _settings_url(panel), _move_url(member)]
    assert [client.get(url).status_code for url in urls] == [status] * len(urls)
    if status == 403:
        # A refused POST is refused before the form is read, and changes nothing.
        assert client.post(urls[0], _form(name="Sneaky panel")).status_code == 403
        assert client.post(urls[1], _settings_form(panel, location="X")).status_code == 403
        to_seat = other_panel.seats.get()
        assert client.post(urls[2], {"to_seat": to_seat.pk}).status_code == 403
        assert not Panel.objects.filter(name="Sneaky panel").exists()
        member.refresh_from_db()
        assert member.seat.panel == panel
    assert all(Client().get(url).status_code == 302 for url in urls)


def test_the_pages_are_linked_only_for_those_who_may(panel, admin):
    member_user = panel.seats.first().members.first().user
    lists = reverse("panel:panel_list")
    detail = reverse("panel:panel_detail", kwargs={"panel_id": panel.pk})
    seats = reverse("panel:panel_seats", kwargs={"panel_id": panel.pk})
    member = panel.seats.first().members.first()
    assert reverse("panel:panel_add") in _client(admin).get(lists).content.decode()
    assert reverse("panel:panel_add") not in _client(member_user).get(lists).content.decode()
    assert _settings_url(panel) in _client(admin).get(detail).content.decode()
    assert _settings_url(panel) not in _client(member_user).get(detail).content.decode()
    assert _move_url(member) in _client(admin).get(seats).content.decode()


# ---------------------------------------------------------------- adding a panel


def test_adding_a_panel_by_the_page(panel, staff):
    area = AreaFactory()
    response = _client(staff).post(reverse("panel:panel_add"), _form(area=str(area.pk)))
    added = Panel.objects.get(name="North Kirklees panel")
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:panel_seats", kwargs={"panel_id": added.pk})
    assert (added.area, added.weekday, added.first_meeting_date) == (area, 2, date(2027, 1, 6))
    assert (added.start_time, added.end_time, added.location) == (
        time(9, 30),
        time(12, 0),
        "Town Hall, Room 2",
    )
    assert (added.cutoff_days, added.publication_working_days, added.quorum_members) == (7, 3, 4)
    assert added.active and added.council == panel.council
    assert _events("create", "panel.panel")[-1] == (staff.pk, str(added.pk), {"area": True})


def test_adding_a_panel_shows_what_is_missing_or_wrong_and_keeps_what_was_typed(panel, admin):
    typed = "A panel <for> the north"
    response = _client(admin).post(
        reverse("panel:panel_add"),
        _form(
            name=typed,
            first_meeting_date_0="7",  # a Thursday, for a Wednesday panel
            start_time="13:00",
            end_time="12:00",
            cutoff_days="many",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter the referral cut-off as a whole number" in body
    assert escape(typed) in body and 'value="13:00"' in body and 'value="many"' in body
    assert not Panel.objects.filter(name=typed).exists()
    # The model's rules, once the input is shaped: the same refusal the service gives directly.
    response = _client(admin).post(
        reverse("panel:panel_add"),
        _form(name=typed, first_meeting_date_0="7", start_time="13:00", end_time="12:00"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The first meeting must be on a Wednesday" in body
    assert "The end time must be after the start time" in body
    assert escape(typed) in body and 'value="7"' in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cutoff_days", 40, "The referral cut-off must be between 1 and 28 days before"),
        ("publication_working_days", 0, "Publication must be between 1 and 10 working days before"),
        ("quorum_members", 21, "The quorum must be between 1 and 20 members"),
        ("name", "Early Support Multi-Agency Panel", "There is already a panel with this name"),
    ],
)
def test_a_bad_value_is_refused_the_same_by_the_service_and_the_page(
    panel, admin, field, value, message
):
    with pytest.raises(ValidationError) as error:
        services.panel_create(
            actor=admin,
            council=panel.council,
            first_meeting_date=date(2027, 1, 6),
            **{"name": "Another panel", field: value},
        )
    assert error.value.message_dict[field] == [message]
    response = _client(admin).post(reverse("panel:panel_add"), _form(**{field: str(value)}))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    if field == "name":
        value = PanelFactory(council=panel.council, name="South panel").name
    with pytest.raises(ValidationError) as error:
        _change(admin, panel, **{field: value})
    assert error.value.message_dict[field] == [message]
    response = _client(admin).post(
        _settings_url(panel), _settings_form(panel, **{field: str(value)})
    )
    assert response.status_code == 200
    assert escape(message) in response.content.decode()


# ---------------------------------------------------------------- changing a panel's settings


def test_the_settings_page_shows_the_panels_settings(panel, admin):
    body = _client(admin).get(_settings_url(panel)).content.decode()
    assert escape(panel.name) in body
    assert 'value="09:30"' in body and escape(panel.location) in body
    assert selectors.panel_settings_version(panel) in body


def test_changing_the_settings_applies_to_meetings_not_yet_scheduled(panel, staff):
    first = PanelMeeting.objects.filter(panel=panel).order_by("date").first()
    starts_at = first.starts_at
    response = _client(staff).post(
        _settings_url(panel),
        _settings_form(panel, start_time="10:00", end_time="12:30", location="Library"),
    )
    assert response.status_code == 302
    panel.refresh_from_db()
    assert (panel.start_time, panel.end_time, panel.location) == (
        time(10, 0),
        time(12, 30),
        "Library",
    )
    assert _events("update", "panel.panel")[-1] == (
        staff.pk,
        str(panel.pk),
        {"fields": ["start_time", "end_time", "location"]},
    )
    first.refresh_from_db()
    assert (first.starts_at, first.location) == (starts_at, "Civic Centre, Meeting Room 1")
    created = services.panel_schedule_year(actor=staff, panel=panel, year=2028)
    assert created[0].starts_at.time() == time(10, 0) and created[0].location == "Library"


def test_a_new_rhythm_starts_after_the_meetings_on_the_calendar(panel, admin):
    with pytest.raises(ValidationError) as error:
        _change(admin, panel, weekday=3, first_meeting_date=date(2027, 1, 7))
    assert error.value.message_dict["first_meeting_date"] == [
        "A new rhythm must start after the panel’s last meeting on the calendar (22 December "
        "2027): cancel or move the later meetings first"
    ]
    response = _client(admin).post(
        _settings_url(panel), _settings_form(panel, weekday="3", first_meeting_date_0="7")
    )
    assert response.status_code == 200
    assert "A new rhythm must start after" in response.content.decode()
    # Moving the same rhythm on (a fortnight later) overlaps nothing.
    changed = _change(admin, panel, first_meeting_date=date(2027, 1, 20))
    assert changed.first_meeting_date == date(2027, 1, 20)
    changed = _change(admin, changed, weekday=3, first_meeting_date=date(2028, 1, 6))
    assert (changed.weekday, changed.first_meeting_date) == (3, date(2028, 1, 6))
    assert PanelMeeting.objects.filter(panel=panel).count() == 26


def test_a_stale_edit_is_refused_and_shows_what_is_saved_now(panel, admin, staff):
    shown = _settings_form(panel, location="Library")
    _change(staff, panel, location="Town Hall")
    with pytest.raises(StaleVersionError):
        services.panel_change(
            actor=admin, panel=panel, expected_version=shown["version"], location="Library"
        )
    response = _client(admin).post(_settings_url(panel), shown)
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(STALE_SETTINGS) in body
    assert "Town Hall" in body
    panel.refresh_from_db()
    assert panel.location == "Town Hall"


def test_a_retired_panel_takes_no_new_referrals_and_is_listed_apart(panel, admin, chair):
    response = _client(admin).post(_settings_url(panel), _settings_form(panel, active="no"))
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.active is False
    assert _events("update", "panel.panel")[-1][2] == {"fields": ["active"]}
    assert selectors.meeting_for_referral(panel, datetime(2026, 12, 1, tzinfo=LONDON)).reason
    lists = reverse("panel:panel_list")
    body = _client(admin).get(lists).content.decode()
    assert "Retired panels" in body and escape(panel.name) in body
    assert escape(panel.name) not in _client(chair).get(lists).content.decode()
    response = _client(admin).post(_settings_url(panel), _settings_form(panel, active="yes"))
    panel.refresh_from_db()
    assert panel.active is True


# ---------------------------------------------------------------- moving a member to another panel


def test_moving_a_member_keeps_their_kind_and_the_past_meetings_record(
    panel, other_panel, staff, chair
):
    seat = panel.seats.get(agency=other_panel.seats.get().agency)
    to_seat = other_panel.seats.get()
    substitute = seat.members.get(is_substitute=True)
    meeting = PanelMeeting.objects.filter(panel=panel).order_by("date").first()
    with time_machine.travel(meeting.starts_at, tick=False):
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=substitute.user,
            role=MeetingAttendance.Role.SUBSTITUTE,
            seat=seat,
        )
    page = _client(staff).get(_move_url(substitute)).content.decode()
    assert escape(other_panel.name) in page
    response = _client(staff).post(_move_url(substitute), {"to_seat": to_seat.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:panel_seats", kwargs={"panel_id": panel.pk})
    substitute.refresh_from_db()
    assert (substitute.seat, substitute.is_substitute) == (to_seat, True)
    assert not PanelSeatMember.objects.filter(seat=seat, user=substitute.user).exists()
    attendance = MeetingAttendance.objects.get(meeting=meeting, user=substitute.user)
    assert attendance.seat == seat
    assert _events("update", "panel.panelseatmember")[-1] == (
        staff.pk,
        str(substitute.pk),
        {
            "from_panel": panel.pk,
            "from_seat": seat.pk,
            "to_panel": other_panel.pk,
            "to_seat": to_seat.pk,
            "is_substitute": True,
        },
    )


def test_the_move_page_offers_only_other_active_panels_with_the_agencys_seat(
    panel, other_panel, agencies, admin
):
    lonely = panel.seats.get(agency=agencies[1]).members.first()
    body = _client(admin).get(_move_url(lonely)).content.decode()
    assert "No other active panel has a seat" in body
    retired = PanelFactory(council=panel.council, name="Retired panel", active=False)
    PanelSeatFactory(panel=retired, agency=agencies[0])
    elsewhere = PanelFactory(council=panel.council, name="Other agency's panel")
    PanelSeatFactory(panel=elsewhere, agency=agencies[1])
    member = panel.seats.get(agency=agencies[0]).members.first()
    body = _client(admin).get(_move_url(member)).content.decode()
    assert escape(other_panel.name) in body
    assert "Retired panel" not in body and escape("Other agency's panel") not in body


def test_a_move_is_refused_to_their_own_seat_a_seat_they_have_another_agencys_or_a_retired_panel(
    panel, other_panel, agencies, admin
):
    seat = panel.seats.get(agency=agencies[0])
    member = seat.members.get(is_substitute=False)
    to_seat = other_panel.seats.get()
    wrong_agency = PanelSeatFactory(panel=other_panel, agency=agencies[1])
    retired = PanelFactory(council=panel.council, name="Retired panel", active=False)
    retired_seat = PanelSeatFactory(panel=retired, agency=agencies[0])
    agency_message = NOT_THE_AGENCYS_SEAT.format(agency=agencies[0].name)
    cases = [
        (seat, ALREADY_IN_SEAT),
        (wrong_agency, agency_message),
        (retired_seat, PANEL_NOT_ACTIVE),
    ]
    for target, message in cases:
        with pytest.raises(ValidationError) as error:
            services.panel_seat_member_move(actor=admin, member=member, to_seat=target)
        assert error.value.message_dict == {"to_seat": [message]}
        # The same refusal through the page, for a seat it did not offer but was sent anyway.
        response = _client(admin).post(_move_url(member), {"to_seat": target.pk})
        assert response.status_code == 200
        assert escape(message) in response.content.decode()
    PanelSeatMember.objects.create(seat=to_seat, user=member.user)
    with pytest.raises(ValidationError) as error:
        services.panel_seat_member_move(actor=admin, member=member, to_seat=to_seat)
    assert error.value.message_dict == {"to_seat": [ALREADY_IN_SEAT]}
    member.refresh_from_db()
    assert member.seat == seat
    assert _events("update", "panel.panelseatmember") == []


def test_a_move_with_no_choice_says_what_to_do(panel, other_panel, admin):
    member = panel.seats.get(agency=other_panel.seats.get().agency).members.first()
    response = _client(admin).post(_move_url(member), {})
    assert response.status_code == 200
    assert "Select the panel they move to" in response.content.decode()


def test_the_add_page_starts_from_the_usual_terms_of_reference(panel, admin):
    body = _client(admin).get(reverse("panel:panel_add")).content.decode()
    assert 'value="09:30"' in body and 'value="12:00"' in body
    assert 'name="quorum_members" value="4"' in body or 'value="4"' in body
