"""Browser journey for neglect as data, the drift and delay radar and supervision (issue 12).

A lead professional records a neglect concern for one of two children (two of Horwath's
categories) and the family's risk factors, then two "was not brought" contacts for that child;
the team manager runs the radar, which lists the family with the reasons in words, records a
supervision discussing the case and acknowledges the flag with a note; a new request for the same
child shows as a repeat referral at triage.

Time is set once, before anything is made, with time-machine (the panel journey's ``Clock``): the
live server runs in this process, so it reads the same moment, and the dates in the radar's and
the patterns' words are fixed. Time runs on from that moment and is never moved. axe-core checks
every page visited (``visit`` and ``assert_no_axe_violations``).
"""

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from casework.models import Contact
from casework.tests.factories import EpisodeFactory
from core.tests.factories import (
    AgencyFactory,
    AreaFactory,
    CouncilFactory,
    EarlySupportAgencyFactory,
    TeamFactory,
)
from neglect.models import NeglectConcern, NeglectObservation
from oversight.models import Supervision, SupervisionAction, SupervisionCase
from panel.calendar import LONDON
from patterns.tests.factories import request_for
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory
from radar.models import RadarFlag, RadarFlagHistory, RuleCode
from radar.tests.factories import RadarRuleFactory
from risk_factors.models import RiskFactor
from support_requests.models import SupportRequest
from support_requests.services.practitioner import support_request_submit_practitioner
from tests.browser import assert_no_axe_violations, fill_date, sign_in, visit
from tests.test_panel_meeting_journey import Clock

# Monday 1 February 2027, half past nine in London: the whole journey happens this morning.
MORNING = datetime(2027, 2, 1, 9, 30, tzinfo=LONDON)
TODAY = MORNING.date()
EPISODE_STARTED = date(2026, 11, 2)
EARLIER_REQUEST_AT = datetime(2026, 9, 7, 10, tzinfo=LONDON)
MISSED = (date(2027, 1, 12), date(2027, 1, 26))


@pytest.fixture
def clock():
    clock = Clock()
    yield clock
    clock.stop()


def _flash(page: Page):
    """The success message after a change."""
    return page.locator('.govuk-notification-banner[role="alert"]')


def _nav(page: Page, label: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=label)


def _switch_user(page: Page, url: str, user, device) -> None:
    """Sign out (clear the cookies) and sign in as ``user`` on their way to ``url``."""
    # Let the last page finish every request first: a response still in flight after the cookies
    # are cleared would set the previous user's session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    visit(page, url)
    sign_in(page, user, device)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Enter your security code")
    assert_no_axe_violations(page, f"{url} as {user.username}")


