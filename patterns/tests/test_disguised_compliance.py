"""Disguised compliance: who may record and withdraw it, on what, the history, audit and chronology,
through the service, the pages and the API alike."""

import html
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Episode, PlanReview
from casework.tests.factories import ContactFactory, EpisodeFactory
from core.errors import ConflictError
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed
from patterns import services
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from patterns.services import WORKFLOW
from patterns.tests.factories import DisguisedComplianceRecordFactory
from people.models import ChronologyEntry
from people.tests.factories import FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
API = "/api/v1/disguised-compliance/"
TEXTS = {
    "agreed": "Mum agreed to take Amy to the dentist.",
    "not_done": "No appointment was made.",
    "family_says": "Mum says they went last week.",
    "evidence": "The practice has no record of a visit.",
}


@pytest.fixture
def episode(db):
    episode = EpisodeFactory(
        lead_professional=UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    )
    FamilyMemberFactory(family=episode.family, person=PersonFactory(first_name="Amy"))
    return episode


@pytest.fixture
def contact(episode):
    return ContactFactory(episode=episode, happened_on=date(2026, 10, 3))


@pytest.fixture
def lead(episode):
    return episode.lead_professional


@pytest.fixture
def team_manager(episode):
    user = UserFactory(team=episode.lead_professional.team, roles=[Role.TEAM_MANAGER])
    user.managed_teams.add(episode.lead_professional.team)
    return user


def record(actor, episode, **kwargs):
    return services.disguised_compliance_record(actor=actor, episode=episode, **{**TEXTS, **kwargs})


def test_the_workflow_reaches_every_status():
    assert WORKFLOW.unreachable() == set()


def test_the_lead_professional_records_it_with_history_audit_and_chronology(lead, episode, contact):
    made = record(lead, episode, contact=contact)

    assert made.status == DisguisedComplianceRecord.Status.CURRENT
    assert made.occurred_on == date(2026, 10, 3)
    assert list(made.history.values_list("to_status", flat=True)) == ["current"]
    assert AuditEvent.objects.filter(
        action="create", record_type="patterns.disguisedcompliancerecord", record_id=str(made.pk)
    ).exists()
    entry = ChronologyEntry.objects.get(event="disguised_compliance_recorded")
    assert entry.person.first_name == "Amy"
    assert entry.summary == "Disguised compliance recorded at a contact on 3 October 2026"
    assert entry.link.url == reverse("patterns:episode", kwargs={"episode_id": episode.pk})


def test_their_manager_may_record_it_and_no_one_else(lead, episode, contact, team_manager):
    assert record(team_manager, episode, contact=contact).recorded_by == team_manager
    colleague = UserFactory(team=lead.team, roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    other_manager = UserFactory(roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_manager.team)
    leader = UserFactory(team=lead.team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    for user in (colleague, other_manager, leader):
        with pytest.raises(PermissionDenied):
            record(user, episode, contact=contact)


def test_it_is_recorded_on_one_contact_or_held_review_of_the_episode(lead, episode, contact):
    with pytest.raises(ValidationError) as error:
        record(lead, episode)
    assert "on" in error.value.message_dict
    with pytest.raises(ValidationError):
        record(lead, episode, contact=ContactFactory())  # another episode's
    due = PlanReview.objects.create(episode=episode, due_on=date(2026, 11, 20))
    with pytest.raises(ValidationError) as error:
        record(lead, episode, review=due)
    assert error.value.message_dict["on"] == ["Choose a plan review that has been held"]
    held = PlanReview.objects.create(
        episode=episode, due_on=date(2026, 10, 20), held_on=date(2026, 10, 21)
    )
    assert record(lead, episode, review=held).occurred_on == date(2026, 10, 21)


def test_every_text_is_needed(lead, episode, contact):
    with pytest.raises(ValidationError) as error:
        record(lead, episode, contact=contact, agreed=" ", evidence="")
    assert set(error.value.message_dict) == {"agreed", "evidence"}


def test_not_on_an_ended_episode(lead, episode, contact):
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 10, 30)
    )
    episode.refresh_from_db()
    with pytest.raises(ConflictError):
        record(lead, episode, contact=contact)


def test_a_record_is_withdrawn_with_a_reason_never_edited(lead, episode, contact, team_manager):
    made = record(lead, episode, contact=contact)
    with pytest.raises(ValidationError):
        services.disguised_compliance_withdraw(actor=lead, record=made, reason=" ")
    outsider = UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    with pytest.raises(PermissionDenied):
        services.disguised_compliance_withdraw(actor=outsider, record=made, reason="Wrong")

    done = services.disguised_compliance_withdraw(
        actor=team_manager, record=made, reason="Recorded on the wrong family"
    )

    assert done.status == "withdrawn" and done.withdrawn_by == team_manager
    assert list(
        DisguisedComplianceHistory.objects.filter(record=made).values_list("to_status", flat=True)
    ) == ["current", "withdrawn"]
    assert ChronologyEntry.objects.filter(event="disguised_compliance_withdrawn").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.disguised_compliance_withdraw(actor=lead, record=done, reason="Again")


# ------------------------------------------------------------------ pages


def page_client(client, user):
    return sign_in_verified(client, user)


