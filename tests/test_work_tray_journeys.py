"""Browser journeys for the work trays: each role's home page lists the work waiting for them; an
item appears when the work arrives and leaves when it is done, and each links straight to where
the work is done. axe checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core import clock
from core.council_pack import load_council_pack
from core.models import Area, NeedLevel, Team
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory
from tests.browser import assert_no_axe_violations, fill_date, sign_in, tray_section, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_early_support_team_leader_journey(live_server, page):
    """A member of the public's request waits in the area team leader's tray; triaged, it leaves."""
    load_council_pack("core/tests/packs/tiny.yaml")
    north = Area.objects.get(code="north-vale")
    leader = UserFactory(
        username="north.leader",
        team=Team.objects.get(code="family-help-north"),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    device = TOTPDeviceFactory(user=leader)

    # Nothing waits yet.
    visit(page, f"{live_server.url}/")
    sign_in(page, leader, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "home page with nothing waiting")

    # A request arrives for the area.
    support_request = SupportRequestFactory(area=north)
    SupportRequestChildFactory(support_request=support_request)
    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "requests_to_triage")
    expect(tray).to_contain_text("Requests to triage")
    expect(tray.get_by_role("link", name=support_request.reference)).to_be_visible()
    assert_no_axe_violations(page, "home page with a request to triage")

    # One click from home to the request, then triage it.
    tray.get_by_role("link", name=support_request.reference).click()
    expect(page.get_by_role("heading", name=re.compile(support_request.reference))).to_be_visible()
    page.get_by_role("button", name="Start triage").click()
    expect(page.get_by_role("button", name="Record triage")).to_be_visible()
    page.get_by_role("button", name="Record triage").click()
    expect(page.get_by_label("Who did you speak to?")).to_be_visible()
    today = clock.today()
    fill_date(page, "^Date", today)
    page.get_by_label("Who did you speak to?").fill("The parent, by phone")
    page.get_by_label("Summary of the conversation").fill("Agreed a parenting group would help.")
    page.get_by_role("group", name=re.compile("section 17")).get_by_label("No").check()
    level = NeedLevel.objects.order_by("level").first()
    page.get_by_role("group", name="What is the level of need?").get_by_label(
        re.compile(re.escape(level.name))
    ).first.check()
    page.get_by_label("Signpost to another service").check()
    page.get_by_label("If signposting to a service not in the directory: which service?").fill(
        "Parenting group at the children's centre"
    )
    page.get_by_label("If signposting: who did you contact to hand over?").fill(
        "The centre's family worker"
    )
    fill_date(page, "If signposting: when did you hand over", today)
    assert_no_axe_violations(page, "triage page")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.SIGNPOSTED

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "requests_to_triage")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
