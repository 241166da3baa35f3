"""Browser journey for a panel seat member's work tray: a published pack for a meeting to come
waits on their home page with the response their agency still owes; one click opens the response
page, and once the response is recorded it leaves (the pack stays, every response from the agency
in). axe checks every page visited.

Time is not frozen: the referral is submitted now and placed on the first meeting whose cut-off is
still to come, so the meeting is ahead of today whatever day the journey runs.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core import clock
from core.tests.factories import AgencyFactory
from panel import services
from panel.models import AgencyResponse, PanelSeatMember
from panel.tests.factories import ANCHOR_2027, demo_panel, panel_referral
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_panel_member_journey(live_server, page):
    """A response the member's agency owes on a published pack waits in their tray; recorded, it
    leaves, and the pack says every response from the agency is in."""
    police, school = (
        AgencyFactory(name="Police", panel_seat=True),
        AgencyFactory(name="School", panel_seat=True),
    )
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    # Meetings this year and next, so one is still to come whatever day the journey runs.
    year = max(ANCHOR_2027.year, clock.today().year)
    panel = demo_panel(agencies=[police, school], chair=chair, year=year)
    services.panel_schedule_year(actor=chair, panel=panel, year=year + 1)
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel))
    meeting = case.meeting
    assert meeting is not None and meeting.date >= clock.today()
    services.meeting_publish_pack(actor=staff, meeting=meeting)
    member = PanelSeatMember.objects.get(
        seat__panel=panel, seat__agency=police, is_substitute=False
    ).user
    device = TOTPDeviceFactory(user=member)

    # The pack and the response the police still owe wait on the member's home page.
    visit(page, f"{live_server.url}/")
    sign_in(page, member, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    packs = tray_section(page, "packs_to_read")
    expect(packs).to_contain_text("Panel packs to read")
    expect(packs.get_by_role("link", name=f"{panel.name}, {_day(meeting.date)}")).to_be_visible()
    expect(packs).to_contain_text("1 response still owed from Police")
    owed = tray_section(page, "responses_owed")
    expect(owed).to_contain_text("Agency responses still owed")
    expect(owed).to_contain_text(f"Due {_day(meeting.date)}, {panel.name}")
    assert_no_axe_violations(page, "home page with a response owed")

    # One click from home to the response page, then record the police's response.
    owed.get_by_role("link", name=case.esmap_number).click()
    expect(page.get_by_role("heading", name="What Police knows about this family")).to_be_visible()
    assert_no_axe_violations(page, "response page")
    page.get_by_role("group", name="Is this family known to your agency?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("What does your agency know?").fill("Known to the neighbourhood team.")
    page.get_by_role("button", name="Save your agency's response").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        f"Your agency's response on {case.esmap_number} is saved"
    )
    assert_no_axe_violations(page, "meeting page after the response")
    response = AgencyResponse.objects.get(case=case, seat__agency=police)
    assert (response.known, response.information, response.recorded_by) == (
        True,
        "Known to the neighbourhood team.",
        member,
    )
    # The school's seat has still to answer: only the police's answer is in.
    assert not AgencyResponse.objects.filter(case=case, seat__agency=school).exists()

    # Done, the response has left the tray; the pack is still there to read.
    visit(page, f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(tray_section(page, "responses_owed")).to_have_count(0)
    expect(tray_section(page, "packs_to_read")).to_contain_text("Every response from Police is in")
