"""Browser journey for one Early Support Multi-Agency Panel meeting (parts 5 to 7).

Three referrals are logged from the inbox (one arrives after the cut-off and goes to the
next meeting); a member cannot open the pack before it is published, nor change it after;
business support publishes it; two members record what their agency knows; the chair runs
the meeting, which is not quorate until the fourth member arrives; the decisions are
recorded and the referrers told (the messages are captured here); the lead agency
allocates the lead professional, so the case is reported once at the next meeting and
then leaves the agenda; the lead professional sends the closure form and the panel
confirms it at the following meeting.

Time is set with time-machine (``core.clock`` and everything else read the moment it sets): the
live server runs in this process, so its thread sees the same moment; time runs on from each
moment set, so security codes and sessions behave as they would. axe-core checks every page
visited (tests.browser.visit and assert_no_axe_violations).
"""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from casework.models import Episode
from casework.tests.factories import ContactFactory
from core.council_pack import load_council_pack
from core.models import Agency, Area, Team
from core.notify import LoggingBackend
from core.tests.factories import AgencyFactory
from panel import services
from panel.calendar import LONDON
from panel.models import (
    ClosureRequest,
    MeetingAttendance,
    Panel,
    PanelCase,
    PanelMeeting,
    PanelSeat,
)
from panel.tests.factories import panel_referral
from tests.browser import assert_no_axe_violations, give_code_again_if_asked, totp_code, visit

MEETING_A = date(2027, 3, 4)  # the tiny pack's panel meets every other Thursday, 1:30pm
MEETING_B = date(2027, 3, 18)
MEETING_C = date(2027, 4, 1)


# ---------------------------------------------------------------- helpers


def _code(device) -> str:
    return totp_code(device)


def _sign_in(page: Page, user, device) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()
    give_code_again_if_asked(page, device)


def _switch_user(page: Page, url: str, user, device) -> None:
    # Let the last page finish every request first: a response still in flight after the cookies
    # are cleared would set the previous user's session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    visit(page, url)
    _sign_in(page, user, device)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Enter your security code")
    assert_no_axe_violations(page, f"{url} as {user.username}")


class Clock:
    """Sets the moment the whole process sees, the live server's thread included (time-machine);
    time runs on from each moment set."""

    def __init__(self):
        self.traveller = None
        self.coordinates = None

    def set(self, moment: datetime) -> None:
        if self.traveller is None:
            self.traveller = time_machine.travel(moment, tick=True)
            self.coordinates = self.traveller.start()
        else:
            self.coordinates.move_to(moment)

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()


@pytest.fixture
def clock():
    clock = Clock()
    yield clock
    clock.stop()


def _flash(page: Page):
    """The success message after a change (not the quorum banner, which shares the style)."""
    return page.locator('.govuk-notification-banner[role="alert"]')


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _child_names(case) -> list[str]:
    from assessments.presenters import child_name

    return [child_name(c.person) for c in case.referral.assessment.children.all()]


