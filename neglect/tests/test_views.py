"""The neglect pages: who gets which page (the exact status for the exact child), what a page
audits, forms that keep what was typed, and the notices on the person and episode pages."""

import html
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.tests.factories import EpisodeFactory
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, EarlySupportAgencyFactory, TeamFactory
from neglect import notices as neglect_notices
from neglect.models import Category, GradedCareResult, NeglectConcern
from neglect.tests.factories import (
    GCP2_AREAS,
    NeglectConcernFactory,
    NeglectObservationFactory,
    child_of,
)
from people.tests.conftest import client_for
from people.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("practitioner", "lead", "manager", "es_leader", "business", "other_team", "panel")
RECORDERS = {"practitioner", "lead", "manager", "es_leader"}
OUTSIDERS = {"other_team", "panel"}


@pytest.fixture
def people(team, practitioner, lead, manager):
    return {
        "practitioner": practitioner,
        "lead": lead,
        "manager": manager,
        "es_leader": UserFactory(
            team=None, agency=EarlySupportAgencyFactory(), roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
        ),
        "business": UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT]),
        "other_team": UserFactory(team=TeamFactory(), roles=[Role.PRACTITIONER]),
        "panel": UserFactory(team=None, agency=AgencyFactory(), roles=[Role.PANEL_MEMBER]),
    }


@pytest.fixture
def concern(family, child, practitioner):
    concern = NeglectConcernFactory(family=family, child=child, recorded_by=practitioner)
    NeglectObservationFactory(concern=concern, category=Category.NUTRITIONAL)
    NeglectObservationFactory(concern=concern, category=Category.PHYSICAL)
    return concern


def _child_url(name, person):
    return reverse(name, kwargs={"person_id": person.pk})


def _concern_url(name, concern):
    return reverse(name, kwargs={"concern_id": concern.pk})


def _views_of(person):
    return AuditEvent.objects.filter(
        record_type="people.person", record_id=str(person.pk), action="view"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_childs_neglect_page_by_persona_and_audits(people, persona, concern, child):
    response = client_for(people[persona]).get(_child_url("neglect:child", child))

    expected = 404 if persona in OUTSIDERS else 200
    assert response.status_code == expected
    assert _views_of(child).count() == (0 if persona in OUTSIDERS else 1)
    if expected == 200:
        text = response.content.decode()
        assert "Often arrives at school hungry" in text
        assert ("Add what was seen" in text) == (persona in RECORDERS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name", ["neglect:observation_add", "neglect:concern_change", "neglect:concern_end"]
)
def test_concern_change_pages_by_persona(people, persona, concern, name, tool):
    client = client_for(people[persona])
    url = _concern_url(name, concern)

    get, post = client.get(url), client.post(url, {})

    if persona in OUTSIDERS:
        assert (get.status_code, post.status_code) == (404, 404)
    elif persona == "business":
        assert (get.status_code, post.status_code) == (403, 403)
    else:
        assert (get.status_code, post.status_code) == (200, 200)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["neglect:concern_record", "neglect:tool_result_add"])
def test_child_record_pages_by_persona(people, persona, child, name, tool):
    response = client_for(people[persona]).get(_child_url(name, child))

    expected = 404 if persona in OUTSIDERS else 403 if persona == "business" else 200
    assert response.status_code == expected


def test_an_adult_has_no_neglect_page(practitioner_client, mother):
    assert practitioner_client.get(_child_url("neglect:child", mother)).status_code == 404


def test_recording_a_concern_through_the_page(practitioner_client, family, child):
    episode = EpisodeFactory(family=family)
    response = practitioner_client.post(
        _child_url("neglect:concern_record", child),
        {
            "origin": f"episode:{episode.pk}",
            "identified_on_0": "30",
            "identified_on_1": "10",
            "identified_on_2": "2026",
            "lived_experience": "Cold and hungry most mornings.",
            "category": "nutritional",
            "seen": "Empty lunchbox.",
            "seen_by": "Sam Lee, school nurse",
            "seen_on_0": "29",
            "seen_on_1": "10",
            "seen_on_2": "2026",
        },
    )

    assert response.status_code == 302
    concern = NeglectConcern.objects.get(child=child)
    assert (concern.source, concern.episode) == (NeglectConcern.Source.EPISODE, episode)
    assert concern.observations.get().seen_by == "Sam Lee, school nurse"


