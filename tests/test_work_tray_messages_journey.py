"""Browser journey for "Messages sent to you" on the home page: when the panel gives a case to the
team manager's agency, the email the product sent them is listed (its subject and reference only),
apart from the work waiting, and links to the case. axe checks every page visited."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core.models import OutboundMessage
from core.tests.factories import AgencyFactory, NeedLevelFactory, TeamFactory
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit
from tests.test_work_tray_team_manager_journey import _case_given_to


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_messages_journey(live_server, page):
    agencies = [
        AgencyFactory(name=name, panel_seat=True)
        for name in ("Police", "0-19 Health", "School", "Housing", "Youth Justice")
    ]
    police = agencies[0]
    NeedLevelFactory(level=3, name="Targeted early help")
    manager = UserFactory(
        username="police.manager", team=TeamFactory(agency=police), roles=[Role.TEAM_MANAGER]
    )
    device = TOTPDeviceFactory(user=manager)

    # No message yet: nothing to show.
    visit(page, f"{live_server.url}/")
    sign_in(page, manager, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(tray_section(page, "messages_to_me")).to_have_count(0)
    expect(page.get_by_role("heading", name="For your information")).to_have_count(0)

    # The panel asks the police to lead a case: their team manager is sent the referral. (The
    # set-up moves the clock for the live server too: the page's requests finish first.)
    page.wait_for_load_state("networkidle")
    case = _case_given_to(police, agencies)
    assert OutboundMessage.objects.filter(
        to=manager.email, template="referral_for_agency", reference=case.esmap_number
    ).exists()

    visit(page, f"{live_server.url}/")
    expect(page.get_by_role("heading", name="For your information")).to_be_visible()
    messages = tray_section(page, "messages_to_me")
    expect(messages).to_contain_text("Messages sent to you")
    subject = (
        f"A family has been referred to your agency by the early support panel {case.esmap_number}"
    )
    expect(messages.get_by_role("link", name=subject)).to_be_visible()
    # The case to allocate is the work; the message is something to know.
    expect(tray_section(page, "cases_to_allocate")).to_contain_text(case.esmap_number)
    assert_no_axe_violations(page, "home page with a message sent")

    messages.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", name=case.esmap_number, level=1)).to_be_visible()
    assert_no_axe_violations(page, "the case the message is about")