def _csrf_post(page: Page, url: str, data: dict):
    """POST as whoever is signed in, with a valid CSRF token, so any 403 is the permission check."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(url, form=data, headers={"X-CSRFToken": token, "Referer": url})


# ---------------------------------------------------------------- set-up (not the point)


def _people_and_panel(clock):
    load_council_pack("core/tests/packs/tiny.yaml")
    north = Area.objects.get(code="north-vale")
    panel = Panel.objects.get(area=north)
    chair = UserFactory(
        username="panel.chair",
        first_name="Carol",
        last_name="Chair",
        team=None,
        roles=[Role.PANEL_CHAIR],
    )
    Panel.objects.filter(pk=panel.pk).update(chair=chair)
    panel.refresh_from_db()
    staff = UserFactory(
        username="business.support",
        first_name="Bea",
        last_name="Support",
        roles=[Role.BUSINESS_SUPPORT],
    )
    # The pack seats three agencies; two more make five, so quorum (four) can be missed by one.
    for name in ("Vale Police", "Vale Housing"):
        services.panel_seat_add(
            actor=staff, panel=panel, agency=AgencyFactory(name=name, panel_seat=True)
        )
    seats = list(PanelSeat.objects.filter(panel=panel).select_related("agency").order_by("pk"))
    assert len(seats) == 5
    members = []
    for i, seat in enumerate(seats):
        member = UserFactory(
            username=f"member{i + 1}",
            first_name=f"Member{i + 1}",
            last_name="Seat",
            team=None,
            agency=seat.agency,
            roles=[Role.PANEL_MEMBER],
        )
        services.panel_seat_member_add(actor=staff, seat=seat, user=member)
        members.append((seat, member))
    clock.set(_at(date(2027, 1, 4), 9))
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    lead_agency = Agency.objects.get(code="family-help")
    team = Team.objects.get(code="family-help-north")
    manager = UserFactory(
        username="lead.manager",
        first_name="Mo",
        last_name="Manager",
        team=team,
        roles=[Role.TEAM_MANAGER],
    )
    manager.managed_teams.add(team)
    worker = UserFactory(
        username="lead.worker",
        first_name="Lena",
        last_name="Lead",
        team=team,
        roles=[Role.LEAD_PROFESSIONAL],
    )
    assert worker.agency == lead_agency and manager.agency == lead_agency
    return panel, chair, staff, members, lead_agency, manager, worker


# ---------------------------------------------------------------- the journey


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_panel_meeting_journey(live_server, page, clock):
    LoggingBackend.outbox.clear()
    panel, chair, staff, members, lead_agency, manager, worker = _people_and_panel(clock)
    meeting_a = PanelMeeting.objects.get(panel=panel, date=MEETING_A)
    meeting_b = PanelMeeting.objects.get(panel=panel, date=MEETING_B)
    meeting_c = PanelMeeting.objects.get(panel=panel, date=MEETING_C)
    cutoff = meeting_a.referral_cutoff
    # Two referrals meet meeting A's cut-off; the third arrives an hour after it.
    referrals = [
        panel_referral(panel, cutoff - timedelta(days=2)),
        panel_referral(panel, cutoff - timedelta(hours=1)),
        panel_referral(panel, cutoff + timedelta(hours=1)),
    ]
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (chair, staff, manager, worker)}
    for _seat, member in members:
        devices[member.pk] = TOTPDeviceFactory(user=member)
    base = live_server.url

    def meeting_url(meeting, tail=""):
        return f"{base}/panels/{panel.pk}/meetings/{meeting.pk}/{tail}"

    # ---- Intake: business support logs the three referrals (after A's cut-off, before A's pack is due).
    clock.set(cutoff + timedelta(hours=2))
    _switch_user(page, f"{base}/panels/inbox/", staff, devices[staff.pk])
    expect(page.get_by_role("heading", name="Panel inbox")).to_be_visible()
    assert_no_axe_violations(page, "inbox")
    expect(page.locator("[data-inbox] tbody tr")).to_have_count(3)
    for referral in referrals:
        page.get_by_role(
            "button",
            name=f"Log and give an ESMAP number to the referral of {referral.family.reference}",
        ).click()
        expect(_flash(page)).to_contain_text("Logged as ESMAP-2027-")
        assert_no_axe_violations(page, f"inbox after logging {referral.family.reference}")
    expect(page.get_by_text("No referrals are waiting.")).to_be_visible()
    cases = [PanelCase.objects.get(referral=r) for r in referrals]
    first, second, late = cases
    assert [c.esmap_number for c in cases] == [
        "ESMAP-2027-0001",
        "ESMAP-2027-0002",
        "ESMAP-2027-0003",
    ]
    assert [c.meeting_id for c in cases] == [meeting_a.pk, meeting_a.pk, meeting_b.pk]
    logged = page.locator("[data-logged]")
    for case, day in (
        (first, "Thursday 4 March 2027"),
        (second, "Thursday 4 March 2027"),
        (late, "Thursday 18 March 2027"),
    ):
        expect(logged.get_by_role("row", name=re.compile(case.esmap_number))).to_contain_text(day)

    # ---- A member tries the pack before it is published: nothing of the cases is shown.
    seat1, member1 = members[0]
    seat2, member2 = members[1]
    _switch_user(page, meeting_url(meeting_a, "pack/"), member1, devices[member1.pk])
    expect(page.locator("[data-not-published]")).to_contain_text("This pack is not published yet")
    expect(page.locator("[data-referral]")).to_have_count(0)
    main = page.locator("main")
    for case in (first, second):
        expect(main).not_to_contain_text(case.esmap_number)
        for name in _child_names(case):
            expect(main).not_to_contain_text(name)
    visit(page, meeting_url(meeting_a))
    expect(page.locator("[data-not-published]")).to_contain_text("not published yet")
    expect(page.get_by_role("button", name="Publish the pack to members")).to_have_count(0)

    # ---- Business support publishes the pack.
    _switch_user(page, meeting_url(meeting_a), staff, devices[staff.pk])
    expect(page.locator("[data-pack-status]")).to_contain_text("Not published yet")
    page.get_by_role("button", name="Publish the pack to members").click()
    expect(_flash(page)).to_contain_text("The pack is published")
    expect(page.locator("[data-pack-status]")).to_contain_text("Published")
    assert_no_axe_violations(page, "meeting A after publishing")

    # ---- The member opens the pack: watermarked with their name, read-only.
    _switch_user(page, meeting_url(meeting_a, "pack/"), member1, devices[member1.pk])
    expect(
        page.get_by_role(
            "heading", name=re.compile("Pack for the meeting on Thursday 4 March 2027")
        )
    ).to_be_visible()
    expect(page.locator("[data-viewer]")).to_contain_text("Opened by Member1 Seat")
    watermark = page.locator("[data-watermark] .pack-watermark__text")
    expect(watermark.first).to_have_attribute("data-text", re.compile(r"^Member1 Seat \d"))
    expect(watermark.first).to_be_visible()
    expect(page.locator("[data-referral]")).to_have_count(2)
    expect(page.get_by_role("heading", name=first.esmap_number, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=late.esmap_number, exact=True)).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main textarea, main input:not([type=hidden]), main select")).to_have_count(
        0
    )
    # A write as a member is refused (valid CSRF token: the 403 is the permission check).
    for url, data in (
        (meeting_url(meeting_a, "publish/"), {}),
        (meeting_url(meeting_a, f"cases/{first.pk}/decision/"), {"kind": "decline", "reason": "x"}),
        (
            meeting_url(meeting_a, "attendance/"),
            {"user_id": member1.pk, "role": "member", "change": "arrived"},
        ),
    ):
        response = _csrf_post(page, url, data)
        assert response.status == 403, (url, response.status)
        assert "CSRF" not in response.text()

    # ---- Two members record what their agency knows.
    for (seat, member), text in (
        ((seat1, member1), "Known to us: two missed appointments last term."),
        ((seat2, member2), "Known to us: the family was supported in 2025."),
    ):
        if member is not member1:
            _switch_user(page, meeting_url(meeting_a), member, devices[member.pk])
        else:
            visit(page, meeting_url(meeting_a))
        page.get_by_role(
            "link", name=f"Record what your agency knows about {first.esmap_number}"
        ).click()
        expect(
            page.get_by_role("heading", name=f"What {seat.agency.name} knows about this family")
        ).to_be_visible()
        assert_no_axe_violations(page, f"response page for {seat.agency.name}")
        page.get_by_role("group", name="Is this family known to your agency?").get_by_label(
            "Yes", exact=True
        ).check()
        page.get_by_label("What does your agency know?").fill(text)
        page.get_by_role("button", name="Save your agency's response").click()
        expect(_flash(page)).to_contain_text(
            f"Your agency's response on {first.esmap_number} is saved"
        )
        assert_no_axe_violations(page, f"meeting A after {seat.agency.name} responded")
    visit(page, meeting_url(meeting_a, "pack/"))
    section = page.locator(f"#case-{first.pk}")
    expect(section).to_contain_text("Known to us: two missed appointments last term.")
    expect(section).to_contain_text("Known to us: the family was supported in 2025.")

    # ---- Meeting day: the chair runs the meeting.
    clock.set(_at(MEETING_A, 13, 35))
    _switch_user(page, meeting_url(meeting_a), chair, devices[chair.pk])
    tracker = page.locator(f'[data-tracker="{first.esmap_number}"]')
    expect(tracker).to_contain_text("3 seats not yet responded")
    expect(tracker.get_by_role("row", name=re.compile(seat1.agency.name))).to_contain_text("Known")
    expect(page.locator('[data-quorum="inquorate"]')).to_contain_text(
        "The chair or deputy is not here; 0 members are here."
    )

    def arrive(user):
        row = page.locator("[data-attendance] tbody tr").filter(has_text=user.get_full_name())
        row.get_by_role("button", name=re.compile("^Mark as arrived")).click()
        expect(_flash(page)).to_contain_text(f"{user.get_full_name()} is here")
        assert_no_axe_violations(page, f"meeting A after {user.username} arrived")

    arrive(chair)
    for _seat, member in members[:3]:
        arrive(member)
    expect(page.locator('[data-quorum="inquorate"]')).to_contain_text(
        "Not quorate: the chair or deputy and at least 4 members must be present. 3 members are here."
    )
    # A decision while inquorate is refused, with why.
    page.get_by_role("link", name=f"Record the decision on {second.esmap_number}").click()
    expect(
        page.get_by_role("heading", name=f"The panel's decision on {second.esmap_number}")
    ).to_be_visible()
    assert_no_axe_violations(page, "decision page (inquorate)")
    page.get_by_label("Declined", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Needs are met by school and the family hub.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("3 members are here")
    assert_no_axe_violations(page, "decision refused while inquorate")
    second.refresh_from_db()
    assert second.status == PanelCase.Status.LOGGED
    assert not [m for m in LoggingBackend.outbox if m.template == "panel_outcome"]

    # The fourth member arrives: quorate.
    visit(page, meeting_url(meeting_a))
    arrive(members[3][1])
    expect(page.locator('[data-quorum="quorate"]')).to_contain_text(
        "Quorate: the chair or deputy and 4 members are here."
    )

    # Decisions: a lead agency for the first, declined with a reason for the second.
    page.get_by_role("link", name=f"Record the decision on {first.esmap_number}").click()
    assert_no_axe_violations(page, "decision page (quorate)")
    page.get_by_label("Lead agency for the Team Around the Family", exact=True).check()
    page.get_by_label("Lead agency (or the single agency)").select_option(label=lead_agency.name)
    page.get_by_label("Discussion notes").fill("School and health agree the family needs a TAF.")
    page.get_by_role("button", name="Record the decision").click()
    expect(_flash(page)).to_contain_text(f"{first.esmap_number}: Lead agency")
    assert_no_axe_violations(page, "meeting A after the first decision")
    page.get_by_role("link", name=f"Record the decision on {second.esmap_number}").click()
    page.get_by_label("Declined", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Needs are met by school and the family hub.")
    page.get_by_role("button", name="Record the decision").click()
    expect(_flash(page)).to_contain_text(f"{second.esmap_number}: Declined")
    expect(page.locator("[data-decided]")).to_contain_text(first.esmap_number)
    expect(page.locator("[data-decided]")).to_contain_text(second.esmap_number)
    expect(page.get_by_text("No cases are waiting for a decision.")).to_be_visible()
    assert_no_axe_violations(page, "meeting A after the decisions")
    for case in cases:
        case.refresh_from_db()
    assert (first.status, second.status, late.status) == ("decided", "closed", "logged")

    # The referrers are told the outcome, with no child's name in the message.
    outcomes = [m for m in LoggingBackend.outbox if m.template == "panel_outcome"]
    assert sorted((m.reference, m.to) for m in outcomes) == sorted(
        (c.esmap_number, c.referral.submitted_by.email) for c in (first, second)
    )
    for message in outcomes:
        assert message.personalisation["meeting_date"] == "4 March 2027"
        text = " ".join(str(v) for v in message.personalisation.values())
        for case in (first, second):
            for name in _child_names(case):
                for part in name.split():
                    # As a whole word: a Faker name such as "Marc" is inside "March".
                    assert not re.search(rf"\b{re.escape(part)}\b", text), (part, text)

    # ---- Between meetings the lead agency allocates the lead professional.
    clock.set(_at(MEETING_A + timedelta(days=2), 10))
    _switch_user(page, f"{base}/panels/cases/{first.pk}/", manager, devices[manager.pk])
    assert_no_axe_violations(page, "case overview before allocation")
    page.get_by_role("link", name="Allocate the lead professional").click()
    expect(page.get_by_role("heading", name="Allocate the lead professional")).to_be_visible()
    assert_no_axe_violations(page, "allocate page")
    page.get_by_label("Who is the lead professional?").select_option(
        label=f"Lena Lead, {worker.team.name}"
    )
    page.get_by_role("button", name="Allocate the lead professional").click()
    expect(_flash(page)).to_contain_text(f"Lead professional allocated for {first.esmap_number}")
    expect(page.get_by_role("definition").filter(has_text="Lena Lead")).to_be_visible()
    assert_no_axe_violations(page, "case overview after allocation")
    first.refresh_from_db()
    assert first.status == PanelCase.Status.ALLOCATED

    # ---- Meeting B's agenda reports the allocation once (with the late referral as a new case) ...
    _switch_user(page, meeting_url(meeting_b), staff, devices[staff.pk])
    expect(page.locator('[data-agenda-section="2"]')).to_contain_text(late.esmap_number)
    allocated_b = page.locator('[data-agenda-section="3"]')
    expect(allocated_b).to_contain_text(first.esmap_number)
    expect(allocated_b).to_contain_text(
        f"Lead agency {lead_agency.name}: lead professional allocated"
    )
    # ... and it is gone from meeting C's.
    visit(page, meeting_url(meeting_c))
    expect(page.locator('[data-agenda-section="3"]')).not_to_contain_text(first.esmap_number)
    expect(page.locator('[data-agenda-section="3"]')).to_contain_text("None.")

    # ---- After meeting B the lead professional sends the closure form: from the panel case to
    # the family's episode, where the one closure form is (ADR 0016). The work done is recorded.
    clock.set(_at(MEETING_B + timedelta(days=6), 11))
    episode = Episode.objects.get(panel_case=first)
    ContactFactory(episode=episode, happened_on=episode.started_on, recorded_by=worker)
    _switch_user(page, f"{base}/panels/cases/{first.pk}/", worker, devices[worker.pk])
    page.get_by_role("link", name="Go to the episode").click()
    page.get_by_role("link", name="Send the closure form").click()
    expect(page.get_by_role("heading", name="Close the episode")).to_be_visible()
    assert_no_axe_violations(page, "closure form")
    page.get_by_role("group", name="Why is the work ending?").get_by_label("Needs met").check()
    page.get_by_label("Outcomes achieved").fill("The TAF agreed the plan is complete.")
    page.get_by_label("Exit plan").fill("School keeps in touch.")
    page.get_by_role("button", name="Send the closure form").click()
    expect(_flash(page)).to_contain_text("Closure form sent to the panel")
    assert_no_axe_violations(page, "episode after the closure form")
    closure = ClosureRequest.objects.get(case=first)
    assert closure.meeting_id == meeting_c.pk

    # ---- At meeting C (quorate: set up through the services) the chair confirms the closure.
    clock.set(_at(MEETING_C, 13, 40))
    for user, role, seat in [(chair, MeetingAttendance.Role.CHAIR, None)] + [
        (member, MeetingAttendance.Role.MEMBER, seat) for seat, member in members[:4]
    ]:
        services.attendance_record_arrival(
            actor=staff, meeting=meeting_c, user=user, role=role, seat=seat
        )
    _switch_user(page, meeting_url(meeting_c), chair, devices[chair.pk])
    expect(page.locator('[data-agenda-section="4"]')).to_contain_text(first.esmap_number)
    expect(page.locator('[data-quorum="quorate"]')).to_be_visible()
    page.get_by_role("link", name=f"Confirm or return the closure of {first.esmap_number}").click()
    expect(page.get_by_role("heading", name=f"Case closure: {first.esmap_number}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The TAF agreed the plan is complete.")
    assert_no_axe_violations(page, "closure decision page")
    page.get_by_role("button", name="Confirm the case is closed").click()
    expect(_flash(page)).to_contain_text(f"{first.esmap_number} is closed")
    expect(page.get_by_text("No case closures are waiting.")).to_be_visible()
    assert_no_axe_violations(page, "meeting C after the closure")
    first.refresh_from_db()
    assert first.status == PanelCase.Status.CLOSED
    assert ClosureRequest.objects.get(pk=closure.pk).status == ClosureRequest.Status.CONFIRMED
    visit(page, f"{base}/panels/cases/{first.pk}/")
    expect(page.locator("[data-status]")).to_have_text("Closed")