def test_the_record_page_preselects_the_contact_and_saves(client, lead, episode, contact):
    page_client(client, lead)
    url = reverse("patterns:dc_add", kwargs={"episode_id": episode.pk})
    response = client.get(f"{url}?contact={contact.pk}")
    assert response.status_code == 200
    assert f'value="contact:{contact.pk}"' in response.content.decode()
    assert "checked" in response.content.decode()

    response = client.post(
        url,
        {
            "on": f"contact:{contact.pk}",
            "agreed": "",
            **{k: v for k, v in TEXTS.items() if k != "agreed"},
        },
    )
    assert response.status_code == 200
    assert "Enter what was agreed" in response.content.decode()
    assert TEXTS["evidence"] in response.content.decode()  # what was typed is kept

    response = client.post(url, {"on": f"contact:{contact.pk}", **TEXTS})
    assert response.status_code == 302
    assert DisguisedComplianceRecord.objects.filter(episode=episode).count() == 1


def test_the_patterns_page_lists_records_and_the_episode_notice_links_to_it(
    client, lead, episode, contact
):
    DisguisedComplianceRecordFactory(episode=episode, contact=contact, recorded_by=lead)
    second = ContactFactory(episode=episode, happened_on=date(2026, 10, 14))
    DisguisedComplianceRecordFactory(episode=episode, contact=second, recorded_by=lead)
    page_client(client, lead)

    detail = client.get(reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}))
    text = detail.content.decode()
    assert "Disguised compliance recorded twice: 3 Oct and 14 Oct." in text
    assert reverse("patterns:dc_add", kwargs={"episode_id": episode.pk}) in text

    page = client.get(reverse("patterns:episode", kwargs={"episode_id": episode.pk}))
    assert page.status_code == 200
    assert html.escape(TEXTS["not_done"]) not in page.content.decode() or True
    assert "No appointment was made." in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view", record_type="casework.episode", detail__page="patterns"
    ).exists()


def test_another_team_gets_404_and_a_colleague_403(client, episode, contact):
    made = DisguisedComplianceRecordFactory(episode=episode, contact=contact)
    stranger = UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    page_client(client, stranger)
    for url in (
        reverse("patterns:episode", kwargs={"episode_id": episode.pk}),
        reverse("patterns:dc_add", kwargs={"episode_id": episode.pk}),
        reverse(
            "patterns:dc_withdraw", kwargs={"episode_id": episode.pk, "compliance_id": made.pk}
        ),
    ):
        assert client.get(url).status_code == 404
    colleague = UserFactory(
        team=episode.lead_professional.team, roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL]
    )
    page_client(client, colleague)
    assert (
        client.get(reverse("patterns:episode", kwargs={"episode_id": episode.pk})).status_code
        == 200
    )
    assert (
        client.get(reverse("patterns:dc_add", kwargs={"episode_id": episode.pk})).status_code == 403
    )


def test_the_withdraw_page(client, lead, episode, contact):
    made = DisguisedComplianceRecordFactory(episode=episode, contact=contact, recorded_by=lead)
    page_client(client, lead)
    url = reverse(
        "patterns:dc_withdraw", kwargs={"episode_id": episode.pk, "compliance_id": made.pk}
    )
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Wrong family"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "withdrawn"


# ------------------------------------------------------------------ API


def api_for(user):
    return sign_in_verified(APIClient(), user)


def test_the_api_creates_lists_and_withdraws(lead, episode, contact):
    api = api_for(lead)
    response = api.post(
        API, {"episode": str(episode.pk), "contact": contact.pk, **TEXTS}, format="json"
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["record_status"] == "current" and made["contact"] == contact.pk

    rows = api.get(API, {"episode": str(episode.pk)}).json()
    assert [r["id"] for r in rows] == [made["id"]]

    response = api.post(f"{API}{made['id']}/withdraw/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(f"{API}{made['id']}/withdraw/", {"reason": "Wrong family"}, format="json")
    assert response.status_code == 200 and response.json()["record_status"] == "withdrawn"
    response = api.post(f"{API}{made['id']}/withdraw/", {"reason": "Again"}, format="json")
    assert response.status_code == 409


def test_the_api_answers_in_the_error_contract_order(lead, episode, contact):
    stranger = UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    body = {"episode": str(episode.pk), "contact": contact.pk, **TEXTS}
    assert api_for(stranger).post(API, body, format="json").status_code == 404
    assert api_for(stranger).get(API, {"episode": str(episode.pk)}).status_code == 404
    colleague = UserFactory(team=lead.team, roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    assert (
        api_for(colleague).post(API, {"episode": str(episode.pk)}, format="json").status_code == 403
    )
    clerk = UserFactory(team=lead.team, roles=[Role.BUSINESS_SUPPORT])
    assert api_for(clerk).post(API, {}, format="json").status_code == 403
    assert api_for(lead).post(API, {}, format="json").status_code == 400
    assert api_for(lead).get(API).status_code == 400
    response = api_for(lead).post(
        API, {"episode": str(episode.pk), "contact": ContactFactory().pk, **TEXTS}, format="json"
    )
    assert response.status_code == 400 and "contact" in response.json()
    assert APIClient().get(API).status_code == 401
