"""Browser journeys for a team manager's work tray: an assessment a worker in their team sends for
sign-off, and a case the panel gave their agency to lead, each wait on the home page, link
straight to the page where the work is done, and leave once it is done. axe checks every page
visited."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from assessments import services as assessment_services
from assessments.models import Assessment
from assessments.tests.factories import ReadyAssessmentFactory
from core import clock
from core.tests.factories import AgencyFactory, CouncilFactory, NeedLevelFactory, TeamFactory
from oversight.tests.factories import SupervisionFactory
from panel import services as panel_services
from panel.models import MeetingAttendance, PanelCase, PanelMeeting, PanelSeat
from panel.tests.factories import demo_panel, panel_referral
from people.tests.factories import family_with_members
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit

LONDON = ZoneInfo("Europe/London")


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_team_manager_journey(live_server, page):
    """A worker's assessment waits in their manager's tray; signed off, it leaves."""
    CouncilFactory(assessment_sign_off_required=True)
    team = TeamFactory()
    manager = UserFactory(username="team.manager", team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    worker = UserFactory(team=team, roles=[Role.PRACTITIONER])
    device = TOTPDeviceFactory(user=manager)
    # The worker was supervised today, so no supervision is overdue either.
    SupervisionFactory(worker=worker, supervisor=manager, held_on=clock.today())

    # Nothing waits yet.
    visit(page, f"{live_server.url}/")
    sign_in(page, manager, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    expect(tray_section(page, "assessments_to_sign_off")).to_have_count(0)
    assert_no_axe_violations(page, "team manager's home page with nothing waiting")

    # The worker sends a complete assessment for sign-off.
    family = family_with_members(team=team, children=2, adults=1)
    assessment = ReadyAssessmentFactory(worker=worker, family=family)
    assessment_services.assessment_submit(actor=worker, assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.AWAITING_SIGN_OFF
    label = f"{family.name} ({family.reference}), assessment {assessment.number}"

    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "assessments_to_sign_off")
    expect(tray).to_contain_text("Assessments to sign off")
    expect(tray.get_by_role("link", name=label)).to_be_visible()
    expect(tray).to_contain_text(f"by {worker.get_full_name()}")
    assert_no_axe_violations(page, "team manager's home page with an assessment to sign off")

    # One click from home to the sign-off page, then sign it off.
    tray.get_by_role("link", name=label).click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/sign-off/")
    expect(page.get_by_role("heading", name="Sign off the assessment")).to_be_visible()
    assert_no_axe_violations(page, "assessment sign-off page")
    page.get_by_role("button", name="Sign off", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Assessment signed off and completed")
    assert_no_axe_violations(page, "assessment after sign-off")
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.COMPLETED

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "assessments_to_sign_off")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "team manager's home page after the sign-off")


def _case_given_to(lead_agency, agencies) -> PanelCase:
    """A case the panel, meeting on 6 January 2027, asked ``lead_agency`` to lead (through the
    panel's services, as intake staff would record it)."""
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as traveller:
        chair = UserFactory(roles=[Role.PANEL_CHAIR])
        deputy = UserFactory(roles=[Role.PANEL_CHAIR])
        panel = demo_panel(agencies=agencies, chair=chair, deputy=deputy)
        traveller.move_to(datetime(2027, 1, 2, 9, tzinfo=LONDON))
        referral = panel_referral(panel, datetime(2026, 12, 30, 11, tzinfo=LONDON))
        case = panel_services.panel_case_log(actor=staff, referral=referral)
        traveller.move_to(datetime(2027, 1, 6, 10, tzinfo=LONDON))
        meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
        panel_services.attendance_record_arrival(
            actor=staff, meeting=meeting, user=chair, role=MeetingAttendance.Role.CHAIR
        )
        for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
            panel_services.attendance_record_arrival(
                actor=staff,
                meeting=meeting,
                user=seat.members.get(is_substitute=False).user,
                role=MeetingAttendance.Role.MEMBER,
                seat=seat,
            )
        panel_services.panel_decision_record(
            actor=staff, meeting=meeting, case=case, kind="lead_agency", lead_agency=lead_agency
        )
    case.refresh_from_db()
    assert case.status == PanelCase.Status.DECIDED
    return case


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_lead_agency_team_manager_journey(live_server, page):
    """A case the panel gave the manager's agency waits in their tray; allocated, it leaves."""
    agencies = [
        AgencyFactory(name=name, panel_seat=True)
        for name in ("Police", "0-19 Health", "School", "Housing", "Youth Justice")
    ]
    police = agencies[0]
    # Allocating opens the family's casework episode, at the council's early help level of need.
    NeedLevelFactory(level=3, name="Targeted early help")
    manager = UserFactory(
        username="police.manager",
        team=TeamFactory(agency=police),
        roles=[Role.TEAM_MANAGER],
    )
    worker_team = TeamFactory(agency=police, name="Police early help")
    worker = UserFactory(
        first_name="Robin",
        last_name="Officer",
        team=worker_team,
        roles=[Role.LEAD_PROFESSIONAL],
    )
    device = TOTPDeviceFactory(user=manager)

    # Nothing waits yet.
    visit(page, f"{live_server.url}/")
    sign_in(page, manager, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    expect(tray_section(page, "cases_to_allocate")).to_have_count(0)
    assert_no_axe_violations(page, "lead agency manager's home page with nothing waiting")

    # The panel asks the police to lead a case. Set-up moves the whole process's clock, the live
    # server's included: let the page finish every request first (a late one, at a moment before
    # the session began, would end it).
    page.wait_for_load_state("networkidle")
    case = _case_given_to(police, agencies)

    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "cases_to_allocate")
    expect(tray).to_contain_text("Cases to allocate")
    expect(tray.get_by_role("link", name=case.esmap_number)).to_be_visible()
    expect(tray).to_contain_text("Lead agency decided 6 January 2027")
    assert_no_axe_violations(page, "lead agency manager's home page with a case to allocate")

    # One click from home to the allocation page, then name the lead professional.
    tray.get_by_role("link", name=case.esmap_number).click()
    expect(page.get_by_role("heading", name="Allocate the lead professional")).to_be_visible()
    assert_no_axe_violations(page, "allocate the lead professional page")
    page.get_by_label("Who is the lead professional?").select_option(
        label="Robin Officer, Police early help"
    )
    page.get_by_role("button", name="Allocate the lead professional").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        f"Lead professional allocated for {case.esmap_number}"
    )
    assert_no_axe_violations(page, "case overview after allocation")
    case.refresh_from_db()
    assert case.status == PanelCase.Status.ALLOCATED
    assert case.allocations.get().lead_professional == worker

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "cases_to_allocate")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "lead agency manager's home page after the allocation")
