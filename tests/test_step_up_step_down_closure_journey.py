"""Browser journey for one case lifecycle (ADR 0016): a panel case's episode is stepped up to
children's social care and stepped down again, the plan is carried over, and the closure is sent
from the new episode and confirmed by a quorate panel. At every step the episode's and the panel
case's statuses agree, and each record links to the other.

Set-up that is not the point goes through the services: the case is logged, decided at a quorate
meeting and allocated (which opens the first episode), the family's plan has one outcome achieved
and one still to do, and the quorum on the closure's meeting. Time is set with time-machine (the
panel journey's ``Clock``). axe-core checks every page visited.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from casework.models import Episode, EpisodeOversight, FamilyPlan, PlanAction, PlanOutcome
from casework.oversight import episode_oversight_record
from casework.tests.factories import ContactFactory
from casework.tests.factories_plans import make_action, make_outcome, make_plan
from panel import services as panel_services
from panel.models import ClosureRequest, MeetingAttendance, PanelCase, PanelMeeting
from panel.tests.factories import panel_referral
from tests.browser import assert_no_axe_violations, fill_date, visit
from tests.test_panel_meeting_journey import (
    Clock,
    _at,
    _flash,
    _people_and_panel,
    _switch_user,
)

MEETING_A = date(2027, 3, 4)
STEPPED_UP = "Stepped up to children’s social care"


@pytest.fixture
def clock():
    clock = Clock()
    yield clock
    clock.stop()


def _quorate(staff, meeting, chair, members):
    panel_services.attendance_record_arrival(
        actor=staff, meeting=meeting, user=chair, role=MeetingAttendance.Role.CHAIR
    )
    for seat, member in members[:4]:
        panel_services.attendance_record_arrival(
            actor=staff, meeting=meeting, user=member, role=MeetingAttendance.Role.MEMBER, seat=seat
        )


def _row(page, key: str):
    return page.locator(".govuk-summary-list__row").filter(has_text=key).first


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_step_up_step_down_closure_journey(live_server, page, clock):
    panel, chair, staff, members, lead_agency, manager, worker = _people_and_panel(clock)
    leader = UserFactory(
        username="es.leader",
        first_name="Tess",
        last_name="Leader",
        team=worker.team,
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
    )
    meeting_a = PanelMeeting.objects.get(panel=panel, date=MEETING_A)
    referral = panel_referral(panel, meeting_a.referral_cutoff - timedelta(days=2))
    clock.set(meeting_a.referral_cutoff + timedelta(hours=2))
    case = panel_services.panel_case_log(actor=staff, referral=referral)
    clock.set(_at(MEETING_A, 13, 35))
    _quorate(staff, meeting_a, chair, members)
    panel_services.panel_decision_record(
        actor=chair, meeting=meeting_a, case=case, kind="lead_agency", lead_agency=lead_agency
    )
    started = MEETING_A + timedelta(days=1)
    clock.set(_at(started, 10))
    panel_services.lead_professional_allocate(actor=manager, case=case, lead_professional=worker)
    first = Episode.objects.get(panel_case=case)
    plan = make_plan(episode=first, contingency="A strategy discussion if things get worse")
    to_do = make_outcome(
        plan=plan, need="School attendance is low", outcome_family_words="We get to school"
    )
    make_outcome(
        plan=plan,
        need="Bedtimes",
        outcome_family_words="Bedtimes are calm",
        progress=PlanOutcome.Progress.ACHIEVED,
    )
    make_action(outcome=to_do, what="A morning routine chart", by_when=date(2027, 6, 30))
    make_action(
        outcome=to_do, what="Meet the head teacher", by_when=started, status=PlanAction.Status.DONE
    )
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (chair, leader, worker)}
    base = live_server.url
    first_url = f"{base}/casework/episodes/{first.pk}/"
    case_url = f"{base}/panels/cases/{case.pk}/"

    # ---- The lead professional's manager has agreed to the step up (seed 001 §9; the oversight
    # page itself is the casework journey's).
    clock.set(_at(date(2027, 3, 15), 11))
    episode_oversight_record(
        actor=manager,
        episode=first,
        kind=EpisodeOversight.Kind.AGREE_STEP_UP,
        text="Agreed: the disclosure meets the threshold.",
    )

    # ---- The lead professional steps the family up: the level and the panel case follow.
    clock.set(_at(date(2027, 3, 15), 14))
    _switch_user(page, first_url, worker, devices[worker.pk])
    expect(_row(page, "Panel case")).to_contain_text(f"{case.esmap_number}: Lead professional")
    page.get_by_role("link", name="Step up to children’s social care").click()
    assert_no_axe_violations(page, "step up page")
    page.get_by_label("Why is the family being stepped up?").fill(
        "Disclosure at school; strategy discussion requested."
    )
    page.get_by_role("button", name="Step up").click()
    expect(_flash(page)).to_contain_text(STEPPED_UP)
    expect(_row(page, "Status").locator("dd").first).to_have_text(STEPPED_UP)
    expect(_row(page, "Level of need")).to_contain_text("Social care")
    expect(_row(page, "Panel case")).to_contain_text(f"{case.esmap_number}: {STEPPED_UP}")
    assert_no_axe_violations(page, "episode after the step up")
    page.get_by_role("link", name="View the panel case").click()
    expect(page.locator("[data-status]")).to_have_text(STEPPED_UP)
    assert_no_axe_violations(page, "panel case, stepped up")

    # ---- The team leader steps the family down: same case, the plan carried over, stage 2.
    step_down_day = date(2027, 5, 4)
    clock.set(_at(step_down_day, 10))
    _switch_user(page, first_url, leader, devices[leader.pk])
    page.get_by_role("link", name="Step down into a new episode").click()
    expect(page.get_by_role("heading", name="Step down into a new episode")).to_be_visible()
    assert_no_axe_violations(page, "step down page")
    page.get_by_label("Lead agency").select_option(label=lead_agency.name)
    page.get_by_label("Lead professional").select_option(label="Lena Lead")
    page.get_by_role("group", name="Level of need").get_by_label("Extra help").check()
    page.get_by_role("group", name="Offer").get_by_label("Targeted family intervention").check()
    fill_date(page, "Start date", step_down_day)
    carry = page.get_by_role("group", name="Carry the family’s plan over to the new episode?")
    expect(carry).to_contain_text("1 outcome not yet achieved and 1 action still to do")
    carry.get_by_label("Yes, carry them over").check()
    page.get_by_role("group", name="Which stage does the work start at?").get_by_label(
        "2. Addressing concerns"
    ).check()
    page.get_by_label("Why is the family being stepped down?").fill(
        "Social care assessment complete: early help to carry on."
    )
    page.get_by_role("button", name="Open the new episode").click()
    expect(_flash(page)).to_contain_text("Stepped down: a new episode is open")
    assert_no_axe_violations(page, "the stepped-down episode")
    second = Episode.objects.get(previous=first)
    second_url = f"{base}/casework/episodes/{second.pk}/"
    assert (second.panel_case_id, second.assessment_id, second.stage) == (
        case.pk,
        first.assessment_id,
        2,
    )
    expect(_row(page, "Level of need")).to_contain_text("Extra help")
    expect(_row(page, "Panel case")).to_contain_text(
        f"{case.esmap_number}: Lead professional allocated"
    )
    expect(page.locator("ol li").filter(has_text="Current stage")).to_contain_text(
        "2. Addressing concerns"
    )
    page.get_by_role("link", name="The family plan and reviews").click()
    main = page.locator("main")
    expect(main).to_contain_text("We get to school")
    expect(main).to_contain_text("A morning routine chart")
    expect(main).not_to_contain_text("Bedtimes are calm")
    expect(main).not_to_contain_text("Meet the head teacher")
    assert_no_axe_violations(page, "the carried-over plan")
    assert FamilyPlan.objects.get(episode=first).outcomes.count() == 2

    # ---- The closure form: refused with no work recorded on this episode, then sent.
    close_day = date(2027, 6, 1)
    clock.set(_at(close_day, 15))
    _switch_user(page, second_url, worker, devices[worker.pk])
    page.get_by_role("link", name="Send the closure form").click()
    assert_no_axe_violations(page, "closure form")

    def send_closure():
        page.get_by_role("group", name="Why is the work ending?").get_by_label("Needs met").check()
        page.get_by_label("Outcomes achieved").fill("Attendance above 95%.")
        page.get_by_label("Exit plan").fill("School keeps in touch.")
        page.get_by_role("button", name="Send the closure form").click()

    send_closure()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("No contact or Team Around the Family meeting is recorded")
    expect(page.get_by_label("Exit plan")).to_have_value("School keeps in touch.")
    assert_no_axe_violations(page, "closure refused with no work recorded")
    ContactFactory(episode=second, happened_on=close_day, recorded_by=worker)
    send_closure()
    expect(_flash(page)).to_contain_text("Closure form sent to the panel")
    expect(_row(page, "Status")).to_contain_text("Closure sent to the panel")
    expect(_row(page, "Panel case")).to_contain_text(f"{case.esmap_number}: Closure requested")
    assert_no_axe_violations(page, "episode with its closure at the panel")
    closure = ClosureRequest.objects.get(case=case)

    # ---- A quorate panel confirms it.
    clock.set(_at(closure.meeting.date, 13, 40))
    _quorate(staff, closure.meeting, chair, members)
    _switch_user(
        page, f"{base}/panels/{panel.pk}/meetings/{closure.meeting.pk}/", chair, devices[chair.pk]
    )
    page.get_by_role("link", name=f"Confirm or return the closure of {case.esmap_number}").click()
    expect(page.locator("main")).to_contain_text("School keeps in touch.")
    assert_no_axe_violations(page, "closure decision page")
    page.get_by_role("button", name="Confirm the case is closed").click()
    expect(_flash(page)).to_contain_text(f"{case.esmap_number} is closed")

    # ---- Every status agrees: the case and the new episode closed, the first still stepped up.
    _switch_user(page, second_url, worker, devices[worker.pk])
    expect(_row(page, "Status")).to_contain_text("Closed: Needs met")
    expect(_row(page, "Panel case")).to_contain_text(f"{case.esmap_number}: Closed")
    chain = page.locator("ol li").filter(has_text="Episode started")
    expect(chain).to_contain_text(STEPPED_UP)
    assert_no_axe_violations(page, "closed episode")
    visit(page, case_url)
    expect(page.locator("[data-status]")).to_have_text("Closed")
    second.refresh_from_db()
    first.refresh_from_db()
    case.refresh_from_db()
    assert (first.status, second.status, case.status) == (
        Episode.Status.STEPPED_UP,
        Episode.Status.CLOSED,
        PanelCase.Status.CLOSED,
    )
