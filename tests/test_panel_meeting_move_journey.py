"""Browser journey for moving a published panel meeting at short notice: business support opens
the meeting's page, follows "Move the meeting", is told the new date's cut-off and publication
deadline have passed and what that means, confirms, and lands on the new meeting with its pack
still published and its case on the agenda. axe checks every page visited.

Time is set with time-machine, which the live server's thread (in this process) sees too.
"""

from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core.tests.factories import AgencyFactory
from panel import services
from panel.calendar import LONDON
from panel.models import PanelMeeting
from panel.tests.factories import demo_panel, panel_referral
from tests.browser import assert_no_axe_violations, fill_date, sign_in, visit

MEETING = date(2027, 1, 20)
NEW_DATE = date(2027, 1, 21)  # cut-off 14 January 12:00, pack due 18 January 12:00


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock():
    traveller = time_machine.travel(_at(date(2026, 11, 1), 9), tick=True)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_panel_meeting_move_journey(live_server, page, clock):
    agencies = [AgencyFactory(name=name, panel_seat=True) for name in ("Police", "School")]
    panel = demo_panel(agencies=agencies, chair=UserFactory(roles=[Role.PANEL_CHAIR]))
    staff = UserFactory(username="business.support", roles=[Role.BUSINESS_SUPPORT])
    clock.move_to(_at(date(2027, 1, 12), 10))
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel))
    meeting = PanelMeeting.objects.get(panel=panel, date=MEETING)
    assert case.meeting == meeting
    services.meeting_publish_pack(actor=staff, meeting=meeting)
    clock.move_to(_at(date(2027, 1, 18), 13))
    device = TOTPDeviceFactory(user=staff)

    visit(page, f"{live_server.url}/panels/{panel.pk}/meetings/{meeting.pk}/")
    sign_in(page, staff, device)
    expect(page.get_by_role("heading", name="Meeting on Wednesday 20 January 2027")).to_be_visible()
    assert_no_axe_violations(page, "meeting page with Move and Cancel")
    expect(page.get_by_role("link", name="Cancel the meeting on 20 January 2027")).to_be_visible()
    page.get_by_role("link", name="Move the meeting on 20 January 2027 to another day").click()

    expect(
        page.get_by_role("heading", name=f"Move the meeting on {MEETING:%A %-d %B %Y}")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("The pack is published already")
    fill_date(page, "What is the new date", NEW_DATE)
    page.get_by_label("Why is the meeting moving?").fill("The room is needed for an inspection")
    page.get_by_role("button", name="Move the meeting").click()

    warnings = page.locator("[data-move-warnings]")
    expect(warnings).to_contain_text("The referral cut-off for a meeting on 21 January 2027")
    expect(warnings).to_contain_text("This meeting's pack is published already and stays published")
    expect(page.get_by_label("Why is the meeting moving?")).to_have_value(
        "The room is needed for an inspection"
    )
    assert_no_axe_violations(page, "move page warning of passed deadlines")
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelMeeting.Status.SCHEDULED

    page.get_by_role("button", name="Move the meeting").click()
    expect(page.get_by_role("heading", name="Meeting on Thursday 21 January 2027")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Meeting on 20 January 2027 moved to 21 January 2027"
    )
    expect(page.locator("[data-pack-status]")).to_contain_text("Published")
    expect(page.locator("main")).to_contain_text(case.esmap_number)
    assert_no_axe_violations(page, "the moved meeting's page")
    new = PanelMeeting.objects.get(panel=panel, date=NEW_DATE)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.moved_to) == (PanelMeeting.Status.MOVED, new)
    assert new.pack_published_at == meeting.pack_published_at is not None
