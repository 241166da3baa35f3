"""Professional challenge: raising an escalation, moving it on a stage, resolving it; who may; the
plan action's agency; the episode notice; the pages and the API; the council pack section."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import plans
from casework.tests.factories import EpisodeFactory
from casework.tests.factories_plans import make_action, make_outcome, make_plan
from core.concurrency import StaleVersionError
from core.council_pack import PackError, load_council_pack
from core.errors import ConflictError
from core.notices import notices_for
from core.tests.factories import AgencyFactory
from oversight import selectors, services
from oversight.models import Escalation, SupervisionPolicy
from oversight.tests.factories import EscalationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Stage = Escalation.Stage


@pytest.fixture
def episode():
    return EpisodeFactory()


@pytest.fixture
def school():
    return AgencyFactory(name="Hilltop Primary School")


def _raise(episode, agency, **kw):
    values = {
        "actor": episode.lead_professional,
        "episode": episode,
        "agency": agency,
        "to_whom": "Head teacher",
        "concern": "The attendance plan agreed at the TAF has not started",
    }
    return services.escalation_raise(**{**values, **kw})


def test_raise_move_on_and_resolve_with_history(episode, school):
    escalation = _raise(episode, school)
    assert (escalation.stage, escalation.status, escalation.raised_on) == (
        Stage.PRACTITIONER,
        Escalation.Status.OPEN,
        date(2026, 11, 2),
    )
    lead = episode.lead_professional
    with pytest.raises(ValidationError):  # never back, nor the same stage
        services.escalation_move_on(
            actor=lead,
            escalation=escalation,
            expected_version=1,
            stage=Stage.PRACTITIONER,
            to_whom="x",
            note="x",
        )
    moved = services.escalation_move_on(
        actor=lead,
        escalation=escalation,
        expected_version=1,
        stage=Stage.MANAGER,
        to_whom="The school's deputy head",
        note="No reply in two weeks",
    )
    assert moved.stage == Stage.MANAGER and moved.version == 2
    with pytest.raises(StaleVersionError):
        services.escalation_resolve(
            actor=lead, escalation=escalation, expected_version=1, outcome="Started"
        )
    resolved = services.escalation_resolve(
        actor=lead, escalation=escalation, expected_version=2, outcome="The plan started"
    )
    assert resolved.status == Escalation.Status.RESOLVED
    assert resolved.resolved_on == date(2026, 11, 2)
    assert [h.event for h in selectors.escalation_history(resolved)] == [
        "raised",
        "moved_on",
        "resolved",
    ]
    with pytest.raises(ConflictError):
        services.escalation_resolve(
            actor=lead, escalation=escalation, expected_version=3, outcome="Again"
        )


def test_who_may_escalate(episode, school, other_team):
    colleague = UserFactory(team=episode.lead_professional.team, roles=[Role.PRACTITIONER])
    business = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    for actor in (colleague, business):
        with pytest.raises(PermissionDenied):
            _raise(episode, school, actor=actor)
    manager = UserFactory(team=episode.lead_professional.team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(episode.lead_professional.team)
    assert _raise(episode, school, actor=manager).pk


def test_the_plan_action_must_be_the_episodes_and_names_its_agency(episode, school):
    plan = make_plan(episode=episode)
    action = make_action(outcome=make_outcome(plan=plan), what="Attendance plan")
    other = make_action(outcome=make_outcome(plan=make_plan(episode=EpisodeFactory())))
    with pytest.raises(ValidationError) as refused:
        _raise(episode, school, plan_action=other)
    assert "plan_action" in refused.value.message_dict
    plans.plan_action_update(
        actor=episode.lead_professional,
        action=action,
        expected_version=plan.version,
        changes={"agency": school},
    )
    action.refresh_from_db()
    assert action.agency == school
    assert _raise(episode, school, plan_action=action).plan_action == action


def test_required_text_and_no_future_dates(episode, school):
    with pytest.raises(ValidationError) as refused:
        _raise(episode, None, to_whom="", concern="", raised_on=date(2026, 12, 1))
    assert set(refused.value.message_dict) == {"agency", "to_whom", "concern", "raised_on"}


def test_the_episode_shows_open_escalations(episode, school):
    _raise(episode, school)
    notices = notices_for("episode", user=episode.lead_professional, record=episode)
    (notice,) = [n for n in notices if n.key == "escalation"]
    assert notice.lines == (
        "Escalated to Hilltop Primary School on 2 Nov 2026: stage 1. Practitioner to practitioner",
    )
    assert [n.key for n in notices if n.key == "escalate"] == ["escalate"]


def test_pages_scope_and_hostile_text(episode, school, other_team):
    escalation = EscalationFactory(
        episode=episode, agency=school, concern="<script>alert(1)</script>"
    )
    lead = sign_in_verified(Client(), episode.lead_professional)
    page = lead.get(reverse("oversight:escalation", args=[escalation.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert lead.get(reverse("oversight:escalations")).status_code == 200
    response = lead.post(
        reverse("oversight:escalation_move_on", args=[escalation.pk]),
        {"version": "1", "stage": Stage.MANAGER, "to_whom": "Deputy head", "note": ""},
    )
    assert response.status_code == 200  # the form again, with what was typed
    assert "Deputy head" in response.content.decode()
    response = lead.post(
        reverse("oversight:escalation_new", args=[episode.pk]),
        {"agency": school.pk, "to_whom": "Head", "stage": Stage.PRACTITIONER, "concern": "Late"},
    )
    assert response.status_code == 302
    stranger = UserFactory(team=other_team, roles=[Role.LEAD_PROFESSIONAL])
    other = sign_in_verified(Client(), stranger)
    assert other.get(reverse("oversight:escalation", args=[escalation.pk])).status_code == 404
    assert other.get(reverse("oversight:escalation_new", args=[episode.pk])).status_code == 404


def test_the_api_raises_moves_on_and_resolves(episode, school):
    api = sign_in_verified(APIClient(), episode.lead_professional)
    body = {
        "episode": str(episode.pk),
        "agency": school.code,
        "to_whom": "Head teacher",
        "concern": "Not started",
    }
    assert (
        api.post("/api/v1/escalations/", {**body, "agency": "nope"}, format="json").status_code
        == 400
    )
    response = api.post("/api/v1/escalations/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["escalation_stage"] == "1" and len(created["history"]) == 1
    url = f"/api/v1/escalations/{created['id']}/"
    move = {"version": 1, "escalation_stage": "3", "to_whom": "Head of service", "note": "Slow"}
    assert api.post(url + "move-on/", move, format="json").status_code == 200
    assert (
        api.post(url + "resolve/", {"version": 1, "outcome": "x"}, format="json").status_code == 409
    )
    response = api.post(url + "resolve/", {"version": 2, "outcome": "Done"}, format="json")
    assert response.json()["escalation_status"] == "resolved"
    assert [r["id"] for r in api.get("/api/v1/escalations/").json()["results"]] == [created["id"]]


def test_the_pack_sets_the_cadence_and_prompts():
    load_council_pack(
        {
            **_tiny_pack(),
            "supervision": {
                "every_weeks": 6,
                "prompts": [{"key": "drift", "question": "Is the plan moving?"}],
            },
        }
    )
    policy = selectors.policy()
    assert (policy.every_weeks, policy.prompts) == (
        6,
        [{"key": "drift", "question": "Is the plan moving?"}],
    )
    with pytest.raises(PackError):
        load_council_pack({**_tiny_pack(), "supervision": {"every_weeks": 0}})
    assert SupervisionPolicy.objects.get().every_weeks == 6


def _tiny_pack() -> dict:
    from core.council_pack import read_pack

    return dict(read_pack("core/tests/packs/tiny.yaml"))
