"""The radar's API: the same scope and services as the pages, and the error contract."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, token_client
from casework.tests.factories import EpisodeFactory, team_manager_for
from radar.models import RadarFlag, RuleCode
from radar.tests.factories import RadarFlagFactory, kirklees_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(frozen):
    return RadarFlagFactory(episode=EpisodeFactory(started_on=date(2026, 9, 1)))


def _ack_url(flag):
    return reverse("api:radar-flag-acknowledge", kwargs={"pk": flag.pk})


def test_the_lead_professional_lists_and_reads_their_flags(client, flag):
    api = token_client(client, flag.episode.lead_professional)
    (row,) = api.get(reverse("api:radar-flag-list")).json()["results"]
    assert row["id"] == flag.pk and row["rule"] == RuleCode.NO_CONTACT_WITH_CHILD
    assert row["reasons"].startswith("No one has seen the child for 55 days")
    detail = api.get(reverse("api:radar-flag-detail", kwargs={"pk": flag.pk})).json()
    assert detail["flag_status"] == "raised" and detail["history"] == []


def test_another_teams_manager_gets_404_and_an_empty_list(client, flag):
    other = UserFactory(roles=[Role.TEAM_MANAGER])
    other.managed_teams.add(other.team)
    api = token_client(client, other)
    assert api.get(reverse("api:radar-flag-list")).json()["results"] == []
    assert api.get(reverse("api:radar-flag-detail", kwargs={"pk": flag.pk})).status_code == 404
    response = api.post(
        _ack_url(flag), {"note": "x", "expected_version": 1}, content_type="application/json"
    )
    assert response.status_code == 404


def test_acknowledge_400_then_200_then_409(client, flag):
    api = token_client(client, team_manager_for(flag.episode))
    response = api.post(_ack_url(flag), {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"note", "expected_version"}
    response = api.post(
        _ack_url(flag), {"note": "Seen", "expected_version": 5}, content_type="application/json"
    )
    assert response.status_code == 409
    response = api.post(
        _ack_url(flag),
        {"note": "Agreed in supervision", "expected_version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["flag_status"] == "acknowledged"
    assert response.json()["history"][0]["note"] == "Agreed in supervision"
    response = api.post(
        _ack_url(flag), {"note": "Again", "expected_version": 2}, content_type="application/json"
    )
    assert response.status_code == 409


def test_a_colleague_who_is_not_the_lead_gets_404(client, flag):
    # A practitioner in the same team sees the family, but the flag is not on their radar.
    colleague = UserFactory(team=flag.episode.lead_professional.team, roles=[Role.PRACTITIONER])
    api = token_client(client, colleague)
    assert api.post(_ack_url(flag), {}, content_type="application/json").status_code == 404


def test_run_is_for_managers(client, frozen):
    kirklees_rules(only={RuleCode.EPISODE_OPEN_LONG})
    episode = EpisodeFactory(started_on=date(2025, 1, 1))
    api = token_client(client, episode.lead_professional)
    assert api.post(reverse("api:radar-flag-run")).status_code == 403
    api = token_client(client, team_manager_for(episode))
    response = api.post(reverse("api:radar-flag-run"))
    assert response.status_code == 200 and response.json()["raised"] == 1
    assert RadarFlag.objects.get().episode == episode
