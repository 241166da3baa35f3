"""Casework's part of the work tray: plan reviews and actions falling due and closures waiting for
the panel, for the lead professional of each open episode; reviews overdue in their teams, for a
team manager. Each item arrives and leaves through casework's own services, and links to the page
where the work is done.

Time is frozen on Monday 2 November 2026 (casework/tests/conftest.py): "within 14 days" ends on
16 November, and a review is overdue when due on 1 November or before.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework import handoff, plans, services, tray
from casework.models import Closure, Episode, FamilyPlan, PlanAction, PlanReview
from casework.tests.factories import ContactFactory, EpisodeFactory
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core import clock, worktray
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from panel.models import LeadProfessionalAllocation, PanelCase
from panel.tests.factories import demo_panel, panel_referral
from people.models import FamilyTeam
from people.tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CASEWORK_KEYS = {
    "reviews_due",
    "actions_due",
    "contacts_due",
    "my_closures_waiting",
    "team_reviews_overdue",
}


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def manager(team):
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    return manager


def _section(user, key):
    """The user's non-empty section ``key`` as the home page gets it, or None."""
    found = [s for s in worktray.tray_for(user) if s.key == key]
    return found[0] if found else None


def _casework_keys(user) -> set[str]:
    return {s.key for s in tray.tray(user) if s.count}


def _label(episode) -> str:
    return f"{episode.family.name} ({episode.family.reference})"


def _with_plan(lead, started_on: date) -> Episode:
    """An open episode led by ``lead`` with its plan started: its first review falls due six
    weeks after ``started_on``."""
    episode = make_episode(lead_professional=lead, started_on=started_on)
    plans.plan_start(actor=lead, episode=episode)
    return episode


def _pending(episode) -> PlanReview:
    return PlanReview.objects.get(episode=episode, held_on__isnull=True)


def _version(episode) -> int:
    return FamilyPlan.objects.get(episode=episode).version


# ---------------------------------------------------------------- plan reviews due


def test_reviews_due_list_overdue_first_and_leave_when_the_review_is_recorded(lead):
    late = _with_plan(lead, date(2026, 9, 14))  # due 26 October
    soon = _with_plan(lead, date(2026, 10, 5))  # due 16 November, the last day in the window
    _with_plan(lead, date(2026, 10, 6))  # due 17 November: not yet

    section = _section(lead, "reviews_due")

    assert (section.title, section.count) == ("Plan reviews due", 2)
    assert [(i.text, i.url, i.hint, i.due, i.overdue) for i in section.items] == [
        (
            _label(late),
            reverse("casework:plan_review", kwargs={"episode_id": late.pk}),
            "Review due 26 October 2026",
            date(2026, 10, 26),
            True,
        ),
        (
            _label(soon),
            reverse("casework:plan_review", kwargs={"episode_id": soon.pk}),
            "Review due 16 November 2026",
            date(2026, 11, 16),
            False,
        ),
    ]
    assert section.more_url == reverse("casework:caseload")

    plans.review_record(actor=lead, review=_pending(late), held_on=clock.today())

    section = _section(lead, "reviews_due")
    assert section.count == 1
    assert [i.url for i in section.items] == [
        reverse("casework:plan_review", kwargs={"episode_id": soon.pk})
    ]


def test_a_review_on_an_episode_whose_closure_is_with_the_panel_is_still_due(lead):
    episode = _with_plan(lead, date(2026, 9, 14))
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSURE_REQUESTED)
    assert _section(lead, "reviews_due").count == 1
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 11, 2)
    )
    assert _section(lead, "reviews_due") is None


def test_an_episode_with_two_reviews_outstanding_is_listed_once_by_the_earlier(lead, manager):
    episode = _with_plan(lead, date(2026, 9, 14))  # due 26 October
    PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 30))

    for user, key in ((lead, "reviews_due"), (manager, "team_reviews_overdue")):
        section = _section(user, key)
        assert section.count == 1, key
        assert [i.due for i in section.items] == [date(2026, 10, 26)], key


# ---------------------------------------------------------------- plan actions due


