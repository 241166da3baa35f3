"""Management oversight (seed 001 §9): a manager's notes on an episode, and the step up and step
down needing a manager's recorded agreement, used once, through the page and the API alike."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import oversight, services
from casework.models import Episode, EpisodeOversight
from casework.tests.factories import (
    EpisodeFactory,
    EpisodeOversightFactory,
    agree_step,
    team_manager_for,
)
from core.errors import ConflictError
from people.models import ChronologyEntry, FamilyMember
from people.tests.factories import FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Kind = EpisodeOversight.Kind


@pytest.fixture
def episode():
    episode = EpisodeFactory()
    FamilyMemberFactory(family=episode.family, person=PersonFactory(), role=FamilyMember.Role.CHILD)
    return episode


@pytest.fixture
def manager(episode):
    return team_manager_for(episode)


def _step_up(actor, episode):
    return services.episode_step_up(actor=actor, episode=episode, reason="Threshold met")


def _step_down(actor, episode):
    lead = episode.lead_professional
    return services.episode_step_down(
        actor=actor,
        from_episode=episode,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=episode.need_level,
        offer=Episode.Offer.TARGETED,
        started_on=date(2026, 11, 2),
        reason="Social care closed",
    )


# ---------------------------------------------------------------- the step up needs a manager


def test_step_up_is_refused_without_a_managers_agreement(episode, manager):
    with pytest.raises(ValidationError) as refused:
        _step_up(episode.lead_professional, episode)
    name = manager.get_full_name()
    assert refused.value.messages == [f"A manager must agree to the step up first: ask {name}"]
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN


def test_step_up_goes_ahead_with_a_managers_agreement_and_uses_it(episode, manager):
    agreement = agree_step(episode, by=manager)
    _step_up(episode.lead_professional, episode)
    agreement.refresh_from_db()
    assert agreement.used_at is not None and agreement.used_for_id == episode.pk
    episode.refresh_from_db()
    assert episode.status == Episode.Status.STEPPED_UP


def test_an_agreement_by_someone_who_is_not_a_manager_does_not_count(episode):
    colleague = UserFactory(team=episode.lead_professional.team, roles=[Role.PRACTITIONER])
    EpisodeOversightFactory(episode=episode, kind=Kind.AGREE_STEP_UP, by=colleague)
    with pytest.raises(ValidationError):
        _step_up(episode.lead_professional, episode)


def test_a_non_manager_cannot_record_an_agreement(episode):
    with pytest.raises(PermissionDenied):
        oversight.episode_oversight_record(
            actor=episode.lead_professional, episode=episode, kind=Kind.AGREE_STEP_UP, text="Yes"
        )


def test_an_agreement_is_used_once(episode, manager):
    agree_step(episode, by=manager)
    _step_up(episode.lead_professional, episode)
    agree_step_down = oversight.step_agreement_check
    # The step up's agreement cannot be used again: a step down needs its own.
    with pytest.raises(ValidationError) as refused:
        agree_step_down(actor=episode.lead_professional, episode=episode, kind=Kind.AGREE_STEP_DOWN)
    assert "step down first" in refused.value.messages[0]
    assert EpisodeOversight.objects.filter(used_at__isnull=True).count() == 0


def test_a_manager_stepping_up_records_their_own_agreement_with_their_reason(episode, manager):
    _step_up(manager, episode)
    (agreement,) = EpisodeOversight.objects.filter(episode=episode)
    assert (agreement.kind, agreement.by, agreement.text) == (
        Kind.AGREE_STEP_UP,
        manager,
        "Threshold met",
    )
    assert agreement.used_for_id == episode.pk


def test_step_down_by_the_last_lead_professional_needs_an_agreement(episode, manager):
    _step_up(manager, episode)
    with pytest.raises(ValidationError):
        _step_down(episode.lead_professional, episode)
    assert not Episode.objects.filter(previous=episode).exists()
    agreement = agree_step(episode, Kind.AGREE_STEP_DOWN, by=manager)
    new = _step_down(episode.lead_professional, episode)
    agreement.refresh_from_db()
    assert agreement.used_for_id == new.pk


def test_agreements_need_the_right_state(episode, manager):
    with pytest.raises(ConflictError):
        agree_step(episode, Kind.AGREE_STEP_DOWN, by=manager)
    _step_up(manager, episode)
    with pytest.raises(ConflictError):
        agree_step(episode, Kind.AGREE_STEP_UP, by=manager)


# ---------------------------------------------------------------- notes


def test_a_note_goes_on_the_childrens_chronology_in_the_services_words(episode, manager):
    oversight.episode_oversight_record(
        actor=manager, episode=episode, text="<script>alert(1)</script> Plan is drifting"
    )
    (entry,) = ChronologyEntry.objects.filter(event="oversight_note")
    assert entry.summary == f"Management oversight note recorded by {manager.get_full_name()}"
    assert "script" not in entry.summary


def test_a_note_needs_text_and_a_manager(episode, manager):
    with pytest.raises(ValidationError):
        oversight.episode_oversight_record(actor=manager, episode=episode, text="  ")
    other_manager = UserFactory(roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_manager.team)
    with pytest.raises(PermissionDenied):
        oversight.episode_oversight_record(actor=other_manager, episode=episode, text="x")
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    assert oversight.episode_oversight_record(actor=leader, episode=episode, text="Seen").pk


# ---------------------------------------------------------------- the page and the API


def test_the_page_records_an_agreement_and_the_step_up_page_refuses_without_one(episode, manager):
    lead_client = sign_in_verified(Client(), episode.lead_professional)
    url = reverse("casework:episode_step_up", kwargs={"episode_id": episode.pk})
    response = lead_client.post(url, {"reason": "Threshold met"})
    assert response.status_code == 200
    assert "A manager must agree to the step up first" in response.content.decode()
    assert (
        lead_client.get(
            reverse("casework:episode_oversight", kwargs={"episode_id": episode.pk})
        ).status_code
        == 403
    )

    manager_client = sign_in_verified(Client(), manager)
    detail = manager_client.get(
        reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    )
    assert "Add a management oversight note" in detail.content.decode()
    response = manager_client.post(
        reverse("casework:episode_oversight", kwargs={"episode_id": episode.pk}),
        {"kind": Kind.AGREE_STEP_UP, "text": "Agreed <b>now</b>"},
    )
    assert response.status_code == 302
    detail = manager_client.get(
        reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    )
    assert "Agreed &lt;b&gt;now&lt;/b&gt;" in detail.content.decode()

    response = lead_client.post(url, {"reason": "Threshold met"})
    assert response.status_code == 302


def test_the_api_refuses_the_step_up_alike_and_records_oversight(episode, manager):
    lead_api = sign_in_verified(APIClient(), episode.lead_professional)
    step_up = f"/api/v1/episodes/{episode.pk}/step-up/"
    response = lead_api.post(step_up, {"reason": "Threshold met"}, format="json")
    assert response.status_code == 400
    assert "A manager must agree to the step up first" in str(response.json())

    oversight_url = f"/api/v1/episodes/{episode.pk}/oversight/"
    assert lead_api.post(oversight_url, {"text": "x"}, format="json").status_code == 403
    manager_api = sign_in_verified(APIClient(), manager)
    assert manager_api.post(oversight_url, {"text": ""}, format="json").status_code == 400
    response = manager_api.post(
        oversight_url, {"oversight_kind": "agree_step_up", "text": "Agreed"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["used_at"] is None
    assert lead_api.post(step_up, {"reason": "Threshold met"}, format="json").status_code == 200
    rows = lead_api.get(oversight_url).json()
    assert [(r["oversight_kind"], r["used_for"]) for r in rows] == [
        ("agree_step_up", str(episode.pk))
    ]


def test_a_used_agreement_does_not_count_again(episode, manager):
    agreement = agree_step(episode, by=manager)
    EpisodeOversight.objects.filter(pk=agreement.pk).update(
        used_at=timezone.now(), used_for=episode
    )
    with pytest.raises(ValidationError):
        _step_up(episode.lead_professional, episode)
