"""A plan action hands the family over to a directory service: the offer app's referral holds
the handover and, later, the uptake; the plan page shows it (issue 14)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import plans
from casework.models import PlanAction
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core import clock, records
from core.models import AuditEvent
from directory.tests.factories import ServiceFactory
from offer import services as offer_services
from offer.models import Referral
from offer.tests.factories import OfferPolicyFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def lead(team):
    OfferPolicyFactory()
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead)


@pytest.fixture
def outcome(episode):
    return make_outcome(plan=make_plan(episode=episode))


@pytest.fixture
def service(db):
    return ServiceFactory(name="Citizens Advice Kirklees")


def _client(user):
    return sign_in_verified(Client(), user)


def _url(name, episode, **kw):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk, **kw})


def _child(episode):
    return episode.family.members.filter(role="child").first().person


def _post(episode, outcome, **overrides):
    today = clock.today()
    data = {
        "what": "Book a debt advice appointment",
        "what_child_words": "",
        "doer": "lead_professional",
        "who": "",
        "by_when_0": str(today.day),
        "by_when_1": str(today.month),
        "by_when_2": str(today.year),
        "agency": "",
        "service": "",
        "handover_to": "",
        "handover_on_0": "",
        "handover_on_1": "",
        "handover_on_2": "",
        "agreed_with_family": "",
        "version": str(outcome.plan.version),
    }
    data.update(overrides)
    return data


def _handover(service, today):
    return {
        "service": str(service.pk),
        "handover_to": "Pat Green, adviser",
        "handover_on_0": str(today.day),
        "handover_on_1": str(today.month),
        "handover_on_2": str(today.year),
        "agreed_with_family": "yes",
    }


def test_action_with_a_service_makes_a_referral(lead, episode, outcome, service):
    child = _child(episode)
    today = clock.today()
    response = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        _post(episode, outcome, concerns=[str(child.pk)], **_handover(service, today)),
    )
    assert response.status_code == 302, response.context["form"].errors
    action = PlanAction.objects.get()
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.PLAN_ACTION
    assert (referral.source_type, referral.source_id) == ("plan_action", str(action.pk))
    assert referral.family == episode.family
    assert list(referral.people.all()) == [child]
    assert referral.service == service
    assert referral.handover_to == "Pat Green, adviser"
    assert referral.handover_on == today
    assert referral.agreed_with_family is True
    assert referral.status == Referral.Status.HANDED_OVER
    event = AuditEvent.objects.get(
        action="create", record_type="casework.planaction", record_id=str(action.pk)
    )
    assert event.detail["offer_referral"] == referral.pk
    assert AuditEvent.objects.filter(
        action="create", record_type="offer.referral", record_id=str(referral.pk)
    ).exists()


def test_no_concerns_refers_the_outcomes_people_or_the_family(lead, episode, outcome, service):
    plans.plan_action_add(
        actor=lead,
        outcome=outcome,
        expected_version=outcome.plan.version,
        what="Debt advice",
        doer="lead_professional",
        by_when=clock.today(),
        signpost=plans.Signpost(service=service),
    )
    referral = Referral.objects.get()
    assert {p.pk for p in referral.people.all()} == set(
        episode.family.members.values_list("person_id", flat=True)
    )
    assert referral.agreed_with_family is False


def test_no_service_makes_no_referral(lead, episode, outcome):
    response = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        _post(episode, outcome, handover_to="Typed but no service"),
    )
    assert response.status_code == 302
    assert PlanAction.objects.count() == 1
    assert not Referral.objects.exists()


def test_bad_service_is_a_form_error_and_nothing_saved(lead, episode, outcome):
    retired = ServiceFactory(status="inactive")
    for bad in ("nope", str(retired.pk)):
        response = _client(lead).post(
            _url("plan_action_add", episode, outcome_id=outcome.pk),
            _post(episode, outcome, service=bad),
        )
        assert response.status_code == 200
        assert "Choose a service from the directory" in response.content.decode()
    assert not PlanAction.objects.exists()
    assert not Referral.objects.exists()


def test_refusal_from_the_offer_app_saves_nothing(lead, episode, outcome, service):
    response = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        _post(
            episode,
            outcome,
            service=str(service.pk),
            handover_on_0="1",
            handover_on_1="1",
            handover_on_2=str(clock.today().year + 1),
        ),
    )
    assert response.status_code == 200
    assert not PlanAction.objects.exists()
    assert not Referral.objects.exists()


def test_editing_an_action_can_hand_over_once(lead, episode, outcome, service):
    action = make_action(outcome=outcome, what="Debt advice")
    url = _url("plan_action_edit", episode, action_id=action.pk)
    data = _post(
        episode, outcome, what="Debt advice", status="open", **_handover(service, clock.today())
    )
    assert _client(lead).post(url, data).status_code == 302
    assert Referral.objects.get().source_id == str(action.pk)
    data["version"] = str(outcome.plan.__class__.objects.get(pk=outcome.plan_id).version)
    again = _client(lead).post(url, data)
    assert again.status_code == 200
    assert plans.ALREADY_REFERRED in again.content.decode()
    assert Referral.objects.count() == 1


def test_plan_page_shows_status_position_and_uptake(lead, episode, outcome, service):
    action = make_action(outcome=outcome)
    plan = outcome.plan
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=plan.version,
        changes={},
        signpost=plans.Signpost(service=service, handover_to="Pat Green"),
    )
    full = ProgrammeFactory(capacity=0)
    plan.refresh_from_db()
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=plan.version,
        changes={},
        signpost=plans.Signpost(service=full.service),
    )
    client = _client(lead)
    body = client.get(_url("plan", episode)).content.decode()
    signpost = Referral.objects.get(service=service)
    waiting = Referral.objects.get(service=full.service)
    assert waiting.status == Referral.Status.WAITING
    assert "Handed over" in body and "number 1 on the list" in body
    assert reverse("offer:referral", kwargs={"referral_id": signpost.pk}) in body
    assert reverse("offer:referral", kwargs={"referral_id": waiting.pk}) in body
    offer_services.referral_uptake_record(actor=lead, referral=signpost, taken_up=False)
    body = client.get(_url("plan", episode)).content.decode()
    assert "Not taken up" in body


def test_referral_links_back_to_the_plan(lead, episode, outcome, service):

    action = make_action(outcome=outcome)
    link = records.link_for("plan_action", str(action.pk))
    assert link.url == _url("plan", episode)


def test_api_adds_an_action_with_a_referral_and_refuses_a_bad_service(
    lead, episode, outcome, service
):
    api = sign_in_verified(APIClient(), lead)
    url = f"/api/v1/episode-plans/{episode.pk}/actions/"
    body = {
        "version": outcome.plan.version,
        "outcome_id": outcome.pk,
        "what": "Debt advice",
        "doer": "lead_professional",
        "by_when": clock.today().isoformat(),
    }
    for bad in ("nope", "00000000-0000-4000-8000-000000000000"):
        refused = api.post(url, {**body, "service": bad}, format="json")
        assert refused.status_code == 400
        assert "service" in refused.json()
    assert not PlanAction.objects.exists()
    response = api.post(
        url,
        {
            **body,
            "service": str(service.pk),
            "handover_to": "Pat Green",
            "agreed_with_family": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.PLAN_ACTION
    assert referral.handover_to == "Pat Green" and referral.agreed_with_family
    (shown,) = response.json()["outcomes"][0]["actions"][0]["referrals"]
    assert shown["id"] == referral.pk and shown["status"] == "handed_over"
    assert shown["service"] == str(service.pk) and shown["handover_to"] == "Pat Green"


HOSTILE = "<script>xss(1)</script> O'Brien"


def test_hostile_service_and_handover_are_escaped_on_the_plan(lead, episode, outcome):
    service = ServiceFactory(name=HOSTILE)
    action = make_action(outcome=outcome)
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=outcome.plan.version,
        changes={},
        signpost=plans.Signpost(service=service, handover_to=HOSTILE),
    )
    body = _client(lead).get(_url("plan", episode)).content.decode()
    assert "<script>xss(1)" not in body
    assert "&lt;script&gt;xss(1)&lt;/script&gt; O&#x27;Brien" in body
