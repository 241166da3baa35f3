"""The family plan API uses the same services: permission, versions and history."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import EpisodeHistory
from casework.tests.factories_plans import make_episode, make_plan
from core import clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _api(user):
    return sign_in_verified(APIClient(), user)


def test_get_and_add_outcome_and_action(team):
    lead = UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])
    episode = make_episode(lead_professional=lead)
    plan = make_plan(episode=episode)
    url = f"/api/v1/episode-plans/{episode.pk}/"
    api = _api(lead)
    assert api.get(url).json()["version"] == 1
    response = api.post(
        url + "outcomes/", {"version": 1, "need": "N", "outcome_family_words": "F"}, format="json"
    )
    assert response.status_code == 201, response.content
    outcome_id = response.json()["outcomes"][0]["id"]
    response = api.post(
        url + "actions/",
        {
            "version": 2,
            "outcome_id": outcome_id,
            "what": "W",
            "who": "Mum",
            "by_when": clock.today().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (
        api.post(
            url + "outcomes/",
            {"version": 1, "need": "N", "outcome_family_words": "F"},
            format="json",
        ).status_code
        == 409
    )
    assert EpisodeHistory.objects.filter(episode=episode, change="plan").count() == 2
    colleague = UserFactory(team=team, roles=[Role.PRACTITIONER])
    assert _api(colleague).get(url).status_code == 200
    refused = _api(colleague).post(
        url + "outcomes/", {"version": 3, "need": "N", "outcome_family_words": "F"}, format="json"
    )
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.version == 3


def test_changing_the_plan_of_a_closed_episode_is_409_and_changes_nothing(team):
    lead = UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])
    episode = make_episode(lead_professional=lead)
    plan = make_plan(episode=episode)
    episode.status, episode.ended_on = "closed", clock.today()
    episode.save()

    response = _api(lead).post(
        f"/api/v1/episode-plans/{episode.pk}/outcomes/",
        {"version": 1, "need": "N", "outcome_family_words": "F"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This episode is closed. Its plan can no longer be changed."
    }
    plan.refresh_from_db()
    assert plan.version == 1 and not plan.outcomes.exists()
