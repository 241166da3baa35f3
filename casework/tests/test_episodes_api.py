import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Contact, Episode, EpisodeHistory
from casework.tests.factories import EpisodeFactory
from core import clock
from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory
from people.models import FamilyMember, FamilyTeam
from people.tests.factories import FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
BASE = "/api/v1/episodes/"


def api_for(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


@pytest.fixture
def episode():
    return EpisodeFactory()


@pytest.fixture
def api(episode):
    return api_for(episode.lead_professional)


def test_list_and_retrieve_are_scoped_and_audited(api, episode):
    EpisodeFactory()  # someone else's
    response = api.get(BASE)
    assert response.status_code == 200
    rows = response.json()["results"] if isinstance(response.json(), dict) else response.json()
    assert [r["id"] for r in rows] == [str(episode.pk)]
    assert AuditEvent.objects.filter(
        action="view", record_type="casework.episode", detail__count=1
    ).exists()
    detail = api.get(f"{BASE}{episode.pk}/").json()
    assert (
        detail["episode_stage"] == 1 and detail["history"] == []
    )  # factory: no service, no history
    other = EpisodeFactory()
    assert api.get(f"{BASE}{other.pk}/").status_code == 404
    assert api.post(f"{BASE}{other.pk}/stage/", {"to_stage": 2}, format="json").status_code == 404
    assert APIClient().get(BASE).status_code == 401


def test_stage_rules_through_the_api(api, episode):
    response = api.post(f"{BASE}{episode.pk}/stage/", {"to_stage": 3}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(f"{BASE}{episode.pk}/stage/", {"to_stage": 2}, format="json")
    assert response.status_code == 200 and response.json()["episode_stage"] == 2
    response = api.post(
        f"{BASE}{episode.pk}/stage/", {"to_stage": 1, "reason": "New concerns"}, format="json"
    )
    assert response.status_code == 200
    assert EpisodeHistory.objects.filter(episode=episode, change="stage").count() == 2


def test_a_colleague_gets_403(episode):
    other_team_user = UserFactory(roles=[Role.PRACTITIONER])
    FamilyTeam.objects.create(
        family=episode.family, team=other_team_user.team, started_on=episode.started_on
    )
    response = api_for(other_team_user).post(
        f"{BASE}{episode.pk}/stage/", {"to_stage": 2}, format="json"
    )
    assert response.status_code == 403


def test_need_level_and_lead_professional(api, episode):
    NeedLevelFactory(level=2)
    response = api.post(
        f"{BASE}{episode.pk}/need-level/", {"need_level": 2, "reason": "Better"}, format="json"
    )
    assert response.status_code == 200 and response.json()["need_level"] == 2
    colleague = UserFactory(roles=[Role.PRACTITIONER])
    response = api.post(
        f"{BASE}{episode.pk}/lead-professional/",
        {"lead_professional": colleague.pk, "reason": "Moved"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["lead_professional"] == colleague.pk


def test_an_unknown_level_or_lead_professional_is_a_400_on_its_field(api, episode):
    level, lead = episode.need_level_id, episode.lead_professional_id
    response = api.post(
        f"{BASE}{episode.pk}/need-level/", {"need_level": 99, "reason": "Better"}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"need_level": ["Not found"]})
    response = api.post(
        f"{BASE}{episode.pk}/lead-professional/",
        {"lead_professional": 987654, "reason": "Moved"},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"lead_professional": ["Not found"]})
    episode.refresh_from_db()
    assert (episode.need_level_id, episode.lead_professional_id) == (level, lead)
    assert not EpisodeHistory.objects.filter(episode=episode).exists()


def test_step_down_names_the_unknown_agency(episode):
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    api = api_for(leader)
    api.post(f"{BASE}{episode.pk}/step-up/", {"reason": "Threshold met"}, format="json")
    response = api.post(
        f"{BASE}{episode.pk}/step-down/",
        {
            "lead_professional": episode.lead_professional_id,
            "lead_agency": "no-such-agency",
            "need_level": episode.need_level.level,
            "offer": "community_plus",
            "started_on": clock.today().isoformat(),
            "reason": "Social care closed",
        },
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"lead_agency": ["Not found"]})
    assert not Episode.objects.filter(previous=episode).exists()


def test_step_up_and_down(episode):
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    api = api_for(leader)
    response = api.post(f"{BASE}{episode.pk}/step-up/", {"reason": "Threshold met"}, format="json")
    assert response.status_code == 200 and response.json()["episode_status"] == "stepped_up"
    response = api.post(
        f"{BASE}{episode.pk}/step-down/",
        {
            "lead_professional": episode.lead_professional_id,
            "lead_agency": episode.lead_agency.code,
            "need_level": episode.need_level.level,
            "offer": "community_plus",
            "started_on": clock.today().isoformat(),
            "reason": "Social care closed",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["previous"] == str(episode.pk)
    assert api.get(f"{BASE}{episode.pk}/").json()["next_episode"] == response.json()["id"]


def test_contacts_and_taf_meetings(api, episode):
    child = FamilyMemberFactory(
        family=episode.family, person=PersonFactory(), role=FamilyMember.Role.CHILD
    ).person
    today = clock.today().isoformat()
    response = api.post(
        f"{BASE}{episode.pk}/contacts/",
        {
            "happened_on": today,
            "contact_kind": "home_visit",
            "seen": [str(child.pk)],
            "seen_alone": [str(child.pk)],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["seen_alone"] == [str(child.pk)]
    response = api.post(
        f"{BASE}{episode.pk}/contacts/",
        {"happened_on": today, "contact_kind": "phone", "seen": [str(PersonFactory().pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert [c["contact_kind"] for c in api.get(f"{BASE}{episode.pk}/contacts/").json()] == [
        "home_visit"
    ]
    assert Contact.objects.count() == 1
    response = api.post(
        f"{BASE}{episode.pk}/taf-meetings/",
        {"held_on": today, "family_attendees": [str(child.pk)], "decisions": "Carry on"},
        format="json",
    )
    assert response.status_code == 201
    assert len(api.get(f"{BASE}{episode.pk}/taf-meetings/").json()) == 1


def test_schema_lists_the_episode_endpoints(api):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in (
        "/api/v1/episodes/{id}/stage/",
        "/api/v1/episodes/{id}/step-down/",
        "/api/v1/episodes/{id}/contacts/",
    ):
        assert path in schema
    assert Episode.Status.STEPPED_UP in schema
