"""Browser journey for the panel chair's work tray: a lead professional's case closure form waits
on the chair's home page ("Closures waiting for the panel"), for the meeting it is on; at that
meeting, once quorate, one click opens the closure and the chair confirms it, and it leaves the
tray. axe checks every page visited.

Time is set with time-machine, which the live server's thread (in this process) sees too; time runs
on from each moment set, so security codes and sessions behave as they would.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core.tests.factories import AgencyFactory, NeedLevelFactory, TeamFactory
from panel import services
from panel.calendar import LONDON
from panel.models import ClosureRequest, MeetingAttendance, PanelCase, PanelMeeting, PanelSeat
from panel.tests.factories import demo_panel, panel_referral
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit

DECIDED_ON = date(2027, 1, 6)  # the panel meets every other Wednesday from 6 January 2027
CLOSURE_MEETING = date(2027, 1, 20)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock():
    traveller = time_machine.travel(_at(date(2026, 11, 1), 9), tick=True)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


def _make_quorate(panel, meeting, staff) -> None:
    services.attendance_record_arrival(
        actor=staff, meeting=meeting, user=panel.chair, role=MeetingAttendance.Role.CHAIR
    )
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=seat.members.get(is_substitute=False).user,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )


def _allocated_case(clock, panel, staff, police) -> tuple[PanelCase, object]:
    """A case the panel gave the police on 6 January, with its lead professional named."""
    clock.move_to(_at(date(2027, 1, 2), 9))
    case = services.panel_case_log(
        actor=staff, referral=panel_referral(panel, _at(date(2026, 12, 30), 11))
    )
    clock.move_to(_at(DECIDED_ON, 10))
    _make_quorate(panel, PanelMeeting.objects.get(panel=panel, date=DECIDED_ON), staff)
    services.panel_decision_record(
        actor=staff,
        meeting=PanelMeeting.objects.get(panel=panel, date=DECIDED_ON),
        case=case,
        kind="lead_agency",
        lead_agency=police,
    )
    worker = UserFactory(team=TeamFactory(agency=police), roles=[Role.LEAD_PROFESSIONAL])
    clock.move_to(_at(date(2027, 1, 8), 10))
    services.lead_professional_allocate(actor=staff, case=case, lead_professional=worker)
    return case, worker


def _sign_in_again(page: Page, url: str, user, device) -> None:
    # Days have passed: start a new session, as the chair would.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    visit(page, url)
    sign_in(page, user, device)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_chair_journey(live_server, page, clock):
    """A closure form waits in the chair's tray; confirmed at its meeting, it leaves."""
    agencies = [
        AgencyFactory(name=name, panel_seat=True)
        for name in ("Police", "0-19 Health", "School", "Housing", "Youth Justice")
    ]
    # Allocating opens the family's casework episode, at the council's early help level of need.
    NeedLevelFactory(level=3, name="Targeted early help")
    chair = UserFactory(username="panel.chair", roles=[Role.PANEL_CHAIR])
    panel = demo_panel(agencies=agencies, chair=chair)
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    case, worker = _allocated_case(clock, panel, staff, agencies[0])
    device = TOTPDeviceFactory(user=chair)

    # Nothing waits yet.
    clock.move_to(_at(date(2027, 1, 12), 9))
    visit(page, f"{live_server.url}/")
    sign_in(page, chair, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    expect(tray_section(page, "closures_to_decide")).to_have_count(0)
    assert_no_axe_violations(page, "chair's home page with nothing waiting")

    # The lead professional sends the case closure form: it goes on the next meeting's agenda.
    closure = services.closure_request_submit(
        actor=worker, case=case, summary="The TAF agreed the plan is complete."
    )
    meeting = PanelMeeting.objects.get(panel=panel, date=CLOSURE_MEETING)
    assert closure.meeting == meeting
    closure_url = reverse(
        "panel:closure_decide",
        kwargs={"panel_id": panel.pk, "meeting_id": meeting.pk, "closure_id": closure.pk},
    )

    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "closures_to_decide")
    expect(tray).to_contain_text("Closures waiting for the panel")
    expect(tray.get_by_role("link", name=case.esmap_number)).to_have_attribute("href", closure_url)
    expect(tray).to_contain_text("Sent 12 January 2027, for the meeting on 20 January 2027")
    assert_no_axe_violations(page, "chair's home page with a closure waiting")

    # At the meeting (quorate: attendance recorded through the services), one click from home to
    # the closure, then confirm it.
    clock.move_to(_at(CLOSURE_MEETING, 10))
    _make_quorate(panel, meeting, staff)
    _sign_in_again(page, f"{live_server.url}/", chair, device)
    tray = tray_section(page, "closures_to_decide")
    expect(tray.get_by_role("link", name=case.esmap_number)).to_be_visible()
    assert_no_axe_violations(page, "chair's home page on the day of the meeting")
    tray.get_by_role("link", name=case.esmap_number).click()
    expect(page.get_by_role("heading", name=f"Case closure: {case.esmap_number}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The TAF agreed the plan is complete.")
    assert_no_axe_violations(page, "closure decision page")
    page.get_by_role("button", name="Confirm the case is closed").click()
    expect(page.locator('.govuk-notification-banner[role="alert"]')).to_contain_text(
        f"{case.esmap_number} is closed"
    )
    assert_no_axe_violations(page, "meeting page after the closure")
    assert ClosureRequest.objects.get(pk=closure.pk).status == ClosureRequest.Status.CONFIRMED
    assert PanelCase.objects.get(pk=case.pk).status == PanelCase.Status.CLOSED

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "closures_to_decide")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "chair's home page after the closure")
