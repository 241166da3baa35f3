"""Browser journey: the service's administrator runs the service without a developer (issue 11).

An administrator creates an account for a health visitor joining the panel, gives them their
roles and team, seats them on the panel as the health seat's member and names a substitute for
the seat. The new member signs in for the first time (temporary password, authenticator, a
password of their own). On the meeting's day the chair and four members are there, the new
member among them: the panel is quorate. The administrator then disables the account, and the
member's open session is refused at their next request. axe-core checks every page visited.
"""

import base64
import re
from datetime import date, datetime

import pytest
import time_machine
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core.council_pack import load_council_pack
from core.models import Agency, AuditEvent, Team
from core.tests.factories import AgencyFactory
from panel import services
from panel.calendar import LONDON
from panel.models import Panel, PanelMeeting, PanelSeat, PanelSeatMember
from tests.browser import assert_no_axe_violations, sign_in, visit

MEETING = date(2027, 3, 4)  # the tiny pack's panel meets every other Thursday, 1:30pm
NEW_PASSWORD = "Harbour-Lantern-Orchid-42"


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(MEETING.year, MEETING.month, MEETING.day, hour, minute, tzinfo=LONDON)


def _flash(page: Page):
    return page.locator('.govuk-notification-banner[role="alert"]')


def _world():
    """The panel as it stands before the new member joins (set-up, not the point)."""
    load_council_pack("core/tests/packs/tiny.yaml")
    panel = Panel.objects.get(area__code="north-vale")
    admin = UserFactory(
        username="admin",
        first_name="Ada",
        last_name="Admin",
        team=None,
        roles=[Role.SYSTEM_ADMINISTRATOR],
    )
    chair = UserFactory(
        username="panel.chair",
        first_name="Carol",
        last_name="Chair",
        team=None,
        roles=[Role.PANEL_CHAIR],
    )
    Panel.objects.filter(pk=panel.pk).update(chair=chair)
    panel.refresh_from_db()
    # A fourth seat, so quorum (four members) needs every seat, the health seat included.
    services.panel_seat_add(
        actor=admin, panel=panel, agency=AgencyFactory(name="Vale Police", panel_seat=True)
    )
    health = Agency.objects.get(code="vale-health")
    members = []
    for seat in PanelSeat.objects.filter(panel=panel).exclude(agency=health).order_by("pk"):
        member = UserFactory(
            first_name=f"Member{len(members) + 1}",
            last_name="Seat",
            team=None,
            agency=seat.agency,
            roles=[Role.PANEL_MEMBER],
        )
        services.panel_seat_member_add(actor=admin, seat=seat, user=member)
        members.append(member)
    substitute = UserFactory(
        first_name="Sam",
        last_name="Standby",
        team=None,
        agency=health,
        roles=[Role.PANEL_MEMBER],
    )
    services.panel_schedule_year(actor=admin, panel=panel, year=2027)
    return panel, admin, chair, members, substitute


class Clock:
    """Sets the moment the whole process sees, the live server's thread included (time-machine);
    time runs on from each moment set."""

    def __init__(self, moment: datetime):
        self.traveller = time_machine.travel(moment, tick=True)
        self.coordinates = self.traveller.start()

    def set(self, moment: datetime) -> None:
        self.coordinates.move_to(moment)


