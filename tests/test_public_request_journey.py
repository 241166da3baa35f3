"""Browser journey: a parent asks for help for two children in one area, with no sign-in; an
early support team leader of that area finds the request in their queue and starts triage; a
team leader of another area cannot see it. axe-core checks every page visited, including a
page in its error state."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.council_pack import load_council_pack
from core.models import Agency, Area, AuditEvent, Team
from core.tests.factories import TeamFactory
from support_requests.models import SupportRequest
from tests.browser import assert_no_axe_violations, totp_code, visit


def _code(device) -> str:
    return totp_code(device)


def _continue(page: Page, label: str) -> None:
    page.get_by_role("button", name="Continue").click()
    assert_no_axe_violations(page, label)


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


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_public_request_reaches_area_queue_journey(live_server, page):
    load_council_pack("core/tests/packs/tiny.yaml")
    family_help = Agency.objects.get(code="family-help")
    north_team = Team.objects.get(code="family-help-north")
    south_team = TeamFactory(
        code="family-help-south",
        name="Family Help (South Vale)",
        agency=family_help,
        area=Area.objects.get(code="south-vale"),
    )
    north_leader = UserFactory(
        username="north.leader",
        team=north_team,
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    south_leader = UserFactory(
        username="south.leader",
        team=south_team,
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    north_device = TOTPDeviceFactory(user=north_leader)
    south_device = TOTPDeviceFactory(user=south_leader)

    # ---- A parent asks for help, without signing in.
    visit(page, f"{live_server.url}/ask-for-help/")
    expect(page.get_by_role("heading", name="Ask for help for your family")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Exit this page"))).to_be_visible()
    expect(page.get_by_text("Exampleshire Front Door")).to_be_visible()
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", name="Which area do you live in?")).to_be_visible()
    assert_no_axe_violations(page, "area page")
    # Continuing without an answer shows the error summary (and it is accessible too).
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(
        summary.get_by_role("link", name=re.compile("Select the area you live in"))
    ).to_be_visible()
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page, "area page with an error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("North Vale")).to_be_focused()
    page.get_by_label("North Vale").check()
    _continue(page, "who is asking page")

    page.get_by_label("I’m a parent or carer").check()
    _continue(page, "first child page")
    expect(
        page.get_by_role("heading", name="Tell us about the child or young person who needs help")
    ).to_be_visible()
    page.get_by_label("First name").fill("Amy")
    page.get_by_label("Age").fill("7")
    _continue(page, "children list with one child")
    expect(page.get_by_role("heading", name="You have added 1 child")).to_be_visible()
    page.get_by_label("Yes").check()
    _continue(page, "second child page")
    page.get_by_label("First name").fill("Ben")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2021")
    _continue(page, "children list with two children")
    expect(page.get_by_role("heading", name="You have added 2 children")).to_be_visible()
    page.get_by_label("No").check()
    _continue(page, "what is happening page")

    page.get_by_label("What is happening that you would like help with?").fill(
        "Amy will not go to school and mornings end in shouting. Ben copies her."
    )
    _continue(page, "help you would like page")
    page.get_by_label("What help would you like? (optional)").fill(
        "Someone to talk to about routines."
    )
    _continue(page, "your name page")
    page.get_by_label("What is your name?").fill("Jo Parent")
    _continue(page, "contact you safely page")

    expect(page.get_by_role("heading", name="How can we contact you safely?")).to_be_visible()
    page.get_by_label("Phone number (optional)").fill("07700 900982")
    page.get_by_role("group", name="Is it safe for us to call you?").get_by_label("Yes").check()
    page.get_by_role(
        "group", name="Can we leave a voicemail or send you a text message?"
    ).get_by_label("No").check()
    page.get_by_role("group", name="Is it safe for us to email you or write to you?").get_by_label(
        "No"
    ).check()
    page.get_by_label("Best times to contact you (optional)").fill("Weekday mornings")
    _continue(page, "other services page")

    page.get_by_label("I’m not sure – I’d like to talk about it first").check()
    _continue(page, "check your answers page")

    expect(
        page.get_by_role("heading", name="Check your answers before sending your request")
    ).to_be_visible()
    main = page.locator("main")
    expect(main.get_by_text("North Vale")).to_be_visible()
    expect(main.get_by_text("Amy, 7 years old")).to_be_visible()
    expect(main.get_by_text("Ben, born 3 April 2021")).to_be_visible()
    # Change an answer: back to check answers afterwards, with the new answer shown.
    page.get_by_role("link", name="Change your name").click()
    assert_no_axe_violations(page, "your name page (changing)")
    expect(page.get_by_label("What is your name?")).to_have_value("Jo Parent")
    page.get_by_label("What is your name?").fill("Jo")
    _continue(page, "check your answers page after a change")
    expect(
        page.get_by_role("heading", name="Check your answers before sending your request")
    ).to_be_visible()
    assert "Jo" not in page.url  # nothing typed goes into an address
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    assert_no_axe_violations(page, "request sent page")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert re.fullmatch(r"REQ-[A-Z0-9]{6}", reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_text("01632 960001")).to_be_visible()
    saved = SupportRequest.objects.get(reference=reference)
    assert saved.area.code == "north-vale" and saved.children.count() == 2

    # ---- The team leader for North Vale finds it in their queue and starts triage.
    visit(page, f"{live_server.url}/requests/")
    _sign_in(page, north_leader, north_device)
    expect(page.get_by_role("heading", name="Requests for support")).to_be_visible()
    assert_no_axe_violations(page, "requests queue")
    row = page.get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Member of the public")
    expect(row).to_contain_text("North Vale")
    expect(row).to_contain_text("Received")
    row.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    assert_no_axe_violations(page, "request page")
    expect(page.get_by_text("Do not leave a voicemail or send a text message.")).to_be_visible()
    expect(page.get_by_text("Do not email or write to them.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Start triage").click()
    expect(page.get_by_role("heading", name=re.compile(reference))).to_contain_text("In triage")
    assert_no_axe_violations(page, "request page in triage")
    saved.refresh_from_db()
    assert saved.status == SupportRequest.Status.IN_TRIAGE
    assert saved.history.last().actor == north_leader
    assert (
        AuditEvent.objects.filter(
            actor=north_leader, action="view", record_id=str(saved.pk)
        ).count()
        == 2
    )

    page.get_by_role("button", name="Sign out").click()

    # ---- The team leader for South Vale does not see it, and cannot open it.
    visit(page, f"{live_server.url}/requests/")
    _sign_in(page, south_leader, south_device)
    expect(page.get_by_role("heading", name="Requests for support")).to_be_visible()
    assert_no_axe_violations(page, "requests queue for another area")
    expect(page.locator("main").get_by_text(reference)).to_have_count(0)
    response = page.goto(f"{live_server.url}/requests/{saved.pk}/")
    assert response is not None and response.status == 404
    assert_no_axe_violations(page, "not found page")
    assert not AuditEvent.objects.filter(actor=south_leader, record_id=str(saved.pk)).exists()
