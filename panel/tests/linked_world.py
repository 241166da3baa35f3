"""One family's case from end to end, for the tests that each record links to the others
(``*/tests/test_linked_records.py``): a request for support, its assessment referred to the panel,
the panel case decided at the meeting of 6 January 2027 and allocated (which opens the episode).

Readers: ``leader``, an early support team leader of the early support service, may open every
record; ``stranger``, a practitioner of another team, may open none; ``member``, a seat member of
the panel, may open the case only.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core import notices
from core.tests.factories import (
    AgencyFactory,
    EarlySupportAgencyFactory,
    NeedLevelFactory,
    TeamFactory,
)
from panel import services
from panel.models import MeetingAttendance, PanelMeeting, PanelSeat, PanelSeatMember
from panel.tests.factories import demo_panel, panel_referral
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestFactory

LONDON = ZoneInfo("Europe/London")
AGENCIES = ("Police", "0-19 Health", "School", "Housing", "Youth Justice")


def build(clock) -> dict:
    """``clock``: a time_machine traveller. Returns the records and the readers."""
    clock.move_to(datetime(2026, 11, 1, 9, tzinfo=LONDON))
    # Allocation opens the family's episode, at the council's targeted level of need.
    NeedLevelFactory(level=3, name="Targeted early help")
    agencies = [AgencyFactory(name=name, panel_seat=True) for name in AGENCIES]
    panel = demo_panel(agencies=agencies, chair=UserFactory(roles=[Role.PANEL_CHAIR]))
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    clock.move_to(datetime(2026, 12, 30, 11, tzinfo=LONDON))
    world = {"panel": panel, "staff": staff, "agencies": agencies, "clock": clock}
    world.update(referred_case(world))
    case = world["case"]
    clock.move_to(datetime(2027, 1, 6, 10, tzinfo=LONDON))
    meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
    _quorate(panel, meeting, staff)
    services.panel_decision_record(
        actor=staff, meeting=meeting, case=case, kind="lead_agency", lead_agency=agencies[2]
    )
    lead = UserFactory(agency=agencies[2], roles=[Role.LEAD_PROFESSIONAL])
    services.lead_professional_allocate(actor=staff, case=case, lead_professional=lead)
    case.refresh_from_db()
    world["episode"] = case.episodes.get()
    world["lead"] = lead
    world["leader"] = UserFactory(
        team=TeamFactory(agency=EarlySupportAgencyFactory(), area=None),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
    )
    world["stranger"] = UserFactory(roles=[Role.PRACTITIONER])
    world["member"] = (
        PanelSeatMember.objects.filter(
            seat__panel=panel, seat__agency__name="Police", is_substitute=False
        )
        .get()
        .user
    )
    return world


def referred_case(world) -> dict:
    """A request, its assessment referred to ``world["panel"]`` and the case business support
    logged from it."""
    referral = panel_referral(world["panel"])
    request = SupportRequestFactory(status=SupportRequest.Status.ASSESSMENT_STARTED)
    type(referral.assessment).objects.filter(pk=referral.assessment_id).update(
        support_request=request
    )
    case = services.panel_case_log(actor=world["staff"], referral=referral)
    return {"request": request, "assessment": referral.assessment, "case": case}


def _quorate(panel, meeting, actor):
    role = MeetingAttendance.Role
    services.attendance_record_arrival(
        actor=actor, meeting=meeting, user=panel.chair, role=role.CHAIR
    )
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        services.attendance_record_arrival(
            actor=actor,
            meeting=meeting,
            user=seat.members.get(is_substitute=False).user,
            role=role.MEMBER,
            seat=seat,
        )


def page(user, url) -> str:
    response = sign_in_verified(Client(), user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(place, user, records) -> tuple[int, dict]:
    """How many queries the place's providers take for ``records``, and what they answered
    (after a first call, so what is cached on the reader for the request is not counted)."""
    notices.notices_for_many(place, user=user, records=records)
    with CaptureQueriesContext(connection) as captured:
        found = notices.notices_for_many(place, user=user, records=records)
    return len(captured), found


def keys(found: dict, pk) -> list[str]:
    return [notice.key for notice in found.get(pk, [])]
