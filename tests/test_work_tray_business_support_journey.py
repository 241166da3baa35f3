"""Browser journey for business support's work tray: a referral to the panel waits on their home
page ("Referrals to log"); one click opens the panel inbox, and once it is logged (an ESMAP number,
a place on a meeting) it leaves the tray. axe checks every page visited.

Time is not frozen: the referral is submitted now and placed on the first meeting whose cut-off is
still to come, so the meeting is ahead of today whatever day the journey runs.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core import clock
from core.tests.factories import AgencyFactory
from panel import services
from panel.models import PanelCase
from panel.tests.factories import ANCHOR_2027, demo_panel, panel_referral
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_business_support_journey(live_server, page):
    """A referral waits in business support's tray; logged from the inbox, it leaves."""
    agencies = [AgencyFactory(name=name, panel_seat=True) for name in ("Police", "School")]
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    # Meetings this year and next, so one is still to come whatever day the journey runs.
    year = max(ANCHOR_2027.year, clock.today().year)
    panel = demo_panel(agencies=agencies, chair=chair, year=year)
    services.panel_schedule_year(actor=chair, panel=panel, year=year + 1)
    staff = UserFactory(
        username="business.support", roles=[Role.BUSINESS_SUPPORT], first_name="Bea"
    )
    device = TOTPDeviceFactory(user=staff)

    # Nothing waits yet.
    visit(page, f"{live_server.url}/")
    sign_in(page, staff, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    expect(tray_section(page, "referrals_to_log")).to_have_count(0)
    assert_no_axe_violations(page, "business support's home page with nothing waiting")

    # A practitioner's referral to the panel arrives.
    referral = panel_referral(panel)
    reference = referral.family.reference

    visit(page, f"{live_server.url}/")
    tray = tray_section(page, "referrals_to_log")
    expect(tray).to_contain_text("Referrals to log")
    expect(tray.get_by_role("link", name=reference)).to_be_visible()
    expect(tray).to_contain_text(f"Received {clock.local(referral.submitted_at):%-d %B %Y}")
    assert_no_axe_violations(page, "business support's home page with a referral to log")

    # One click from home to the inbox, then log it.
    tray.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="Panel inbox")).to_be_visible()
    assert_no_axe_violations(page, "panel inbox")
    page.get_by_role(
        "button", name=f"Log and give an ESMAP number to the referral of {reference}"
    ).click()
    case = PanelCase.objects.get(referral=referral)
    expect(page.locator("main")).to_contain_text(
        f"Logged as {case.esmap_number}: on the agenda for {panel.name} "
        f"on {case.meeting.date:%-d %B %Y}"
    )
    expect(page.locator("main")).to_contain_text("No referrals are waiting.")
    assert_no_axe_violations(page, "panel inbox after logging")
    assert case.status == PanelCase.Status.LOGGED
    assert case.meeting is not None and case.meeting.date >= clock.today()

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "referrals_to_log")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you.")
    assert_no_axe_violations(page, "business support's home page after logging")
