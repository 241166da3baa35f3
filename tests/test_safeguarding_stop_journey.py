"""Browser journey: an early support team leader triages a request, records a child protection
concern, and the product stops the early help path: it shows the council's duty team (from the
council's data) and will not go on until the team leader records what they did. axe-core checks
every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.council_pack import load_council_pack
from core.models import Area, AuditEvent, Council, Team
from support_requests.models import SafeguardingStop, SupportRequest
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory
from tests.browser import assert_no_axe_violations, totp_code, visit

DUTY_PHONE = "01632 960555"
OUT_OF_HOURS_PHONE = "01632 960556"


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


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_safeguarding_stop_journey(live_server, page):
    load_council_pack("core/tests/packs/tiny.yaml")
    # A made-up number: the stop page must show the council's data, not anything built in.
    Council.objects.update(
        duty_team_phone=DUTY_PHONE, duty_team_out_of_hours_phone=OUT_OF_HOURS_PHONE
    )
    leader = UserFactory(
        username="north.leader",
        team=Team.objects.get(code="family-help-north"),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    device = TOTPDeviceFactory(user=leader)
    support_request = SupportRequestFactory(area=Area.objects.get(code="north-vale"))
    SupportRequestChildFactory(support_request=support_request, first_name="Amy", position=1)
    reference = support_request.reference

    # ---- The team leader opens the request and starts triage.
    visit(page, f"{live_server.url}/requests/{support_request.pk}/")
    _sign_in(page, leader, device)
    expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    assert_no_axe_violations(page, "request page")
    page.get_by_role("button", name="Start triage").click()
    expect(page.get_by_role("heading", name=re.compile(reference))).to_contain_text("In triage")
    assert_no_axe_violations(page, "request page in triage")
    page.get_by_role("button", name="Record triage").click()

    expect(page.get_by_role("heading", name="Triage", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "triage page")
    page.get_by_label("Day").first.fill("2")
    page.get_by_label("Month").first.fill("3")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_label("Who did you speak to?").fill("Sam Lee, head of year")
    page.get_by_label("Summary of the conversation").fill("Amy told her teacher she was hit.")
    page.get_by_role("group", name=re.compile("section 17")).get_by_label("Yes").check()
    page.get_by_role("group", name="What happens next?").get_by_label(
        "Start an early support assessment"
    ).check()
    page.get_by_role("button", name="Save decision").click()

    # ---- The stop: impossible to miss, with the council's duty team.
    expect(
        page.get_by_role("heading", name="Stop: contact Exampleshire Front Door now")
    ).to_be_visible()
    assert_no_axe_violations(page, "safeguarding stop page")
    main = page.locator("main")
    expect(main.get_by_text(DUTY_PHONE)).to_be_visible()
    expect(main.get_by_text(OUT_OF_HOURS_PHONE)).to_be_visible()
    expect(main.get_by_text("frontdoor@exampleshire.example")).to_be_visible()
    expect(
        main.get_by_text("The early help decision has not been saved.", exact=False)
    ).to_be_visible()
    stop = SafeguardingStop.objects.get(support_request=support_request)
    assert stop.trigger == SafeguardingStop.Trigger.TRIAGE_CONCERN and stop.is_pending

    # Trying to go on without saying what they did shows an error.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what you have done")
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page, "safeguarding stop page with an error")

    page.get_by_label("I have phoned the duty team now").check()
    page.get_by_role("button", name="Continue").click()

    # ---- The request is referred to the duty team; no early help decision was made.
    expect(page.get_by_role("heading", name=re.compile(reference))).to_contain_text(
        "Referred to the duty team"
    )
    assert_no_axe_violations(page, "request page after the stop")
    expect(page.get_by_role("heading", name="Safeguarding stops")).to_be_visible()
    stops_table = page.get_by_role("table", name=re.compile("stopped for child in need"))
    expect(stops_table).to_contain_text("Concern recorded in triage")
    expect(stops_table).to_contain_text("I have phoned the duty team now")

    support_request.refresh_from_db()
    stop.refresh_from_db()
    assert support_request.status == SupportRequest.Status.REFERRED_TO_DUTY_TEAM
    assert support_request.triage.decision == ""
    assert stop.next_step == SafeguardingStop.NextStep.PHONED
    assert support_request.history.last().actor == leader
    assert AuditEvent.objects.filter(actor=leader, action="create", record_id=str(stop.pk)).exists()
