"""Browser journey: a school practitioner asks for early support for a family their team works
with, through the MASH; answering yes to the safeguarding question shows the duty team's contact
on the very next page, before anything is sent, and they change it to no; they change an answer
from Check your answers and come back to it, and get a reference. The early support team leader of
the family's area (the key contact) finds the request in their queue, marked as sent through the
MASH, and opens it. axe-core checks every page visited, including a page in its error state."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.council_pack import load_council_pack
from core.models import Agency, Area, AuditEvent, Team
from core.tests.factories import TeamFactory
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from support_requests.models import SupportRequest
from tests.browser import assert_no_axe_violations, totp_code, visit


def _code(device) -> str:
    return totp_code(device)


def _sign_in(page: Page, user, device) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_no_axe_violations(page, "sign in page")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_no_axe_violations(page, "security code page")
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()


def _continue(page: Page, label: str) -> None:
    page.get_by_role("button", name="Continue").click()
    assert_no_axe_violations(page, label)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_practitioner_request_reaches_triage_journey(live_server, page):
    load_council_pack("core/tests/packs/tiny.yaml")
    north = Area.objects.get(code="north-vale")
    school_team = TeamFactory(
        code="north-vale-primary",
        name="North Vale Primary School",
        agency=Agency.objects.get(code="vale-schools"),
        area=north,
    )
    practitioner = UserFactory(
        username="school.practitioner",
        team=school_team,
        roles=[Role.PRACTITIONER],
        job_title="Designated safeguarding lead",
        is_demo=False,
    )
    leader = UserFactory(
        username="north.leader",
        team=Team.objects.get(code="family-help-north"),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    family = FamilyFactory(name="Khan family", reference="FAM-00101", area=north, team=school_team)
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Zara", date_of_birth=date(2017, 5, 1)),
        role=FamilyMember.Role.CHILD,
    )
    practitioner_device = TOTPDeviceFactory(user=practitioner)
    leader_device = TOTPDeviceFactory(user=leader)

    # ---- The practitioner starts a request.
    visit(page, f"{live_server.url}/requests/new/")
    _sign_in(page, practitioner, practitioner_device)
    expect(page.get_by_role("heading", name="Ask for early support for a family")).to_be_visible()
    assert_no_axe_violations(page, "start page")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", name="Which family is the request about?")).to_be_visible()
    assert_no_axe_violations(page, "family page")
    # Continuing without an answer shows the error summary.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the family")
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page, "family page with an error")
    page.get_by_label("Khan family (FAM-00101)").check()
    _continue(page, "area page")

    # The family's area is chosen already, with the key contact named.
    expect(page.get_by_label("North Vale")).to_be_checked()
    expect(page.locator("main")).to_contain_text("Key contact: Family Help (North Vale)")
    _continue(page, "how to send page")

    # Seed 004 §3.27, way 2: through the area's key contact or through the MASH.
    expect(page.get_by_role("group", name="How do you want to send the request?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Exampleshire Front Door passes requests")
    page.get_by_label("Through the MASH").check()
    _continue(page, "what is happening page")

    page.get_by_label("What is happening for the family?").fill(
        "Zara is missing school most Mondays and seems withdrawn."
    )
    page.get_by_label(re.compile("What support has your agency")).fill(
        "Attendance meetings and a learning mentor since September."
    )
    _continue(page, "concerns page")

    expect(page.get_by_role("group", name=re.compile("section 17"))).to_be_visible()
    # "Yes" shows the duty team's contact straight away, before anything is sent.
    page.get_by_role("group", name=re.compile("section 17")).get_by_label("Yes").check()
    _continue(page, "duty team page")
    expect(page.get_by_role("heading", name="Contact Exampleshire Front Door now")).to_be_visible()
    expect(page.locator("main")).to_contain_text("01632 960001")
    assert not SupportRequest.objects.exists()
    page.get_by_role("link", name="I have no such concerns – change my answer").click()
    page.get_by_role("group", name=re.compile("section 17")).get_by_label("No").check()
    _continue(page, "family agreement page")
    page.get_by_label("Yes").check()
    _continue(page, "check your answers page")

    check_heading = page.get_by_role(
        "heading", name="Check your answers before sending the request"
    )
    expect(check_heading).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Family Help (North Vale)")
    expect(main).to_contain_text("Through the MASH: Exampleshire Front Door, 01632 960001")
    # A Change link goes back to its question and returns to Check your answers.
    page.get_by_role("link", name="Change what is happening").click()
    page.get_by_label("What is happening for the family?").fill(
        "Zara is missing school most Mondays and Fridays, and seems withdrawn."
    )
    _continue(page, "check your answers after a change")
    expect(check_heading).to_be_visible()
    expect(main).to_contain_text("most Mondays and Fridays")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    assert_no_axe_violations(page, "request sent page")
    expect(page.locator("main")).to_contain_text("through the MASH (Exampleshire Front Door")
    support_request = SupportRequest.objects.get()
    assert support_request.route == SupportRequest.Route.MASH
    reference = support_request.reference
    expect(page.locator(".govuk-panel")).to_contain_text(reference)
    assert support_request.family == family and support_request.area == north
    assert support_request.source == SupportRequest.Source.PRACTITIONER
    assert support_request.requester == practitioner

    # Their own requests list shows it.
    page.get_by_role("link", name="See the requests you have made").click()
    expect(page.get_by_role("heading", name="Your requests for support")).to_be_visible()
    assert_no_axe_violations(page, "your requests page")
    expect(page.get_by_role("table")).to_contain_text(reference)
    expect(page.get_by_role("table")).to_contain_text("Received")

    # ---- The area's team leader finds it in the queue and opens it.
    page.context.clear_cookies()
    visit(page, f"{live_server.url}/requests/")
    _sign_in(page, leader, leader_device)
    expect(page.get_by_role("heading", name="Requests for support")).to_be_visible()
    assert_no_axe_violations(page, "queue")
    expect(page.get_by_role("row", name=re.compile(reference))).to_contain_text("through the MASH")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    assert_no_axe_violations(page, "request page")
    main = page.locator("main")
    expect(main).to_contain_text("North Vale Primary School")
    expect(main).to_contain_text("Attendance meetings and a learning mentor")
    expect(main).to_contain_text("Khan family (FAM-00101)")
    expect(page.get_by_role("button", name="Start triage")).to_be_visible()

    assert (
        AuditEvent.objects.filter(
            actor=practitioner, action="create", record_id=str(support_request.pk)
        ).count()
        == 1
    )
