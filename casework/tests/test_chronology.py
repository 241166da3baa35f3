"""Each of an episode's events is on the children's chronology, linked to the episode: opened,
stage, step up, step down, a child not brought to an appointment, a review and the closure."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import plans, services
from casework.models import Contact, Episode
from casework.tests.factories import EpisodeFactory, agree_step
from casework.tests.factories_plans import make_episode
from core import clock
from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory
from people.models import ChronologyEntry, FamilyMember
from people.tests.factories import AdultFactory, FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def episode():
    return EpisodeFactory()


@pytest.fixture
def lead(episode):
    return episode.lead_professional


@pytest.fixture
def family(episode):
    """Two children and a parent."""
    kids = [
        FamilyMemberFactory(family=episode.family, person=PersonFactory(), role="child").person
        for _ in range(2)
    ]
    parent = FamilyMemberFactory(
        family=episode.family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
    ).person
    return kids, parent


def _on(event):
    return list(ChronologyEntry.objects.filter(event=event))


def _episode_link(episode):
    return ("episode", str(episode.pk), reverse("casework:episode_detail", args=[episode.pk]))


def test_opening_an_episode_is_on_each_childs_chronology_not_the_parents():
    worker = UserFactory(roles=[Role.PRACTITIONER])
    new_family = FamilyMemberFactory(person=PersonFactory(), role="child").family
    child = new_family.members.get().person
    parent = FamilyMemberFactory(
        family=new_family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
    ).person
    opened = services.episode_open(
        actor=worker,
        family=new_family,
        lead_professional=worker,
        lead_agency=worker.agency,
        need_level=NeedLevelFactory(level=3),
        offer=Episode.Offer.TARGETED,
        started_on=clock.today() - timedelta(days=3),
    )
    (entry,) = _on("episode_opened")
    assert entry.person == child and entry.occurred_on == opened.started_on
    assert entry.summary == f"Early help episode opened, led by {worker.agency.name}"
    assert (entry.record_type, entry.record_id, entry.link.url) == _episode_link(opened)
    assert entry.recorded_by == worker and entry.is_system
    assert not ChronologyEntry.objects.filter(person=parent).exists()
    audit = AuditEvent.objects.get(record_type="people.chronologyentry")
    assert audit.record_id == f"episode:{opened.pk}"
    assert audit.detail == {"event": "episode_opened", "people": 1}


def test_a_stage_change_names_the_stage(episode, lead, family):
    kids, _ = family
    services.episode_change_stage(actor=lead, episode=episode, to_stage=3, reason="Going well")
    entries = _on("stage")
    assert {e.person for e in entries} == set(kids)
    assert {e.summary for e in entries} == {"Episode moved to stage 3: Maintaining progress"}
    assert {(e.record_type, e.record_id, e.link.url) for e in entries} == {_episode_link(episode)}


def test_step_up_and_step_down_are_each_one_entry_per_child(episode, lead, family):
    kids, _ = family
    agree_step(episode)
    services.episode_step_up(actor=lead, episode=episode, reason="Threshold met")
    up = _on("step_up")
    assert {e.person for e in up} == set(kids)
    assert {(e.summary, e.category) for e in up} == {
        ("Stepped up to children’s social care", ChronologyEntry.Category.SAFEGUARDING)
    }
    assert {(e.record_type, e.record_id) for e in up} == {("episode", str(episode.pk))}
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    new = services.episode_step_down(
        actor=leader,
        from_episode=episode,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=episode.need_level,
        offer=Episode.Offer.COMMUNITY_PLUS,
        started_on=clock.today(),
        reason="Social care closed",
    )
    down = _on("episode_stepped_down")
    assert {e.person for e in down} == set(kids)
    assert {(e.summary, e.record_id) for e in down} == {
        (f"Stepped down: a new early help episode opened, led by {lead.agency.name}", str(new.pk))
    }
    assert _on("episode_opened") == [] and _on("episode_closed") == []


def test_was_not_brought_names_the_child_and_the_appointment(episode, lead, family):
    (first, second), parent = family
    contact = services.contact_record(
        actor=lead,
        episode=episode,
        happened_on=clock.today() - timedelta(days=1),
        kind=Contact.Kind.WAS_NOT_BROUGHT,
        not_brought=[second],
        appointment="Health visitor check",
    )
    assert list(contact.not_brought.all()) == [second]
    assert contact.appointment == "Health visitor check"
    (entry,) = _on("was_not_brought")
    assert entry.person == second
    assert entry.summary == "Was not brought to health visitor check"
    assert entry.category == ChronologyEntry.Category.WAS_NOT_BROUGHT
    assert entry.occurred_on == clock.today() - timedelta(days=1)
    assert (entry.record_type, entry.record_id) == ("episode", str(episode.pk))


@pytest.mark.parametrize(
    ("kind", "fields", "errors"),
    [
        (Contact.Kind.WAS_NOT_BROUGHT, {}, {"not_brought", "appointment"}),
        (Contact.Kind.WAS_NOT_BROUGHT, {"appointment": "Dentist", "adult": True}, {"not_brought"}),
        (
            Contact.Kind.HOME_VISIT,
            {"appointment": "Dentist", "child": True},
            {"not_brought", "appointment"},
        ),
        (Contact.Kind.WAS_NOT_BROUGHT, {"appointment": "x" * 201, "child": True}, {"appointment"}),
    ],
)
def test_was_not_brought_rules(episode, lead, family, kind, fields, errors):
    (child, _), parent = family
    people = [child] if fields.get("child") else [parent] if fields.get("adult") else []
    with pytest.raises(ValidationError) as error:
        services.contact_record(
            actor=lead,
            episode=episode,
            happened_on=clock.today(),
            kind=kind,
            not_brought=people,
            appointment=fields.get("appointment", ""),
        )
    assert set(error.value.message_dict) == errors
    assert not Contact.objects.exists() and not ChronologyEntry.objects.exists()


def test_an_ordinary_contact_writes_nothing_on_the_chronology(episode, lead, family):
    kids, _ = family
    services.contact_record(
        actor=lead, episode=episode, happened_on=clock.today(), kind=Contact.Kind.PHONE
    )
    assert not ChronologyEntry.objects.exists()


def test_a_review_is_on_each_childs_chronology(team):
    lead = UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])
    episode = make_episode(lead_professional=lead, started_on=clock.today() - timedelta(weeks=8))
    plans.plan_start(actor=lead, episode=episode)
    ChronologyEntry.objects.all().delete()
    plans.review_record(
        actor=lead, review=plans.next_review(episode), held_on=clock.today() - timedelta(days=2)
    )
    entries = _on("review")
    kids = {m.person for m in episode.family.members.filter(role="child")}
    assert kids and {e.person for e in entries} == kids
    assert {(e.summary, e.occurred_on, e.record_id) for e in entries} == {
        ("Family plan reviewed", clock.today() - timedelta(days=2), str(episode.pk))
    }


def test_closing_without_a_panel_case_is_on_the_chronology(episode, lead, family):
    kids, _ = family
    services.contact_record(
        actor=lead, episode=episode, happened_on=clock.today(), kind=Contact.Kind.PHONE
    )
    services.episode_send_closure(
        actor=lead,
        episode=episode,
        reason=Episode.EndReason.NEEDS_MET,
        outcomes_achieved="Better",
        exit_plan="School",
    )
    closed = _on("episode_closed")
    assert {e.person for e in closed} == set(kids)
    assert {e.summary for e in closed} == {"Early help episode closed: needs met"}


# ---------------------------------------------------------------- the page and the API agree


def _page_post(lead, episode, data):
    url = reverse("casework:episode_contact_new", kwargs={"episode_id": episode.pk})
    day = clock.today()
    body = {"happened_on_0": day.day, "happened_on_1": day.month, "happened_on_2": day.year}
    return sign_in_verified(Client(), lead).post(url, {**body, **data})


def _api_post(lead, episode, data):
    url = f"/api/v1/episodes/{episode.pk}/contacts/"
    body = {"happened_on": clock.today().isoformat(), **data}
    return sign_in_verified(APIClient(), lead).post(url, body, format="json")


def test_was_not_brought_page_and_api_record_the_same_and_refuse_the_same(episode, lead, family):
    (child, _), _parent = family
    missing = {"kind": "was_not_brought"}
    page = _page_post(lead, episode, missing)
    assert page.status_code == 200
    form_errors = {k: list(v) for k, v in page.context["form"].errors.items()}
    api = _api_post(lead, episode, {"contact_kind": "was_not_brought"})
    assert api.status_code == 400
    expected = {
        "not_brought": ["Choose the child who was not brought"],
        "appointment": ["Enter the appointment the child was not brought to"],
    }
    assert form_errors == expected and api.json() == expected
    assert not Contact.objects.exists()

    page = _page_post(
        lead,
        episode,
        {"kind": "was_not_brought", "not_brought": [str(child.pk)], "appointment": "Dentist"},
    )
    assert page.status_code == 302
    api = _api_post(
        lead,
        episode,
        {
            "contact_kind": "was_not_brought",
            "not_brought": [str(child.pk)],
            "appointment": "Dentist",
        },
    )
    assert api.status_code == 201
    assert api.json()["not_brought"] == [str(child.pk)] and api.json()["appointment"] == "Dentist"
    rows = [(list(c.not_brought.all()), c.appointment) for c in Contact.objects.all()]
    assert rows == [([child], "Dentist"), ([child], "Dentist")]
    assert [e.summary for e in ChronologyEntry.objects.filter(person=child)] == [
        "Was not brought to dentist",
        "Was not brought to dentist",
    ]
    # The contacts table names the child and the appointment, not "No one / No one".
    detail = reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    html = sign_in_verified(Client(), lead).get(detail).content.decode()
    table = html[html.index('<h2 class="govuk-heading-m">Contacts</h2>') :]
    table = table[: table.index("</table>")]
    assert f"{child.first_name} {child.last_name} not brought to Dentist" in table
    assert "No one" not in table