def test_actions_due_list_those_to_do_and_leave_when_done(lead):
    episode = _with_plan(lead, date(2026, 10, 26))  # its review is not due for weeks
    plan = FamilyPlan.objects.get(episode=episode)
    outcome = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=plan.version,
        need="Attendance at school is low",
        outcome_family_words="The children go to school every day",
    )

    def add(by_when):
        return plans.plan_action_add(
            actor=lead,
            outcome=outcome,
            expected_version=_version(episode),
            what="Morning routine chart",
            who="Mum",
            by_when=by_when,
        )

    late = add(date(2026, 10, 30))
    soon = add(date(2026, 11, 16))
    add(date(2026, 11, 17))  # not yet

    section = _section(lead, "actions_due")

    assert (section.title, section.count) == ("Plan actions due", 2)
    plan_url = reverse("casework:plan", kwargs={"episode_id": episode.pk})
    assert [(i.text, i.url, i.hint, i.overdue) for i in section.items] == [
        (_label(episode), plan_url, "Action due 30 October 2026", True),
        (_label(episode), plan_url, "Action due 16 November 2026", False),
    ]

    plans.plan_action_complete(
        actor=lead, action=PlanAction.objects.get(pk=late.pk), expected_version=_version(episode)
    )
    assert [i.hint for i in _section(lead, "actions_due").items] == ["Action due 16 November 2026"]

    plans.plan_action_update(
        actor=lead,
        action=PlanAction.objects.get(pk=soon.pk),
        expected_version=_version(episode),
        changes={"status": PlanAction.Status.DROPPED},
    )
    assert _section(lead, "actions_due") is None


# ---------------------------------------------------------------- closures waiting


@pytest.fixture
def allocated_episode():
    """An open episode from a panel case allocated to ``worker``, its lead professional."""
    chair = UserFactory(team=None)
    panel = demo_panel(chair=chair)
    referral = panel_referral(panel)
    worker = UserFactory(roles=[Role.PRACTITIONER])
    FamilyTeam.objects.create(family=referral.family, team=worker.team, started_on=date(2026, 1, 1))
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-T-1",
        year=2027,
        sequence=1,
        logged_by=chair,
        logged_at=clock.now(),
        status=PanelCase.Status.ALLOCATED,
    )
    LeadProfessionalAllocation.objects.create(
        case=case,
        agency=worker.agency,
        lead_professional=worker,
        allocated_by=chair,
        allocated_at=clock.now(),
    )
    episode = EpisodeFactory(
        family=referral.family,
        lead_professional=worker,
        panel_case=case,
        assessment=referral.assessment,
        worked=True,
    )
    return episode, worker, chair


@pytest.mark.parametrize("decision", ["confirmed", "returned"])
def test_a_closure_sent_to_the_panel_waits_until_the_panel_decides(allocated_episode, decision):
    episode, worker, chair = allocated_episode
    assert _section(worker, "my_closures_waiting") is None

    services.episode_send_closure(
        actor=worker,
        episode=episode,
        reason="needs_met",
        outcomes_achieved="Routines in place",
        exit_plan="School nurse checks in",
    )

    section = _section(worker, "my_closures_waiting")
    assert (section.title, section.count) == ("Closures waiting for the panel", 1)
    ((item,),) = [section.items]
    assert (item.text, item.url, item.hint, item.overdue) == (
        _label(episode),
        reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
        "Sent to the panel 2 November 2026",
        False,
    )

    # What the panel's confirm or return calls in casework.
    case = episode.panel_case
    if decision == "confirmed":
        handoff.closure_confirmed(actor=chair, case=case)
    else:
        handoff.closure_returned(actor=chair, case=case, reason="School attendance still low")

    assert _section(worker, "my_closures_waiting") is None


# ---------------------------------------------------------------- a manager's overdue reviews


def test_a_manager_sees_reviews_overdue_in_their_teams_until_recorded(lead, manager):
    late = _with_plan(lead, date(2026, 9, 14))  # due 26 October: overdue
    _with_plan(lead, date(2026, 9, 21))  # due today: not yet overdue
    _with_plan(lead, date(2026, 10, 5))  # due 16 November

    section = _section(manager, "team_reviews_overdue")

    assert (section.title, section.count) == ("Overdue reviews in your teams", 1)
    assert [(i.text, i.url, i.hint, i.overdue) for i in section.items] == [
        (
            _label(late),
            reverse("casework:episode_detail", kwargs={"episode_id": late.pk}),
            "Review due 26 October 2026",
            True,
        )
    ]
    assert section.more_url == reverse("casework:team_caseload")
    # The manager leads none of these: only their team's section.
    assert _casework_keys(manager) == {"team_reviews_overdue"}
    # The lead professional has the reviews as their own work, not as a team's.
    assert _casework_keys(lead) == {"reviews_due"}

    plans.review_record(actor=manager, review=_pending(late), held_on=clock.today())

    assert _section(manager, "team_reviews_overdue") is None


# ---------------------------------------------------------------- who sees nothing


