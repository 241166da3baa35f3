"""Who sees what: each role against the panel's main pages (the calendar, a meeting, its pack, a
case after the decision, allocating its lead professional and sending its closure form).

One panel, one meeting whose pack is published, one case the panel gave a lead agency and whose
lead professional is allocated. Each role is someone with a part in it (the chair, a seat's
member, the lead professional, the lead agency's manager, the referrer) or someone of that role
with none, so each status below is the one rule that decides it.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import AgencyFactory
from panel import services
from panel.models import MeetingAttendance, PanelCase, PanelMeeting, PanelSeat
from panel.tests.factories import demo_panel, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MEETING_DAY = date(2027, 1, 6)


@pytest.fixture(autouse=True)
def meeting_day():
    with time_machine.travel(datetime(2027, 1, 6, 10, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def world():
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    agencies = [AgencyFactory(panel_seat=True) for _ in range(4)]
    lead_agency = agencies[0]
    panel = demo_panel(agencies=agencies, chair=chair)
    meeting = PanelMeeting.objects.get(panel=panel, date=MEETING_DAY)
    referrer = UserFactory(roles=[Role.PRACTITIONER])
    referral = panel_referral(
        panel, datetime(2026, 12, 30, 11, tzinfo=LONDON), submitted_by=referrer
    )
    case = services.panel_case_log(actor=staff, referral=referral)
    services.meeting_publish_pack(actor=staff, meeting=meeting)
    services.attendance_record_arrival(
        actor=staff, meeting=meeting, user=chair, role=MeetingAttendance.Role.CHAIR
    )
    seats = list(PanelSeat.objects.filter(panel=panel).order_by("pk"))
    for seat in seats:
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=seat.members.get(is_substitute=False).user,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )
    services.panel_decision_record(
        actor=staff, meeting=meeting, case=case, kind="lead_agency", lead_agency=lead_agency
    )
    lead = UserFactory(agency=lead_agency, roles=[Role.LEAD_PROFESSIONAL])
    services.lead_professional_allocate(actor=staff, case=case, lead_professional=lead)
    people = {
        "business support": staff,
        "early support team leader": UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]),
        "the panel's chair": chair,
        "another panel's chair": UserFactory(roles=[Role.PANEL_CHAIR]),
        "a member of the panel's seat": seats[1].members.get(is_substitute=False).user,
        "a panel member with no seat": UserFactory(roles=[Role.PANEL_MEMBER]),
        "the referrer": referrer,
        "a practitioner of another agency": UserFactory(roles=[Role.PRACTITIONER]),
        "the lead professional": lead,
        "the lead agency's team manager": UserFactory(
            agency=lead_agency, roles=[Role.TEAM_MANAGER]
        ),
        "a strategic lead": UserFactory(roles=[Role.STRATEGIC_LEAD]),
        "a system administrator": UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR]),
    }
    return {"panel": panel, "meeting": meeting, "case": PanelCase.objects.get(pk=case.pk)}, people


def _urls(records) -> dict:
    panel, meeting, case = records["panel"], records["meeting"], records["case"]
    at_meeting = {"panel_id": panel.pk, "meeting_id": meeting.pk}
    return {
        "calendar": reverse("panel:panel_detail", kwargs={"panel_id": panel.pk}),
        "meeting": reverse("panel:meeting_detail", kwargs=at_meeting),
        "pack": reverse("panel:meeting_pack", kwargs=at_meeting),
        "case": reverse("panel:case_overview", kwargs={"case_id": case.pk}),
        "allocation": reverse("panel:case_allocate", kwargs={"case_id": case.pk}),
        "closure": reverse("panel:case_closure", kwargs={"case_id": case.pk}),
    }


# Page: calendar, meeting, pack, case, allocation, closure. 404: the page's record is out of the
# person's scope (they have no part in the meeting or the case); 403: in scope, but their role
# may not do what the page does.
EXPECTED = {
    "business support": (200, 200, 200, 200, 200, 403),
    "early support team leader": (200, 200, 200, 200, 403, 403),
    "the panel's chair": (200, 200, 200, 200, 403, 403),
    "another panel's chair": (200, 404, 404, 404, 404, 404),
    "a member of the panel's seat": (200, 200, 200, 200, 403, 403),
    "a panel member with no seat": (200, 404, 404, 404, 404, 404),
    "the referrer": (200, 404, 404, 404, 404, 404),
    "a practitioner of another agency": (200, 404, 404, 404, 404, 404),
    # The closure link leads the lead professional to the family's episode (ADR 0016).
    "the lead professional": (200, 404, 404, 200, 200, 302),
    "the lead agency's team manager": (200, 404, 404, 200, 200, 403),
    "a strategic lead": (200, 404, 404, 404, 404, 404),
    "a system administrator": (200, 404, 404, 404, 404, 404),
}
PAGES = ("calendar", "meeting", "pack", "case", "allocation", "closure")


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_against_each_panel_page(world, who):
    records, people = world
    client = sign_in_verified(Client(), people[who])
    urls = _urls(records)

    statuses = tuple(client.get(urls[page]).status_code for page in PAGES)

    assert dict(zip(PAGES, statuses, strict=True)) == dict(zip(PAGES, EXPECTED[who], strict=True))


def test_signed_out_is_sent_to_sign_in_from_every_panel_page(world):
    records, _people = world
    for url in _urls(records).values():
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