@pytest.fixture
def clock():
    clock = Clock(_at(13, 20))
    yield clock
    clock.traveller.stop()


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_manage_the_service_journey(live_server, page, clock):
    panel, admin, chair, members, substitute = _world()
    base = live_server.url
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (admin, chair)}
    health_team = Team.objects.get(code="health-visiting")

    # ---- The administrator creates the account, from their home page.
    visit(page, f"{base}/home/")
    sign_in(page, admin, devices[admin.pk])
    assert_no_axe_violations(page, "admin home")
    page.get_by_role("link", name="Configuration").first.click()
    assert_no_axe_violations(page, "configuration")
    page.get_by_role("link", name="Staff accounts").click()
    assert_no_axe_violations(page, "staff accounts")
    page.get_by_role("link", name=re.compile("^Create an account")).click()
    assert_no_axe_violations(page, "create an account")
    page.get_by_label("First name").fill("Hana")
    page.get_by_label("Last name").fill("Health")
    page.get_by_label("Username").fill("hana.health")
    page.get_by_label("Email address").fill("hana.health@example.org")
    page.get_by_label("Agency", exact=True).select_option(label="Vale Health")
    page.get_by_label("Team", exact=True).select_option(label="Health visiting (Vale Health)")
    page.get_by_role("group", name="Roles").get_by_label("Panel member").check()
    page.get_by_role("button", name=re.compile("^Create")).click()
    expect(page.get_by_role("heading", name="Account created")).to_be_visible()
    assert_no_axe_violations(page, "account created")
    temporary = page.locator("#temporary-password").inner_text().strip()
    hana = User.objects.get(username="hana.health")
    assert (hana.agency.code, hana.team, hana.is_active) == ("vale-health", health_team, True)
    assert list(hana.role_grants.values_list("role", flat=True)) == [Role.PANEL_MEMBER]

    # ---- ... seats her on the panel as the health seat's member, and names a substitute.
    visit(page, f"{base}/panels/{panel.pk}/")
    page.get_by_role("link", name="Change the seats, members, chair and deputy").click()
    assert_no_axe_violations(page, "seats")
    page.get_by_role("link", name="Add a member or substitute to the Vale Health seat").click()
    assert_no_axe_violations(page, "add a member")
    page.get_by_label("Who sits in the seat?").select_option(label="Hana Health")
    page.get_by_role("group", name="Are they a member or a substitute?").get_by_label(
        "Member", exact=True
    ).check()
    page.get_by_role("button", name="Add them to the seat").click()
    assert_no_axe_violations(page, "seats after adding the member")
    page.get_by_role("link", name="Add a member or substitute to the Vale Health seat").click()
    page.get_by_label("Who sits in the seat?").select_option(label="Sam Standby")
    page.get_by_role("group", name="Are they a member or a substitute?").get_by_label(
        "Substitute"
    ).check()
    page.get_by_role("button", name="Add them to the seat").click()
    assert_no_axe_violations(page, "seats after naming the substitute")
    seat = PanelSeat.objects.get(panel=panel, agency__code="vale-health")
    assert sorted(
        PanelSeatMember.objects.filter(seat=seat).values_list("user__username", "is_substitute")
    ) == [("hana.health", False), (substitute.username, True)]

    # ---- Hana signs in for the first time, in her own browser.
    own = page.context.browser.new_context(locale="en-GB", timezone_id="Europe/London")
    hers = own.new_page()
    try:
        visit(hers, f"{base}/home/")
        hers.get_by_label("Username").fill("hana.health")
        hers.get_by_label("Password").fill(temporary)
        hers.get_by_role("button", name="Sign in").click()
        expect(hers.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
        assert_no_axe_violations(hers, "set up the authenticator")
        secret = "".join(hers.locator('[data-testid="totp-secret"]').inner_text().split())
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        hers.get_by_label("Security code").fill(f"{totp(key):06d}")
        hers.get_by_role("button", name=re.compile("^Continue|^Set up")).click()
        # A temporary password is hers to replace before anything else.
        expect(hers.get_by_role("heading", name="Change your password")).to_be_visible()
        assert_no_axe_violations(hers, "change the temporary password")
        hers.get_by_label("Current password").fill(temporary)
        hers.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        hers.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
        hers.get_by_role("button", name=re.compile("^Change")).click()
        expect(hers.get_by_role("heading", level=1)).not_to_have_text("Change your password")
        assert_no_axe_violations(hers, "Hana's home")
        hana.refresh_from_db()
        assert hana.check_password(NEW_PASSWORD) and not hana.must_change_password

        # ---- The meeting starts: the chair records who is here; Hana makes the panel quorate.
        # (A few minutes on, well inside everyone's 30-minute session.)
        clock.set(_at(13, 32))
        page.context.clear_cookies()
        visit(page, f"{base}/panels/{panel.pk}/meetings/{_meeting(panel).pk}/")
        sign_in(page, chair, devices[chair.pk])
        assert_no_axe_violations(page, "the meeting, as the chair")

        def arrive(name: str) -> None:
            row = page.locator("[data-attendance] tbody tr").filter(has_text=name)
            row.get_by_role("button", name=re.compile("^Mark as arrived")).click()
            expect(_flash(page)).to_contain_text(f"{name} is here")
            assert_no_axe_violations(page, f"meeting after {name} arrived")

        arrive("Carol Chair")
        for member in members:
            arrive(member.get_full_name())
        expect(page.locator('[data-quorum="inquorate"]')).to_contain_text("3 members are here")
        arrive("Hana Health")
        expect(page.locator('[data-quorum="quorate"]')).to_contain_text(
            "Quorate: the chair or deputy and 4 members are here."
        )

        # ---- The administrator disables Hana's account; her open session ends at once.
        hers.reload()
        expect(hers.get_by_role("heading", level=1)).not_to_have_text("Sign in")
        page.context.clear_cookies()
        visit(page, f"{base}/accounts/staff/{hana.pk}/")
        sign_in(page, admin, devices[admin.pk])
        assert_no_axe_violations(page, "Hana's account")
        page.get_by_role("link", name="Disable account").click()
        assert_no_axe_violations(page, "disable the account")
        page.get_by_label("Why are you disabling this account?").fill("Left the health service")
        page.get_by_role("button", name="Disable account").click()
        expect(page.locator("main")).to_contain_text("Disabled")
        assert_no_axe_violations(page, "account disabled")
        assert not User.objects.get(pk=hana.pk).is_active

        hers.reload()
        expect(hers.get_by_role("heading", name="Sign in")).to_be_visible()
        assert_no_axe_violations(hers, "Hana after her account was disabled")
        disabled = AuditEvent.objects.get(
            record_type="accounts.user", record_id=str(hana.pk), detail__change="disabled"
        )
        assert disabled.detail["sessions_ended"] == 1
    finally:
        own.close()


def _meeting(panel) -> PanelMeeting:
    return PanelMeeting.objects.get(panel=panel, date=MEETING)