def _notice(page: Page, key: str):
    return page.locator(f'[data-notice="{key}"]')


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_neglect_radar_journey(live_server, page, clock):
    clock.set(MORNING)
    base = live_server.url

    # ---- Set-up (not the point): the people, the family, its episode, an earlier request.
    CouncilFactory()
    # The radar's was-not-brought rule as Kirklees sets it: 2 missed appointments within 12
    # weeks. It is the only rule in force, so the radar raises exactly one flag.
    RadarRuleFactory(code=RuleCode.WAS_NOT_BROUGHT)
    area = AreaFactory(name="North Vale")
    team = TeamFactory(
        name="Family Help North", agency=AgencyFactory(name="Family Help"), area=area
    )
    early_support = TeamFactory(
        name="Early Support North", agency=EarlySupportAgencyFactory(), area=area
    )
    worker = UserFactory(
        username="lead.professional",
        first_name="Lena",
        last_name="Lead",
        team=team,
        roles=[Role.LEAD_PROFESSIONAL],
    )
    manager = UserFactory(
        username="team.manager",
        first_name="Tom",
        last_name="Manager",
        team=team,
        roles=[Role.TEAM_MANAGER],
    )
    manager.managed_teams.add(team)
    leader = UserFactory(
        username="es.leader",
        first_name="Tess",
        last_name="Leader",
        team=early_support,
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
    )
    devices = {user.pk: TOTPDeviceFactory(user=user) for user in (worker, manager, leader)}

    family = FamilyFactory(team=team, surname="Carter")
    parent = AdultFactory(first_name="Kerry", last_name="Carter", date_of_birth=date(1994, 6, 3))
    amy = PersonFactory(first_name="Amy", last_name="Carter", date_of_birth=date(2024, 5, 14))
    ben = PersonFactory(first_name="Ben", last_name="Carter", date_of_birth=date(2020, 3, 2))
    FamilyMemberFactory(family=family, person=parent, role=FamilyMember.Role.PARENT_CARER)
    FamilyMemberFactory(family=family, person=amy, role=FamilyMember.Role.CHILD)
    FamilyMemberFactory(family=family, person=ben, role=FamilyMember.Role.CHILD)
    episode = EpisodeFactory(
        lead_professional=worker,
        family=family,
        lead_agency=team.agency,
        started_on=EPISODE_STARTED,
    )
    family_label = f"{family.name} ({family.reference})"
    # Amy's nursery asked for support in September (dealt with: single-agency support), 4 months
    # before today.
    nursery_worker = UserFactory(
        first_name="Nia",
        last_name="Nursery",
        team=TeamFactory(agency=AgencyFactory(name="Little Acorns Nursery"), area=area),
        roles=[Role.PRACTITIONER],
    )
    earlier = request_for(
        area=area,
        first_name="Amy",
        born=amy.date_of_birth,
        at=EARLIER_REQUEST_AT,
        family=family,
        source=SupportRequest.Source.PRACTITIONER,
        status=SupportRequest.Status.SINGLE_AGENCY,
        requester=nursery_worker,
        requester_name="Nia Nursery",
    )
    episode_url = f"{base}/casework/episodes/{episode.pk}/"

    # ---- The lead professional finds the episode from their caseload.
    _switch_user(page, f"{base}/", worker, devices[worker.pk])
    _nav(page, "Caseload").click()
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    assert_no_axe_violations(page, "lead professional's caseload")
    page.locator("tbody tr").filter(has_text=family.reference).get_by_role(
        "link", name=family_label
    ).click()
    expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
    expect(_notice(page, "neglect_current")).to_have_count(0)
    assert_no_axe_violations(page, "episode before any neglect is recorded")
    assert page.url == episode_url

    # ---- Risk and vulnerability factors, from the episode's notice.
    factors_notice = _notice(page, "risk_factors")
    expect(factors_notice).to_contain_text(
        "No risk or vulnerability factors are recorded as present."
    )
    factors_notice.get_by_role(
        "link", name="See and change the family’s risk and vulnerability factors"
    ).click()
    expect(page.get_by_role("heading", name="Risk and vulnerability factors")).to_be_visible()
    assert_no_axe_violations(page, "family's risk and vulnerability factors, none yet")
    for factor, about, noted_on, source, detail in (
        (
            "Parental mental health problems",
            "Kerry Carter (adult)",
            date(2026, 12, 15),
            "Another agency",
            "The GP: Kerry is being treated for depression.",
        ),
        ("Living in poverty", "No one in particular", date(2026, 11, 2), "The family", ""),
    ):
        page.get_by_role("link", name="Record a factor").click()
        expect(
            page.get_by_role("heading", name="Record a risk or vulnerability factor")
        ).to_be_visible()
        assert_no_axe_violations(page, f"record a factor page ({factor})")
        page.get_by_role("group", name="Which risk or vulnerability factor?").get_by_label(
            factor, exact=True
        ).check()
        page.get_by_label("Who is it about?").select_option(label=about)
        fill_date(page, "When was it first known", noted_on)
        page.get_by_role("group", name="Where did this come from?").get_by_label(
            source, exact=True
        ).check()
        if detail:
            page.get_by_label("Details of the source").fill(detail)
        page.get_by_role("button", name="Record factor").click()
        expect(_flash(page)).to_contain_text("Risk or vulnerability factor recorded")
        expect(page.locator("#present + table")).to_contain_text(factor)
        assert_no_axe_violations(page, f"factors after recording {factor}")
    factors = list(
        RiskFactor.objects.filter(family=family)
        .order_by("noted_on")
        .values_list("factor", "person_id", "noted_on", "source", "status", "recorded_by_id")
    )
    assert factors == [
        ("poverty", None, date(2026, 11, 2), "family", "present", worker.pk),
        ("parental_mental_health", parent.pk, date(2026, 12, 15), "agency", "present", worker.pk),
    ]

    # ---- Neglect for Amy (not Ben): from the family to Amy's page, whose notice offers it.
    page.get_by_role("link", name="Back to the family").click()
    expect(page.get_by_role("heading", name=family.name)).to_be_visible()
    assert_no_axe_violations(page, "family page")
    page.locator("#members").get_by_role("link", name="Amy Carter").click()
    expect(page.get_by_role("heading", name="Amy Carter")).to_be_visible()
    assert_no_axe_violations(page, "Amy's page before neglect is recorded")
    neglect_notice = _notice(page, "neglect_none")
    expect(neglect_notice).to_contain_text("No current neglect concern is recorded for this child.")
    neglect_notice.get_by_role("link", name="Record a neglect concern").click()
    expect(page.get_by_role("heading", name="Record a neglect concern")).to_be_visible()
    assert_no_axe_violations(page, "record a neglect concern page")
    page.get_by_label("Where did the concern come from?").select_option(
        label="Episode of early help from 2 November 2026 (open)"
    )
    fill_date(page, "When was it identified", date(2027, 1, 11))
    page.get_by_label("The child's daily lived experience").fill(
        "Amy often arrives at nursery hungry and in yesterday's clothes; "
        "her brother gives her breakfast when there is any."
    )
    page.get_by_role("group", name="Category of neglect").get_by_label("Nutritional").check()
    page.get_by_label("What was seen", exact=True).fill(
        "Amy has dropped below the 2nd centile for weight; no fresh food in the kitchen."
    )
    page.get_by_label("Who saw it").fill("Sam Lee, health visitor")
    fill_date(page, "When was it seen", date(2027, 1, 8))
    page.get_by_role("button", name="Save the concern").click()
    expect(_flash(page)).to_contain_text("Neglect concern recorded")
    expect(page.get_by_role("heading", name="Neglect", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "Amy's neglect record with one category")

    # A second category: what else was seen.
    page.get_by_role("link", name="Add what was seen").click()
    expect(page.get_by_role("heading", name="Add what was seen")).to_be_visible()
    assert_no_axe_violations(page, "add what was seen page")
    page.get_by_role("group", name="Category of neglect").get_by_label("Medical").check()
    page.get_by_label("What was seen", exact=True).fill(
        "Amy's ear infection was not treated: the prescription was never collected."
    )
    page.get_by_label("Who saw it").fill("Dr Priya Shah, GP")
    fill_date(page, "When was it seen", date(2027, 1, 11))
    page.get_by_role("button", name="Save what was seen").click()
    expect(_flash(page)).to_contain_text("Observation added")
    card = page.locator("[data-concern='current']")
    expect(card.locator("tbody tr")).to_have_count(2)
    expect(card.locator("tr[data-category='medical']")).to_contain_text("Dr Priya Shah, GP")
    expect(card.locator("tr[data-category='nutritional']")).to_contain_text(
        "Sam Lee, health visitor"
    )
    assert_no_axe_violations(page, "Amy's neglect record with two categories")
    concern = NeglectConcern.objects.get()
    assert (concern.child, concern.family, concern.status, concern.source, concern.episode) == (
        amy,
        family,
        NeglectConcern.Status.CURRENT,
        NeglectConcern.Source.EPISODE,
        episode,
    )
    assert concern.identified_on == date(2027, 1, 11) and concern.recorded_by == worker
    assert sorted(
        NeglectObservation.objects.filter(concern=concern).values_list("category", "seen_on")
    ) == [("medical", date(2027, 1, 11)), ("nutritional", date(2027, 1, 8))]
    assert not NeglectConcern.objects.filter(child=ben).exists()

    # ---- Back to the episode by the links: Amy, the family, its episodes.
    page.get_by_role("link", name="Back to Amy Carter").click()
    expect(_notice(page, "neglect_current")).to_contain_text(
        "Neglect: current concern since 11 January 2027"
    )
    expect(_notice(page, "neglect_current")).to_contain_text("Categories: medical, nutritional.")
    assert_no_axe_violations(page, "Amy's page with a current neglect concern")
    page.get_by_role("link", name=family.name, exact=True).click()
    page.get_by_role("link", name="Episodes of early help and the family plan").click()
    expect(page.get_by_role("heading", name="Episodes of early help")).to_be_visible()
    assert_no_axe_violations(page, "the family's episodes")
    page.get_by_role("link", name="2 Nov 2026").click()
    expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
    neglect_on_episode = _notice(page, "neglect_current")
    expect(neglect_on_episode).to_have_count(1)
    expect(neglect_on_episode).to_contain_text("Neglect: Amy Carter")
    expect(neglect_on_episode).to_contain_text(
        "Current concern since 11 January 2027: medical, nutritional."
    )
    expect(_notice(page, "risk_factors")).to_contain_text(
        "Parental mental health problems (Kerry Carter): since 15 December 2026"
    )
    expect(_notice(page, "risk_factors")).to_contain_text(
        "Living in poverty: since 2 November 2026"
    )
    assert_no_axe_violations(page, "episode with neglect and risk factors")

    # ---- Two "was not brought" contacts for Amy.
    for happened_on, appointment in zip(
        MISSED, ("Health visitor weight check", "GP review of ear infection"), strict=True
    ):
        page.get_by_role("link", name="Record a contact").click()
        expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
        assert_no_axe_violations(page, f"record a contact page ({appointment})")
        fill_date(page, "Date of the contact", happened_on)
        page.get_by_role("group", name="Type of contact").get_by_label(
            "Was not brought (missed appointment)"
        ).check()
        page.get_by_role("group", name="If a child was not brought, which child?").get_by_label(
            "Amy Carter"
        ).check()
        page.get_by_label("If a child was not brought, what was the appointment?").fill(appointment)
        page.get_by_role("button", name="Save the contact").click()
        expect(_flash(page)).to_contain_text("Contact recorded")
        expect(page.get_by_role("heading", name="Episode of early help")).to_be_visible()
        expect(page.locator("main")).to_contain_text(f"Amy Carter not brought to {appointment}")
        assert_no_axe_violations(page, f"episode after the contact ({appointment})")
    contacts = list(
        Contact.objects.filter(episode=episode)
        .order_by("happened_on")
        .prefetch_related("not_brought")
    )
    assert [(c.happened_on, c.kind, c.recorded_by_id) for c in contacts] == [
        (day, Contact.Kind.WAS_NOT_BROUGHT, worker.pk) for day in MISSED
    ]
    assert all(list(c.not_brought.all()) == [amy] for c in contacts)
    # Nothing is on the radar until it runs (early every morning, or now, by a manager).
    assert not RadarFlag.objects.exists()

    # ---- The team manager runs the radar: the family is on it, with the reasons in words.
    _switch_user(page, f"{base}/", manager, devices[manager.pk])
    _nav(page, "Radar").click()
    expect(page.get_by_role("heading", name="Drift and delay radar")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing on the radar.")
    assert_no_axe_violations(page, "the manager's radar before it runs")
    page.get_by_role("button", name="Run the radar now").click()
    expect(_flash(page)).to_contain_text("The radar has run: 1 raised, 0 updated, 0 cleared")
    reasons = (
        "Amy was not brought to 2 appointments within 12 weeks "
        "(12 January 2027, 26 January 2027) (the rule: 2 in 12 weeks)"
    )
    expect(page.get_by_role("heading", name="Lena Lead")).to_be_visible()
    row = page.locator("tbody tr").filter(has_text=family.reference)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=family_label)).to_be_visible()
    expect(row).to_contain_text("Amy Carter")
    expect(row).to_contain_text("Was not brought to appointments")
    expect(row).to_contain_text(reasons)
    expect(row).to_contain_text("26 Jan 2027")
    expect(row).to_contain_text("Raised")
    assert_no_axe_violations(page, "the manager's radar with the family on it")
    flag = RadarFlag.objects.get()
    assert (flag.rule, flag.status, flag.family, flag.episode, flag.child) == (
        RuleCode.WAS_NOT_BROUGHT,
        RadarFlag.Status.RAISED,
        family,
        episode,
        amy,
    )
    assert flag.facts == {
        "missed": ["2027-01-12", "2027-01-26"],
        "threshold": 2,
        "weeks": 12,
    }
    assert (flag.since, flag.raised_on) == (MISSED[1], TODAY)
    assert list(RadarFlagHistory.objects.filter(flag=flag).values_list("change", "actor")) == [
        (RadarFlagHistory.Change.RAISED, None)
    ]

    # ---- The manager records a supervision with the lead professional that discusses the case.
    _nav(page, "Supervision").click()
    expect(page.get_by_role("heading", name="Supervision", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "the manager's supervision page")
    page.locator("table[data-workers]").get_by_role("link", name="Lena Lead").click()
    expect(page.get_by_role("heading", name="Lena Lead")).to_be_visible()
    assert_no_axe_violations(page, "Lena Lead's supervisions")
    page.get_by_role("link", name="Record a supervision").click()
    expect(page.get_by_role("heading", name="Record a supervision")).to_be_visible()
    assert_no_axe_violations(page, "record a supervision page")
    fill_date(page, "When was the supervision", TODAY)
    page.get_by_label(f"Discussed {family_label}").check()
    page.get_by_label(f"What was discussed about {family_label}").fill(
        "Amy was not brought to two health appointments in January, while the neglect concern "
        "is current. Is this drift, or disguised compliance?"
    )
    page.get_by_label(f"Decisions for {family_label}").fill(
        "Lena to take Amy to her next appointment with Kerry; a TAF meeting within two weeks."
    )
    page.get_by_label("Action 1: what will be done").fill(
        "Book Amy's GP review and go with the family."
    )
    page.get_by_label("Action 1: who will do it").fill("Lena Lead")
    fill_date(page, "Action 1: by when", date(2027, 2, 15))
    page.get_by_label("Reflections").fill("Lena is worried about drift over Christmas.")
    page.get_by_role("button", name="Save the supervision").click()
    expect(_flash(page)).to_contain_text("Supervision recorded")
    expect(page.get_by_role("heading", name="Supervision on 1 Feb 2027")).to_be_visible()
    expect(page.get_by_role("link", name=family_label)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Amy was not brought to two health appointments")
    assert_no_axe_violations(page, "the supervision recorded")
    supervision = Supervision.objects.get()
    assert (supervision.worker, supervision.supervisor, supervision.held_on) == (
        worker,
        manager,
        TODAY,
    )
    [case] = SupervisionCase.objects.filter(supervision=supervision)
    assert case.episode == episode and case.discussion.startswith("Amy was not brought")
    assert list(
        SupervisionAction.objects.filter(supervision=supervision).values_list(
            "who", "by_when", "done_on"
        )
    ) == [("Lena Lead", date(2027, 2, 15), None)]

    # ---- The manager acknowledges the flag with a note.
    _nav(page, "Radar").click()
    expect(page.get_by_role("heading", name="Drift and delay radar")).to_be_visible()
    page.get_by_role("link", name=f"View flag {flag.pk}").click()
    expect(page.get_by_role("heading", name="Was not brought to appointments")).to_be_visible()
    expect(page.locator("main")).to_contain_text(reasons)
    assert_no_axe_violations(page, "the flag")
    page.get_by_role("link", name="Acknowledge", exact=True).click()
    expect(page.get_by_role("heading", name="Acknowledge a radar flag")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_have_text(reasons)
    assert_no_axe_violations(page, "acknowledge the flag page")
    note = "Discussed in supervision on 1 February: Lena goes with the family to the GP review."
    page.get_by_label("What is being done about it").fill(note)
    page.get_by_role("button", name="Acknowledge").click()
    expect(_flash(page)).to_contain_text("Flag acknowledged")
    status = page.locator(".govuk-summary-list__row").filter(has_text="Status")
    expect(status).to_contain_text("Acknowledged")
    expect(page.locator("main")).to_contain_text(note)
    expect(page.get_by_role("link", name="Acknowledge", exact=True)).to_have_count(0)
    assert_no_axe_violations(page, "the flag acknowledged")
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by, flag.acknowledged_note) == (
        RadarFlag.Status.ACKNOWLEDGED,
        manager,
        note,
    )
    assert list(
        RadarFlagHistory.objects.filter(flag=flag).values_list("change", "actor", "note")
    ) == [
        (RadarFlagHistory.Change.RAISED, None, ""),
        (RadarFlagHistory.Change.ACKNOWLEDGED, manager.pk, note),
    ]
    # Still on the radar, acknowledged, until its facts change.
    page.get_by_role("link", name="Back to the radar").click()
    row = page.locator("tbody tr").filter(has_text=family.reference)
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("link", name=f"Acknowledge flag {flag.pk}")).to_have_count(0)
    assert_no_axe_violations(page, "the radar with the flag acknowledged")

    # ---- A new request for the same child (the lead professional asks for early support, as
    # the request pages would send it), 4 months after the last one.
    page.wait_for_load_state("networkidle")
    later, stop = support_request_submit_practitioner(
        actor=worker,
        family=family,
        area=area,
        what_is_happening="Amy keeps missing health appointments and is losing weight.",
        single_agency_support_tried="Health visitor home visits since November.",
        family_knows_and_consents=True,
        safeguarding_concern=False,
    )
    assert stop is None and later.status == SupportRequest.Status.RECEIVED
    assert sorted(later.children.values_list("first_name", flat=True)) == ["Amy", "Ben"]

    # ---- The early support team leader triages it and sees the repeat referral in words.
    _switch_user(page, f"{base}/", leader, devices[leader.pk])
    _nav(page, "Requests").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page, "the triage queue")
    page.get_by_role("link", name=later.reference).click()
    expect(page.get_by_role("heading", name=re.compile(later.reference))).to_be_visible()
    repeat = (
        f"Amy had a request on 7 September 2026 ({earlier.reference}), 4 months before this one."
    )
    rule = (
        "The rule: a new request or panel referral for a child who had one in the 12 months before."
    )
    notice = _notice(page, "repeat_referral")
    expect(notice).to_have_count(1)
    expect(notice.get_by_role("heading", name="Repeat referral")).to_be_visible()
    expect(notice).to_contain_text(repeat)
    expect(notice).to_contain_text(rule)
    expect(notice).not_to_contain_text("Ben")
    assert_no_axe_violations(page, "the new request, a repeat referral")
    page.get_by_role("button", name="Start triage").click()
    expect(_flash(page)).to_contain_text("Triage started")
    assert_no_axe_violations(page, "the request in triage")
    later.refresh_from_db()
    assert later.status == SupportRequest.Status.IN_TRIAGE
    page.get_by_role("button", name="Record triage").click()
    expect(page.get_by_role("heading", name="Triage", exact=True)).to_be_visible()
    notice = _notice(page, "repeat_referral")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(repeat)
    expect(notice).to_contain_text(rule)
    assert_no_axe_violations(page, "the triage page with the repeat referral")
