"""The API settles who may change an episode or its plan before it reads the body (the
error contract: out of scope 404, then 403, then 400, then 409), by the same rule the services
use (casework.rules): a role that may not is 403 whatever it sent, and changes nothing."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import (
    Contact,
    Episode,
    EpisodeHistory,
    FamilyPlan,
    PlanOutcome,
    PlanReview,
    TafMeeting,
)
from casework.tests.factories_plans import make_episode, make_outcome, make_plan
from core import clock
from core.tests.factories import NeedLevelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

EPISODE_ACTIONS = (
    "stage",
    "need-level",
    "lead-professional",
    "step-up",
    "step-down",
    "contacts",
    "taf-meetings",
)
PLAN_ACTIONS = ("outcomes", "actions", "reviews")


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead)


@pytest.fixture
def outcome(episode):
    return make_outcome(plan=make_plan(episode=episode))


def _refused(team, who):
    """A practitioner of the family's own team (in scope, not the lead professional) and
    business support (every family in scope, but they keep records)."""
    roles = {"practitioner": [Role.PRACTITIONER], "business_support": [Role.BUSINESS_SUPPORT]}[who]
    return UserFactory(team=team, roles=roles)


def _episode_body(action, episode, team):
    today = clock.today().isoformat()
    NeedLevelFactory(level=2)
    return {
        "stage": {"to_stage": 2},
        "need-level": {"need_level": 2, "reason": "Better"},
        "lead-professional": {
            "lead_professional": UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL]).pk,
            "reason": "Moved",
        },
        "step-up": {"reason": "Threshold met"},
        "step-down": {
            "lead_professional": episode.lead_professional_id,
            "lead_agency": episode.lead_agency.code,
            "need_level": 2,
            "offer": "community_plus",
            "started_on": today,
            "reason": "Closed",
        },
        "contacts": {"happened_on": today, "contact_kind": "phone"},
        "taf-meetings": {"held_on": today},
    }[action]


def _plan_body(action, outcome):
    today = clock.today().isoformat()
    return {
        "outcomes": {"version": 1, "need": "N", "outcome_family_words": "F"},
        "actions": {
            "version": 1,
            "outcome_id": outcome.pk,
            "what": "W",
            "who": "Mum",
            "by_when": today,
        },
        "reviews": {"version": 1, "held_on": today},
    }[action]


def _nothing_changed(episode):
    assert EpisodeHistory.objects.count() == 0
    assert Contact.objects.count() == 0 and TafMeeting.objects.count() == 0
    assert Episode.objects.count() == 1
    assert list(Episode.objects.values_list("status", "stage")) == [(Episode.Status.OPEN, 1)]


@pytest.mark.parametrize("who", ["practitioner", "business_support"])
@pytest.mark.parametrize("action", EPISODE_ACTIONS)
def test_a_role_that_may_not_change_the_episode_gets_403_empty_or_valid(action, who, team, episode):
    api = sign_in_verified(APIClient(), _refused(team, who))
    url = f"/api/v1/episodes/{episode.pk}/{action}/"
    assert api.post(url, {}, format="json").status_code == 403
    assert api.post(url, _episode_body(action, episode, team), format="json").status_code == 403
    _nothing_changed(episode)


@pytest.mark.parametrize("action", EPISODE_ACTIONS)
def test_the_lead_professional_with_an_empty_body_gets_400(action, lead, episode):
    response = sign_in_verified(APIClient(), lead).post(
        f"/api/v1/episodes/{episode.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 400
    _nothing_changed(episode)


@pytest.mark.parametrize("who", ["practitioner", "business_support"])
@pytest.mark.parametrize("action", PLAN_ACTIONS)
def test_a_role_that_may_not_change_the_plan_gets_403_empty_or_valid(
    action, who, team, episode, outcome
):
    api = sign_in_verified(APIClient(), _refused(team, who))
    url = f"/api/v1/episode-plans/{episode.pk}/{action}/"
    assert api.post(url, {}, format="json").status_code == 403
    assert api.post(url, _plan_body(action, outcome), format="json").status_code == 403
    assert FamilyPlan.objects.get().version == 1
    assert PlanOutcome.objects.count() == 1 and PlanReview.objects.count() == 0
    _nothing_changed(episode)


@pytest.mark.parametrize("action", PLAN_ACTIONS)
def test_the_lead_professional_with_an_empty_plan_body_gets_400(action, lead, episode, outcome):
    response = sign_in_verified(APIClient(), lead).post(
        f"/api/v1/episode-plans/{episode.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 400
    assert FamilyPlan.objects.get().version == 1


def test_an_episode_out_of_scope_is_404_before_the_role_is_asked(team, other_team):
    episode = make_episode(
        lead_professional=UserFactory(team=other_team, roles=[Role.LEAD_PROFESSIONAL])
    )
    api = sign_in_verified(APIClient(), _refused(team, "practitioner"))
    assert api.post(f"/api/v1/episodes/{episode.pk}/stage/", {}, format="json").status_code == 404
    assert (
        api.post(f"/api/v1/episode-plans/{episode.pk}/outcomes/", {}, format="json").status_code
        == 404
    )
