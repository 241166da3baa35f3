"""Browser journeys for Team Around the Family casework (episodes, the family plan, reviews,
stages, closure at the panel, and step up then step down).

1. A whole targeted episode: the panel decided a lead agency (set up through the services); the
   lead agency's manager allocates the lead professional, which opens the episode; the lead
   professional records the first TAF meeting, starts the plan with three outcomes each with an
   action, records review 1 on time; review 2 is late and shows as overdue (caseload and plan)
   until it is recorded; stages 2, 3 and 4 in order; the closure form goes to the next panel
   meeting, where the chair confirms it and the episode is closed.
2. A second family is stepped up to children's social care mid-episode (the step up reaches each
   child's chronology) and later stepped down by an early support team leader into a new episode
   linked to the first; the child's chronology still shows the step up.

Time is set with time-machine (the panel journey's ``Clock``), so the panel, casework and every
other module read the same moment; the live server runs in this process, so its thread sees it
too. axe-core checks every page visited.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from casework import services as casework_services
from casework.models import Episode, PlanReview
from core.models import Agency, NeedLevel, Team
from panel import services as panel_services
from panel.models import ClosureRequest, MeetingAttendance, PanelCase, PanelMeeting
from panel.tests.factories import panel_referral
from people.models import ChronologyEntry, FamilyMember
from people.tests.factories import family_with_members
from tests.browser import assert_no_axe_violations, visit
from tests.test_panel_meeting_journey import (
    Clock,
    _at,
    _flash,
    _people_and_panel,
    _switch_user,
)

MEETING_A = date(2027, 3, 4)  # the tiny pack's panel meets every other Thursday, 1:30pm
STEP_UP = "Stepped up to children’s social care"


@pytest.fixture
def clock():
    clock = Clock()
    yield clock
    clock.stop()


def _fill_date(page: Page, group: str, value: date) -> None:
    fieldset = page.get_by_role("group", name=re.compile(group))
    fieldset.get_by_label("Day").fill(str(value.day))
    fieldset.get_by_label("Month").fill(str(value.month))
    fieldset.get_by_label("Year").fill(str(value.year))


def _overdue_warning(page: Page):
    return page.locator(".govuk-warning-text")


# ---------------------------------------------------------------- 1. a whole targeted episode


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_targeted_episode_journey(live_server, page, clock):
    panel, chair, staff, members, lead_agency, manager, worker = _people_and_panel(clock)
    meeting_a = PanelMeeting.objects.get(panel=panel, date=MEETING_A)
    referral = panel_referral(panel, meeting_a.referral_cutoff - timedelta(days=2))
    # Set-up (not the point): the case is logged and decided at a quorate meeting A.
    clock.set(meeting_a.referral_cutoff + timedelta(hours=2))
    case = panel_services.panel_case_log(actor=staff, referral=referral)
    clock.set(_at(MEETING_A, 13, 35))
    panel_services.attendance_record_arrival(
        actor=staff, meeting=meeting_a, user=chair, role=MeetingAttendance.Role.CHAIR
    )
    for seat, member in members[:4]:
        panel_services.attendance_record_arrival(
            actor=staff,
            meeting=meeting_a,
            user=member,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )
    panel_services.panel_decision_record(
        actor=chair,
        meeting=meeting_a,
        case=case,
        kind="lead_agency",
        lead_agency=lead_agency,
        discussion="The family needs a Team Around the Family.",
    )
    case.refresh_from_db()
    assert case.status == PanelCase.Status.DECIDED
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (chair, manager, worker)}
    base = live_server.url

    # ---- The lead agency's manager allocates the lead professional: the episode opens.
    started = MEETING_A + timedelta(days=2)
    clock.set(_at(started, 10))
    _switch_user(page, f"{base}/panels/cases/{case.pk}/", manager, devices[manager.pk])
    page.get_by_role("link", name="Allocate the lead professional").click()
    expect(page.get_by_role("heading", name="Allocate the lead professional")).to_be_visible()
    assert_no_axe_violations(page, "allocate page")
    page.get_by_label("Who is the lead professional?").select_option(
        label=f"Lena Lead, {worker.team.name}"
    )
    page.get_by_role("button", name="Allocate the lead professional").click()
    expect(_flash(page)).to_contain_text(f"Lead professional allocated for {case.esmap_number}")
    assert_no_axe_violations(page, "case overview after allocation")
    episode = Episode.objects.get(panel_case=case)
    assert (episode.status, episode.stage, episode.started_on) == (Episode.Status.OPEN, 1, started)
    assert episode.lead_professional == worker and episode.offer == Episode.Offer.TARGETED
    family = episode.family
    episode_url = f"{base}/casework/episodes/{episode.pk}/"
    plan_url = f"{episode_url}plan/"
    caseload_url = f"{base}/casework/caseload/"

    # ---- The lead professional opens their caseload and the episode.
    _switch_user(page, caseload_url, worker, devices[worker.pk])
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    row = page.locator("tbody tr").filter(has_text=family.reference)
    expect(row).to_contain_text("1. Engagement")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
    status_row = page.locator(".govuk-summary-list__row").filter(has_text="Status")
    expect(status_row.first).to_contain_text("Open")
    expect(page.get_by_text("Current stage")).to_be_visible()
    assert_no_axe_violations(page, "episode page")

    # ---- The first TAF meeting.
    taf_day = started + timedelta(days=7)
    clock.set(_at(taf_day, 16))
    # A week on, the session has long ended (idle and absolute limits): they sign in again.
    _switch_user(page, episode_url, worker, devices[worker.pk])
    page.get_by_role("link", name="Record a Team Around the Family meeting").click()
    expect(
        page.get_by_role("heading", name="Record a Team Around the Family meeting")
    ).to_be_visible()
    assert_no_axe_violations(page, "TAF meeting page")
    _fill_date(page, "Date of the meeting", taf_day)
    page.get_by_role("group", name="Family members who came").get_by_role("checkbox").first.check()
    # Professionals on the record are chosen (the lead professional first); others are typed.
    page.get_by_role("group", name="Professionals who came").get_by_role("checkbox").first.check()
    page.get_by_label("Anyone else who came").fill(
        "Sam Nurse, Vale Health\nAlex Teacher, Vale schools"
    )
    page.get_by_label("Decisions").fill("Agree a family plan around school, sleep and money.")
    _fill_date(page, "Date of the next meeting", taf_day + timedelta(weeks=6))
    page.get_by_role("button", name="Save the meeting").click()
    expect(_flash(page)).to_contain_text("Meeting recorded")
    expect(page.locator("main")).to_contain_text(
        "Agree a family plan around school, sleep and money."
    )
    assert_no_axe_violations(page, "episode after the TAF meeting")

    # ---- The plan: three outcomes, each with an action.
    page.get_by_role("link", name="The family plan and reviews").click()
    expect(page.get_by_role("heading", name="Family plan")).to_be_visible()
    assert_no_axe_violations(page, "plan page before the plan")
    page.get_by_role("button", name="Start the family plan").click()
    expect(_flash(page)).to_contain_text("Family plan started")
    assert_no_axe_violations(page, "plan page, plan started")
    outcomes = [
        (
            "Attendance at school is low",
            "The children go to school every day",
            "Walk to school together",
        ),
        ("Bedtimes are late", "Everyone sleeps better", "Set a bedtime routine chart"),
        ("Rent arrears", "We are on top of the bills", "Book a money advice appointment"),
    ]
    action_due = date(2027, 12, 1)  # not overdue during the journey: only the review is late
    for number, (need, family_words, action) in enumerate(outcomes, start=1):
        page.get_by_role("link", name="Add an outcome").click()
        expect(page.get_by_role("heading", name="Add an outcome")).to_be_visible()
        if number == 1:
            assert_no_axe_violations(page, "add an outcome page")
        page.get_by_label("The need").fill(need)
        page.get_by_label("The outcome, in the family’s words").fill(family_words)
        page.get_by_role("button", name="Add outcome").click()
        expect(_flash(page)).to_contain_text("Outcome added")
        expect(
            page.get_by_role("heading", name=f"Outcome {number}: {family_words}")
        ).to_be_visible()
        page.get_by_role("link", name=f"Add an action to outcome {number}").click()
        expect(page.get_by_role("heading", name="Add an action")).to_be_visible()
        if number == 1:
            assert_no_axe_violations(page, "add an action page")
        page.get_by_label("What will be done").fill(action)
        # Who does it is chosen from the record; free text only for someone else.
        page.get_by_role("group", name="Who will do it").get_by_label("Someone else").check()
        page.get_by_label("If someone else, who").fill("Mum and the family worker")
        _fill_date(page, "By when", action_due)
        page.get_by_role("button", name="Add action").click()
        expect(page.locator("main")).to_contain_text(action)
    expect(page.get_by_role("heading", name=re.compile(r"^Outcome \d"))).to_have_count(3)
    assert_no_axe_violations(page, "plan with three outcomes")
    review_1 = PlanReview.objects.get(episode=episode, held_on__isnull=True)
    assert review_1.due_on == started + timedelta(weeks=6)
    expect(page.locator("main")).to_contain_text(f"Next review due: {review_1.due_on:%-d %B %Y}")
    expect(_overdue_warning(page)).to_have_count(0)

    # ---- Review 1, on time.
    held_1 = review_1.due_on - timedelta(days=2)
    clock.set(_at(held_1, 11))
    _switch_user(page, plan_url, worker, devices[worker.pk])
    expect(_overdue_warning(page)).to_have_count(0)
    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    assert_no_axe_violations(page, "review page (review 1)")
    _fill_date(page, "When was the review held", held_1)
    page.get_by_role("group", name=re.compile("^Outcome 1:")).get_by_label("Some progress").check()
    page.get_by_label("The family’s views").fill("Mornings are calmer.")
    page.get_by_role("button", name="Record review").click()
    expect(_flash(page)).to_contain_text("Review recorded")
    assert_no_axe_violations(page, "plan after review 1")
    review_2 = PlanReview.objects.get(episode=episode, held_on__isnull=True)
    assert review_2.due_on == held_1 + timedelta(weeks=6)
    held_heading = f"Held {held_1:%-d %B %Y} (due {review_1.due_on:%-d %B %Y})"
    expect(page.get_by_role("heading", name=held_heading)).to_be_visible()

    # ---- Review 2 is late: overdue on the caseload and the plan until it is recorded.
    late_day = review_2.due_on + timedelta(days=5)
    clock.set(_at(late_day, 10))
    _switch_user(page, caseload_url, worker, devices[worker.pk])
    row = page.locator("tbody tr").filter(has_text=family.reference)
    expect(row).to_contain_text(f"{review_2.due_on:%-d %b %Y} Overdue")
    expect(row.locator(".govuk-tag--red")).to_have_count(
        2
    )  # the review's tag and the overdue count (1)
    visit(page, plan_url)
    expect(_overdue_warning(page)).to_contain_text(
        f"A review was due on {review_2.due_on:%-d %B %Y} and is overdue."
    )
    page.get_by_role("link", name="Record a review").click()
    assert_no_axe_violations(page, "review page (review 2)")
    _fill_date(page, "When was the review held", late_day)
    page.get_by_role("group", name=re.compile("^Outcome 1:")).get_by_label("Good progress").check()
    page.get_by_label("Progress notes").fill(
        "The children have been in school every day for five weeks."
    )
    page.get_by_role("button", name="Record review").click()
    expect(_flash(page)).to_contain_text("Review recorded")
    expect(_overdue_warning(page)).to_have_count(0)
    assert_no_axe_violations(page, "plan after review 2")
    visit(page, caseload_url)
    row = page.locator("tbody tr").filter(has_text=family.reference)
    expect(row).not_to_contain_text("Overdue")
    expect(row.locator(".govuk-tag--red")).to_have_count(0)
    review_3 = PlanReview.objects.get(episode=episode, held_on__isnull=True)
    expect(row).to_contain_text(f"{review_3.due_on:%-d %b %Y}")

    # ---- Stages 2, 3 and 4, in order.
    visit(page, episode_url)
    for stage in (2, 3, 4):
        page.get_by_role("link", name="Change the stage").click()
        expect(page.get_by_role("heading", name="Change the stage")).to_be_visible()
        if stage == 2:
            assert_no_axe_violations(page, "stage page")
        label = Episode.Stage(stage).label
        expect(page.get_by_label(label)).to_be_checked()  # the next stage is chosen for you
        page.get_by_role("button", name="Save the stage").click()
        expect(_flash(page)).to_contain_text("Stage changed")
        current = page.locator("ol li").filter(has_text="Current stage")
        expect(current).to_contain_text(label)
    assert_no_axe_violations(page, "episode at stage 4")
    episode.refresh_from_db()
    assert episode.stage == 4

    # ---- The closure form goes to the panel's next meeting.
    close_day = late_day + timedelta(days=1)
    clock.set(_at(close_day, 15))
    meeting_c = panel_services.next_meeting_after(panel.pk, close_day)
    _switch_user(page, episode_url, worker, devices[worker.pk])
    page.get_by_role("link", name="Send the closure form").click()
    expect(page.get_by_role("heading", name="Close the episode")).to_be_visible()
    assert_no_axe_violations(page, "closure form")
    page.get_by_role("group", name="Why is the work ending?").get_by_label("Needs met").check()
    page.get_by_label("Outcomes achieved").fill(
        "Attendance above 95%; bedtimes settled; arrears cleared."
    )
    page.get_by_label("Exit plan").fill("School and the family hub keep in touch.")
    page.get_by_role("button", name="Send the closure form").click()
    expect(_flash(page)).to_contain_text("Closure form sent")
    expect(
        page.locator(".govuk-summary-list__row").filter(has_text="Status").first
    ).to_contain_text("Closure sent to the panel")
    assert_no_axe_violations(page, "episode after the closure form")
    closure = ClosureRequest.objects.get(case=case)
    assert closure.meeting_id == meeting_c.pk

    # ---- At that meeting (quorate through the services) the chair confirms the closure.
    clock.set(_at(meeting_c.date, 13, 40))
    panel_services.attendance_record_arrival(
        actor=staff, meeting=meeting_c, user=chair, role=MeetingAttendance.Role.CHAIR
    )
    for seat, member in members[:4]:
        panel_services.attendance_record_arrival(
            actor=staff,
            meeting=meeting_c,
            user=member,
            role=MeetingAttendance.Role.MEMBER,
            seat=seat,
        )
    _switch_user(
        page, f"{base}/panels/{panel.pk}/meetings/{meeting_c.pk}/", chair, devices[chair.pk]
    )
    expect(page.locator('[data-quorum="quorate"]')).to_be_visible()
    page.get_by_role("link", name=f"Confirm or return the closure of {case.esmap_number}").click()
    expect(page.get_by_role("heading", name=f"Case closure: {case.esmap_number}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("School and the family hub keep in touch.")
    assert_no_axe_violations(page, "closure decision page")
    page.get_by_role("button", name="Confirm the case is closed").click()
    expect(_flash(page)).to_contain_text(f"{case.esmap_number} is closed")
    assert_no_axe_violations(page, "meeting after the closure")

    # ---- The episode is closed.
    _switch_user(page, episode_url, worker, devices[worker.pk])
    status_row = page.locator(".govuk-summary-list__row").filter(has_text="Status").first
    expect(status_row).to_contain_text("Closed: Needs met")
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Ended").first).to_contain_text(
        f"{meeting_c.date:%-d %B %Y}"
    )
    expect(page.get_by_role("link", name="Send the closure form")).to_have_count(0)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED and episode.ended_on == meeting_c.date
    visit(page, caseload_url)
    expect(page.get_by_text("No open episodes.")).to_be_visible()


# ---------------------------------------------------------------- 2. step up, then step down


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_step_up_and_step_down_journey(live_server, page, clock):
    from core.council_pack import load_council_pack

    load_council_pack("core/tests/packs/tiny.yaml")
    team = Team.objects.get(code="family-help-north")
    early_support = Agency.objects.get(code="family-help")
    worker = UserFactory(
        username="lead.worker",
        first_name="Lena",
        last_name="Lead",
        team=team,
        roles=[Role.LEAD_PROFESSIONAL],
    )
    leader = UserFactory(
        username="es.leader",
        first_name="Tess",
        last_name="Leader",
        team=team,
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
    )
    family = family_with_members(team=team, children=2, adults=1)
    child = family.members.filter(role=FamilyMember.Role.CHILD).order_by("pk").first().person
    extra_help = NeedLevel.objects.get(level=2)
    everyday = NeedLevel.objects.get(level=1)
    clock.set(_at(date(2027, 2, 1), 9))
    first = casework_services.episode_open(
        actor=leader,
        family=family,
        lead_professional=worker,
        lead_agency=early_support,
        need_level=extra_help,
        offer=Episode.Offer.TARGETED,
        started_on=date(2027, 2, 1),
    )
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (worker, leader)}
    base = live_server.url
    first_url = f"{base}/casework/episodes/{first.pk}/"
    person_url = f"{base}/people/{child.pk}/"

    # ---- A step up needs a manager's recorded agreement (seed 001 §9): the team leader records it.
    step_up_day = date(2027, 3, 10)
    clock.set(_at(step_up_day, 11))
    _switch_user(page, first_url, leader, devices[leader.pk])
    page.get_by_role("link", name="Add a management oversight note").click()
    expect(page.get_by_role("heading", name="Add a management oversight note")).to_be_visible()
    assert_no_axe_violations(page, "management oversight page")
    page.get_by_label("Agreement to a step up").check()
    page.get_by_label("Your note").fill(
        "Agreed: the disclosure meets the threshold for a referral."
    )
    page.get_by_role("button", name="Save the note").click()
    expect(_flash(page)).to_contain_text("Agreement to a step up recorded")
    expect(page.locator("#oversight + table")).to_contain_text("Not used yet")

    # ---- Mid-episode the lead professional steps the family up to children's social care.
    clock.set(_at(step_up_day, 14))
    _switch_user(page, first_url, worker, devices[worker.pk])
    expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
    page.get_by_role("link", name="Step up to children’s social care").click()
    expect(page.get_by_role("heading", name="Step up to children’s social care")).to_be_visible()
    assert_no_axe_violations(page, "step up page")
    page.get_by_label("Why is the family being stepped up?").fill(
        "Disclosure at school of harm at home; strategy discussion requested."
    )
    page.get_by_label("Children’s social care reference (if known)").fill("CSC-4411")
    page.get_by_role("button", name="Step up").click()
    expect(_flash(page)).to_contain_text(STEP_UP)
    status_row = page.locator(".govuk-summary-list__row").filter(has_text="Status").first
    expect(status_row.locator("dd").first).to_have_text(STEP_UP)  # not "…care: …care"
    history = page.locator("table").last
    expect(history).to_contain_text("Disclosure at school of harm at home")
    expect(history).to_contain_text("CSC-4411")
    expect(page.get_by_role("link", name="Step up to children’s social care")).to_have_count(0)
    assert_no_axe_violations(page, "episode after the step up")
    first.refresh_from_db()
    assert first.status == Episode.Status.STEPPED_UP and first.ended_on == step_up_day
    assert ChronologyEntry.objects.filter(person=child, summary=STEP_UP).count() == 1

    # The step up is on the child's chronology.
    visit(page, person_url)
    chronology = page.locator("#chronology")
    expect(chronology).to_contain_text(STEP_UP)

    # ---- Later the early support team leader steps the family down into a new episode.
    step_down_day = date(2027, 6, 2)
    clock.set(_at(step_down_day, 10))
    _switch_user(page, first_url, leader, devices[leader.pk])
    page.get_by_role("link", name="Step down into a new episode").click()
    expect(page.get_by_role("heading", name="Step down into a new episode")).to_be_visible()
    assert_no_axe_violations(page, "step down page")
    page.get_by_label("Lead agency").select_option(label=early_support.name)
    page.get_by_label("Lead professional").select_option(label="Lena Lead")
    page.get_by_role("group", name="Level of need").get_by_label(str(everyday.name)).check()
    page.get_by_role("group", name="Offer").get_by_label("Community Plus").check()
    _fill_date(page, "Start date", step_down_day)
    page.get_by_label("Why is the family being stepped down?").fill(
        "Social care assessment complete: no further statutory involvement."
    )
    page.get_by_role("button", name="Open the new episode").click()
    expect(_flash(page)).to_contain_text("Stepped down: a new episode is open")
    assert_no_axe_violations(page, "the new episode")
    second = Episode.objects.get(previous=first)
    assert second.status == Episode.Status.OPEN and second.started_on == step_down_day
    assert page.url.endswith(f"/casework/episodes/{second.pk}/")
    expect(page.get_by_role("heading", name="The chain of episodes")).to_be_visible()
    previous_link = page.get_by_role("link", name=f"Episode started {first.started_on:%-d %b %Y}")
    expect(previous_link).to_be_visible()
    expect(page.locator("ol li").filter(has=previous_link)).to_contain_text(STEP_UP)
    expect(page.locator("table").last).to_contain_text(
        "Stepped down: Social care assessment complete: no further statutory involvement."
    )
    # The link leads back to the first episode, which links forward.
    previous_link.click()
    expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
    expect(
        page.get_by_role("link", name=f"Episode started {second.started_on:%-d %b %Y}")
    ).to_be_visible()
    assert_no_axe_violations(page, "the first episode, linked forward")

    # The child's chronology still shows the step up from the first episode.
    visit(page, person_url)
    expect(page.locator("#chronology")).to_contain_text(STEP_UP)