def test_an_error_keeps_what_was_typed(practitioner_client, child):
    response = practitioner_client.post(
        _child_url("neglect:concern_record", child),
        {
            "origin": "other",
            "identified_on_0": "30",
            "identified_on_1": "10",
            "identified_on_2": "2099",
            "lived_experience": "Cold & hungry <most> mornings.",
            "category": "physical",
            "seen": "Thin coat.",
            "seen_by": "Teacher",
            "seen_on_0": "29",
            "seen_on_1": "10",
            "seen_on_2": "2026",
        },
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "The date must be today or in the past" in text
    assert html.escape("Cold & hungry <most> mornings.") in text
    assert not NeglectConcern.objects.exists()


def test_a_second_current_concern_is_refused_on_the_form(practitioner_client, concern, child):
    response = practitioner_client.post(
        _child_url("neglect:concern_record", child),
        {
            "origin": "other",
            "identified_on_0": "30",
            "identified_on_1": "10",
            "identified_on_2": "2026",
            "lived_experience": "Again.",
            "category": "physical",
            "seen": "Thin coat.",
            "seen_by": "Teacher",
            "seen_on_0": "29",
            "seen_on_1": "10",
            "seen_on_2": "2026",
        },
    )

    assert response.status_code == 200
    assert "already has a current neglect concern" in response.content.decode()


def test_a_stale_observation_form_says_so_and_saves_nothing(practitioner_client, concern):
    NeglectConcern.objects.filter(pk=concern.pk).update(version=5)
    response = practitioner_client.post(
        _concern_url("neglect:observation_add", concern),
        {
            "version": "1",
            "category": "emotional",
            "seen": "Withdrawn in class.",
            "seen_by": "Teacher",
            "seen_on_0": "1",
            "seen_on_1": "11",
            "seen_on_2": "2026",
        },
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "changed by someone else" in text
    assert "Withdrawn in class." in text
    assert concern.observations.count() == 2


def test_ending_a_concern_through_the_page(practitioner_client, concern):
    response = practitioner_client.post(
        _concern_url("neglect:concern_end", concern),
        {
            "version": "1",
            "ended_on_0": "2",
            "ended_on_1": "11",
            "ended_on_2": "2026",
            "reason": "improved",
        },
    )

    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == NeglectConcern.Status.ENDED
    # An ended concern's change pages send the reader back to the record.
    again = practitioner_client.get(_concern_url("neglect:concern_end", concern))
    assert again.status_code == 302


def test_recording_gcp2_grades_through_the_page(practitioner_client, concern, child, tool):
    data = {
        "done_on_0": "1",
        "done_on_1": "11",
        "done_on_2": "2026",
        "overall_grade": "4",
        "concern": str(concern.pk),
    }
    data.update({f"area_{i}": "4" for i, _ in enumerate(GCP2_AREAS)})

    response = practitioner_client.post(_child_url("neglect:tool_result_add", child), data)

    assert response.status_code == 302
    result = GradedCareResult.objects.get()
    assert result.area_grades == dict.fromkeys(GCP2_AREAS, 4)
    page = practitioner_client.get(_child_url("neglect:child", child)).content.decode()
    assert "Care of safety: 4" in page


def test_a_grade_outside_the_scale_is_refused_on_the_form(practitioner_client, child, tool):
    data = {"done_on_0": "1", "done_on_1": "11", "done_on_2": "2026", "overall_grade": "9"}
    data.update({f"area_{i}": "3" for i, _ in enumerate(GCP2_AREAS)})

    response = practitioner_client.post(_child_url("neglect:tool_result_add", child), data)

    assert response.status_code == 200
    assert not GradedCareResult.objects.exists()


def test_the_chronology_entry_links_to_the_concern(practitioner_client, concern, child):
    response = practitioner_client.get(_concern_url("neglect:concern", concern))

    assert response.status_code == 302
    assert response["Location"] == f"{_child_url('neglect:child', child)}#concern-{concern.pk}"


# --- notices on the person and episode pages


def test_the_person_page_shows_the_current_concern(practitioner_client, concern, child):
    text = practitioner_client.get(_child_url("people:person_detail", child)).content.decode()

    assert "Neglect: current concern since 1 October 2026" in text
    assert "Categories: nutritional, physical." in text
    assert _child_url("neglect:child", child) in text


def test_a_child_with_none_offers_recording_only_to_those_who_may(people, sibling):
    url = _child_url("people:person_detail", sibling)
    record = _child_url("neglect:concern_record", sibling)

    practitioner = client_for(people["practitioner"]).get(url).content.decode()
    business = client_for(people["business"]).get(url).content.decode()

    assert "No current neglect concern is recorded" in practitioner
    assert record in practitioner
    assert "No current neglect concern is recorded" in business
    assert record not in business


def test_the_episode_page_lists_children_with_current_concerns(practitioner, concern, family):
    episode = EpisodeFactory(family=family, lead_professional=practitioner)

    found = neglect_notices.episode(practitioner, [episode])[episode.pk]

    assert [n.key for n in found] == ["neglect_current"]
    assert found[0].title == f"Neglect: {concern.child.full_name}"


def test_notices_cost_the_same_for_one_child_or_several(practitioner, team):
    def families(n):
        made = []
        for _ in range(n):
            family = FamilyFactory(team=team)
            for _ in range(2):
                concern = NeglectConcernFactory(family=family, child=child_of(family))
                NeglectObservationFactory(concern=concern)
            made.append(family)
        return made

    one = families(1)
    several = families(4)
    children = lambda fams: [m.person for f in fams for m in f.members.select_related("person")]  # noqa: E731
    one_children, several_children = children(one), children(several)
    one_episodes = [EpisodeFactory(family=f, lead_professional=practitioner) for f in one]
    several_episodes = [EpisodeFactory(family=f, lead_professional=practitioner) for f in several]

    # Warm what is read once per user (their team, managed teams) before counting.
    neglect_notices.person(practitioner, one_children)
    counts = []
    for provider, records in (
        (neglect_notices.person, one_children),
        (neglect_notices.person, several_children),
        (neglect_notices.episode, one_episodes),
        (neglect_notices.episode, several_episodes),
    ):
        with CaptureQueriesContext(connection) as queries:
            found = provider(practitioner, records)
        assert len(found) == len(records)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[2] == counts[3]


def test_the_neglect_page_costs_the_same_for_one_concern_or_several(
    practitioner_client, family, child, django_assert_max_num_queries, practitioner
):
    from neglect.models import NeglectConcernHistory

    first = NeglectConcernFactory(
        family=family, child=child, status=NeglectConcern.Status.ENDED, ended_on=date(2026, 10, 2)
    )
    NeglectObservationFactory(concern=first)
    NeglectConcernHistory.objects.create(concern=first, actor=practitioner, change="recorded")
    url = _child_url("neglect:child", child)
    with CaptureQueriesContext(connection) as one:
        practitioner_client.get(url)
    for _ in range(4):
        more = NeglectConcernFactory(
            family=family,
            child=child,
            status=NeglectConcern.Status.ENDED,
            ended_on=date(2026, 10, 2),
        )
        NeglectObservationFactory(concern=more)
        NeglectConcernHistory.objects.create(concern=more, actor=practitioner, change="recorded")
    with django_assert_max_num_queries(len(one)):
        practitioner_client.get(url)
