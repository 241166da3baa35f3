"""Who gets which casework page: each persona against the caseloads, the episode, the plan, the
plan's change pages and the closure page, with the exact status for the exact episode.

The episode is led by a lead professional in ``team``. Their team manager and the early support
team leader may change it; a practitioner colleague and business support in the same team see it
but may not change it (403); a practitioner in another team and a panel member do not see it
(404, nothing audited).
"""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Episode, PlanReview
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, EarlySupportAgencyFactory, TeamFactory
from people.tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PERSONAS = ("lead", "manager", "es_leader", "colleague", "business", "other_team", "panel")
CHANGERS = {"lead", "manager", "es_leader"}
SEE_ONLY = {"colleague", "business"}
OUTSIDERS = {"other_team", "panel"}


@pytest.fixture
def people(team):
    lead = UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    return {
        "lead": lead,
        "manager": manager,
        "es_leader": UserFactory(
            team=None, agency=EarlySupportAgencyFactory(), roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
        ),
        "colleague": UserFactory(team=team, roles=[Role.PRACTITIONER]),
        "business": UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT]),
        "other_team": UserFactory(team=TeamFactory(), roles=[Role.PRACTITIONER]),
        "panel": UserFactory(team=None, agency=AgencyFactory(), roles=[Role.PANEL_MEMBER]),
    }


@pytest.fixture
def world(people):
    episode = make_episode(lead_professional=people["lead"], started_on=date(2026, 9, 1))
    plan = make_plan(episode=episode)
    outcome = make_outcome(plan=plan)
    action = make_action(outcome=outcome, by_when=date(2026, 10, 1))
    PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 13))
    return {"episode": episode, "plan": plan, "outcome": outcome, "action": action}


def _urls(world) -> dict[str, str]:
    e = {"episode_id": world["episode"].pk}
    return {
        "episode_detail": reverse("casework:episode_detail", kwargs=e),
        "plan": reverse("casework:plan", kwargs=e),
        "episode_closure": reverse("casework:episode_closure", kwargs=e),
        "episode_stage": reverse("casework:episode_stage", kwargs=e),
        "episode_step_up": reverse("casework:episode_step_up", kwargs=e),
        "plan_contingency": reverse("casework:plan_contingency", kwargs=e),
        "plan_outcome_add": reverse("casework:plan_outcome_add", kwargs=e),
        "plan_outcome_edit": reverse(
            "casework:plan_outcome_edit", kwargs={**e, "outcome_id": world["outcome"].pk}
        ),
        "plan_outcome_remove": reverse(
            "casework:plan_outcome_remove", kwargs={**e, "outcome_id": world["outcome"].pk}
        ),
        "plan_action_add": reverse(
            "casework:plan_action_add", kwargs={**e, "outcome_id": world["outcome"].pk}
        ),
        "plan_action_edit": reverse(
            "casework:plan_action_edit", kwargs={**e, "action_id": world["action"].pk}
        ),
        "plan_review": reverse("casework:plan_review", kwargs=e),
    }


READ_PAGES = ("episode_detail", "plan")
CHANGE_PAGES = (
    "episode_closure",
    "episode_stage",
    "episode_step_up",
    "plan_contingency",
    "plan_outcome_add",
    "plan_outcome_edit",
    "plan_outcome_remove",
    "plan_action_add",
    "plan_action_edit",
    "plan_review",
)


def _expected_read(who) -> int:
    return 404 if who in OUTSIDERS else 200


def _expected_change(who) -> int:
    if who in OUTSIDERS:
        return 404
    return 200 if who in CHANGERS else 403


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("page", READ_PAGES)
def test_reading_the_episode_and_its_plan(people, world, who, page):
    before = AuditEvent.objects.filter(action="view").count()

    response = client_for(people[who]).get(_urls(world)[page])

    assert response.status_code == _expected_read(who)
    if who in OUTSIDERS:
        assert AuditEvent.objects.filter(action="view").count() == before
    else:
        assert response.context["episode"] == world["episode"]
        assert response.context["can_change"] is (who in CHANGERS)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("page", CHANGE_PAGES)
def test_opening_a_change_page(people, world, who, page):
    response = client_for(people[who]).get(_urls(world)[page])

    assert response.status_code == _expected_change(who)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("page", CHANGE_PAGES)
def test_posting_an_empty_change_page(people, world, who, page):
    """A changer gets the form back with its errors (200); the rest are refused before the form
    is read, and the episode and plan are untouched."""
    response = client_for(people[who]).post(_urls(world)[page], {})

    assert response.status_code == _expected_change(who)
    episode = Episode.objects.get(pk=world["episode"].pk)
    assert (episode.status, episode.stage, episode.version) == (Episode.Status.OPEN, 1, 1)
    world["plan"].refresh_from_db()
    assert world["plan"].version == 1


CASELOAD = {
    "lead": (200, 1),
    "manager": (200, 0),
    "es_leader": (200, 0),
    "colleague": (200, 0),
    "business": (200, 0),
    "other_team": (200, 0),
    "panel": (200, 0),
}
TEAM_CASELOAD = {
    "lead": 403,
    "manager": 200,
    "es_leader": 200,
    "colleague": 403,
    "business": 403,
    "other_team": 403,
    "panel": 403,
}


@pytest.mark.parametrize("who", PERSONAS)
def test_your_caseload_lists_only_the_episodes_you_lead(people, world, who):
    response = client_for(people[who]).get(reverse("casework:caseload"))

    status, count = CASELOAD[who]
    assert response.status_code == status
    assert [row.pk for row in response.context["rows"]] == [world["episode"].pk] * count


@pytest.mark.parametrize("who", PERSONAS)
def test_the_team_caseload_is_for_managers_and_the_early_support_team_leader(people, world, who):
    response = client_for(people[who]).get(reverse("casework:team_caseload"))

    assert response.status_code == TEAM_CASELOAD[who]
    if response.status_code == 200:
        assert [row.pk for row in response.context["rows"]] == [world["episode"].pk]


def test_a_manager_of_another_team_does_not_see_this_teams_caseload(people, world):
    manager = UserFactory(team=TeamFactory(), roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(manager.team)

    response = client_for(manager).get(reverse("casework:team_caseload"))

    assert response.status_code == 200
    assert list(response.context["rows"]) == []
