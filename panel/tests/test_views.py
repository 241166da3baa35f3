from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.tests.factories import AgencyFactory
from panel import services
from panel.models import PanelMeeting, PanelMeetingHistory
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def panel():
    panel = PanelFactory(name="Dewsbury panel")
    PanelSeatMemberFactory(
        seat__panel=panel,
        seat__agency=AgencyFactory(name="Police"),
        user__first_name="Asha",
        user__last_name="Begum",
    )
    actor = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    services.panel_schedule_year(actor=actor, panel=panel, year=2027)
    return panel


@pytest.fixture
def business_support_client(client):
    return sign_in_verified(client, UserFactory(roles=[Role.BUSINESS_SUPPORT]))


def _meeting(panel, day=date(2027, 3, 31)):
    return PanelMeeting.objects.get(panel=panel, date=day)


def test_list_and_detail_for_any_staff(practitioner_client, panel):
    response = practitioner_client.get(reverse("panel:panel_list"))
    assert response.status_code == 200
    assert "Dewsbury panel" in response.content.decode()
    response = practitioner_client.get(
        reverse("panel:panel_detail", kwargs={"panel_id": panel.pk}) + "?year=2027"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Police" in html and "Asha Begum" in html
    assert "Wed 31 Mar 2027, 09:30" in html
    assert "Wed 24 Mar, 12:00" in html  # cut-off and (Easter) publication
    assert reverse("panel:panel_calendar_ics", kwargs={"panel_id": panel.pk, "year": 2027}) in html
    # A practitioner sees no cancel or move links.
    assert (
        reverse(
            "panel:meeting_cancel", kwargs={"panel_id": panel.pk, "meeting_id": _meeting(panel).pk}
        )
        not in html
    )


def test_detail_shows_unscheduled_years_from_the_calendar(business_support_client, panel):
    response = business_support_client.get(
        reverse("panel:panel_detail", kwargs={"panel_id": panel.pk}) + "?year=2028"
    )
    html = response.content.decode()
    assert "Not scheduled yet" in html
    assert "Schedule the 2028 meetings" in html
    response = business_support_client.post(
        reverse("panel:panel_schedule", kwargs={"panel_id": panel.pk, "year": 2028})
    )
    assert response.status_code == 302
    assert PanelMeeting.objects.filter(panel=panel, date__year=2028).count() == 26


def test_practitioner_may_not_schedule(practitioner_client, panel):
    response = practitioner_client.post(
        reverse("panel:panel_schedule", kwargs={"panel_id": panel.pk, "year": 2028})
    )
    assert response.status_code == 403


def test_not_signed_in_is_sent_to_sign_in(client, panel):
    response = client.get(reverse("panel:panel_detail", kwargs={"panel_id": panel.pk}))
    assert response.status_code == 302


def test_downloads(practitioner_client, panel):
    response = practitioner_client.get(
        reverse("panel:panel_calendar_ics", kwargs={"panel_id": panel.pk, "year": 2027})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="dewsbury-panel-2027.ics"' in response["Content-Disposition"]
    cal = icalendar.Calendar.from_ical(response.content)
    assert len(cal.walk("VEVENT")) == 26
    response = practitioner_client.get(
        reverse("panel:panel_calendar_csv", kwargs={"panel_id": panel.pk, "year": 2027})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode().strip().splitlines()) == 27
    assert AuditEvent.objects.filter(action="export", record_type="panel.panelmeeting").count() == 2
    # No personal data in the files: members' names are not there.
    assert b"Asha" not in response.content


def test_unknown_panel_is_404(practitioner_client):
    assert (
        practitioner_client.get(reverse("panel:panel_detail", kwargs={"panel_id": 999})).status_code
        == 404
    )


def test_practitioner_may_not_cancel_or_move(practitioner_client, panel):
    meeting = _meeting(panel)
    for name in ("meeting_cancel", "meeting_move"):
        url = reverse(f"panel:{name}", kwargs={"panel_id": panel.pk, "meeting_id": meeting.pk})
        assert practitioner_client.get(url).status_code == 403
        assert practitioner_client.post(url, {"reason": "x"}).status_code == 403
    assert _meeting(panel).status == "scheduled"


def test_meeting_of_another_panel_is_404(business_support_client, panel):
    other = PanelFactory()
    url = reverse(
        "panel:meeting_cancel", kwargs={"panel_id": other.pk, "meeting_id": _meeting(panel).pk}
    )
    assert business_support_client.get(url).status_code == 404


def test_chair_may_cancel(client, panel):
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    panel.chair = chair
    panel.save()
    sign_in_verified(client, chair)
    meeting = _meeting(panel)
    url = reverse("panel:meeting_cancel", kwargs={"panel_id": panel.pk, "meeting_id": meeting.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Not quorate"})
    assert response.status_code == 302
    assert _meeting(panel).status == "cancelled"
    history = PanelMeetingHistory.objects.get()
    assert history.actor == chair and history.reason == "Not quorate"
    # Cancelled: the form is no longer offered.
    assert client.get(url).status_code == 302


def test_a_member_of_another_panel_chair_role_may_not(client, panel):
    # Holding the panel chair role is not enough: they must chair *this* panel.
    sign_in_verified(client, UserFactory(roles=[Role.PANEL_CHAIR]))
    url = reverse(
        "panel:meeting_cancel", kwargs={"panel_id": panel.pk, "meeting_id": _meeting(panel).pk}
    )
    assert client.get(url).status_code == 403


def test_cancel_without_a_reason_shows_the_error_summary(business_support_client, panel):
    url = reverse(
        "panel:meeting_cancel", kwargs={"panel_id": panel.pk, "meeting_id": _meeting(panel).pk}
    )
    response = business_support_client.post(url, {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_reason"' in html
    assert "Enter why the meeting is cancelled" in html
    assert "<title>Error:" in html
    assert _meeting(panel).status == "scheduled"


def test_move_with_bad_input_shows_the_error_summary(business_support_client, panel):
    url = reverse(
        "panel:meeting_move", kwargs={"panel_id": panel.pk, "meeting_id": _meeting(panel).pk}
    )
    response = business_support_client.post(
        url, {"new_date_0": "31", "new_date_1": "2", "new_date_2": "2027", "reason": ""}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "New date must be a real date" in html
    assert "Enter why the meeting is moving" in html
    # A service error (the date already has a meeting) lands on the date field too.
    response = business_support_client.post(
        url, {"new_date_0": "14", "new_date_1": "4", "new_date_2": "2027", "reason": "Room"}
    )
    html = response.content.decode()
    assert "This panel already has a meeting on that date" in html
    assert "govuk-error-summary" in html


def test_move(business_support_client, panel):
    meeting = _meeting(panel)
    url = reverse("panel:meeting_move", kwargs={"panel_id": panel.pk, "meeting_id": meeting.pk})
    assert business_support_client.get(url).status_code == 200
    response = business_support_client.post(
        url, {"new_date_0": "1", "new_date_1": "4", "new_date_2": "2027", "reason": "Room booked"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "moved" and meeting.moved_to.date == date(2027, 4, 1)