def test_roles_without_the_work_and_people_out_of_scope_get_no_section(lead, team):
    episode = _with_plan(lead, date(2026, 9, 14))
    plan = FamilyPlan.objects.get(episode=episode)
    make_action(outcome=make_outcome(plan=plan), by_when=date(2026, 10, 30))
    assert _casework_keys(lead) == {"reviews_due", "actions_due"}

    other_manager = UserFactory(team=TeamFactory(), roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_manager.team)
    nobody = {
        # See the family but lead none of its work.
        "colleague": UserFactory(team=team, roles=[Role.PRACTITIONER]),
        "business_support": UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT]),
        # Out of scope.
        "other_team": UserFactory(team=TeamFactory(), roles=[Role.LEAD_PROFESSIONAL]),
        "other_manager": other_manager,
        "panel_member": UserFactory(team=None, agency=AgencyFactory(), roles=[Role.PANEL_MEMBER]),
    }
    for name, user in nobody.items():
        assert _casework_keys(user) == set(), name


def test_a_role_with_no_casework_costs_at_most_the_role_lookup(django_assert_max_num_queries):
    member = UserFactory(team=None, agency=AgencyFactory(), roles=[Role.PANEL_MEMBER])
    member = type(member).objects.get(pk=member.pk)
    with django_assert_max_num_queries(1):
        assert tray.tray(member) == []


def test_an_episode_whose_family_has_left_the_leads_scope_is_not_listed(lead, team):
    episode = _with_plan(lead, date(2026, 9, 14))
    assert _section(lead, "reviews_due").count == 1
    FamilyTeam.objects.filter(family=episode.family, team=team).update(ended_on=date(2026, 11, 1))
    assert _casework_keys(lead) == set()


def test_reading_the_tray_writes_no_audit_row(lead, manager):
    _with_plan(lead, date(2026, 9, 14))
    before = AuditEvent.objects.count()
    assert _casework_keys(lead) == {"reviews_due"}
    assert _casework_keys(manager) == {"team_reviews_overdue"}
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- the home page


def test_the_home_page_shows_the_lead_and_the_manager_their_sections(lead, manager):
    late = _with_plan(lead, date(2026, 9, 14))

    response = client_for(lead).get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tray-reviews_due"' in html
    assert f'href="{reverse("casework:plan_review", kwargs={"episode_id": late.pk})}"' in html
    assert 'id="tray-team_reviews_overdue"' not in html

    response = client_for(manager).get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tray-team_reviews_overdue"' in html
    assert f'href="{reverse("casework:episode_detail", kwargs={"episode_id": late.pk})}"' in html
    assert 'id="tray-reviews_due"' not in html


def _work(lead, n: int) -> None:
    """``n`` of each kind of item for ``lead``: an overdue review, an action due, a contact due
    and a closure with the panel."""
    for _ in range(n):
        episode = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
        make_action(outcome=make_outcome(plan=make_plan(episode=episode)))
        PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 13))
        ContactFactory(
            episode=episode, happened_on=date(2026, 10, 1), next_planned_on=date(2026, 10, 29)
        )
        waiting = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
        Episode.objects.filter(pk=waiting.pk).update(status=Episode.Status.CLOSURE_REQUESTED)
        Closure.objects.create(
            episode=waiting,
            reason="needs_met",
            outcomes_achieved="Routines in place",
            exit_plan="School nurse checks in",
            sent_by=lead,
        )


def test_the_home_page_costs_the_same_queries_for_2_items_as_for_12(team):
    # Leads episodes and manages the team: all four sections at once.
    lead = UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.TEAM_MANAGER])
    lead.managed_teams.add(team)
    client = client_for(lead)
    home = reverse("core:home")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(home).status_code == 200
        return len(captured.captured_queries)

    _work(lead, 2)
    client.get(home)  # the first visit's one-off set-up is not what is measured
    with_two = queries()
    counts = {s.key: s.count for s in worktray.tray_for(lead) if s.key in CASEWORK_KEYS}
    assert counts == {
        "reviews_due": 2,
        "actions_due": 2,
        "contacts_due": 2,
        "my_closures_waiting": 2,
        "team_reviews_overdue": 2,
    }

    _work(lead, 10)
    with_twelve = queries()
    counts = {s.key: s.count for s in worktray.tray_for(lead) if s.key in CASEWORK_KEYS}
    assert counts == {
        "reviews_due": 12,
        "actions_due": 12,
        "contacts_due": 12,
        "my_closures_waiting": 12,
        "team_reviews_overdue": 12,
    }
    assert with_twelve == with_two
