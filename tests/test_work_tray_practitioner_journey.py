"""Browser journey for a practitioner's work tray: an assessment their manager returns waits on
their home page; one click opens it, showing who returned it and why, and once it is submitted
again it leaves. axe checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from assessments import services as assessment_services
from assessments.models import Assessment
from assessments.tests.factories import ReadyAssessmentFactory
from core.tests.factories import CouncilFactory, TeamFactory
from people.tests.factories import family_with_members
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_practitioner_journey(live_server, page):
    """An assessment returned by the manager waits in its worker's tray; sent again, it leaves."""
    CouncilFactory(assessment_sign_off_required=True)
    team = TeamFactory()
    manager = UserFactory(
        first_name="Mina", last_name="Manager", team=team, roles=[Role.TEAM_MANAGER]
    )
    manager.managed_teams.add(team)
    worker = UserFactory(username="worker", team=team, roles=[Role.PRACTITIONER])
    device = TOTPDeviceFactory(user=worker)
    family = family_with_members(team=team, children=1, adults=1)
    assessment = ReadyAssessmentFactory(worker=worker, family=family)
    assessment_services.assessment_submit(actor=worker, assessment=assessment)
    label = f"{family.name} ({family.reference}), assessment {assessment.number}"

    # Sent for sign-off: nothing waits for the worker.
    visit(page, f"{live_server.url}/")
    sign_in(page, worker, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(tray_section(page, "assessments_returned")).to_have_count(0)
    assert_no_axe_violations(page, "practitioner's home page with nothing waiting")

    # The manager returns it with what to change.
    assessment_services.assessment_return(
        actor=manager,
        assessment=Assessment.objects.get(pk=assessment.pk),
        reason="Add the school's view of attendance to section 7.",
    )
    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "assessments_returned")
    expect(tray).to_contain_text("Assessments returned to you")
    navigation = page.get_by_role("navigation", name="Menu")
    expect(
        navigation.get_by_role("link", name=re.compile(r"Home\s*\(1 waiting for you\s*\)"))
    ).to_be_visible()
    assert_no_axe_violations(page, "practitioner's home page with an assessment returned")

    # One click from home to the assessment: who returned it and why.
    tray.get_by_role("link", name=label).click()
    returned = page.locator("#returned")
    expect(returned).to_contain_text("Returned by Mina Manager")
    expect(returned).to_contain_text("Add the school's view of attendance to section 7.")
    assert_no_axe_violations(page, "the returned assessment")

    # Submitted again, it leaves the tray (and the note, which was about the draft).
    page.get_by_role("link", name="Check and submit").click()
    assert_no_axe_violations(page, "check and submit")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#returned")).to_have_count(0)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.AWAITING_SIGN_OFF
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "assessments_returned")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "practitioner's home page after sending it again")
