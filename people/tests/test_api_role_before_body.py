"""Searching and adding people: the role is settled before the body is read (the error
contract: 403, then 400), by the rule the search or the service itself asks (people.rules), so a
role with no case access is 403 whatever it sent, and nothing is searched, audited as a search
or added."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from people import selectors, services
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/people/search/"
NO_CASE_ACCESS = [
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.STRATEGIC_LEAD,
    Role.SYSTEM_ADMINISTRATOR,
]


def _post(client, body):
    return client.post(SEARCH, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", NO_CASE_ACCESS)
def test_a_role_without_case_access_gets_403_empty_or_valid(role, client, team):
    person = PersonFactory()
    sign_in_verified(client, UserFactory(team=team, roles=[role]))
    assert _post(client, {}).status_code == 403
    assert _post(client, {"name": person.last_name}).status_code == 403
    assert not AuditEvent.objects.filter(action="search").exists()


def test_a_practitioner_with_no_terms_gets_400(practitioner_client):
    assert _post(practitioner_client, {}).status_code == 400


@pytest.mark.parametrize("role", NO_CASE_ACCESS)
def test_the_search_asks_the_same_rule(role, team):
    with pytest.raises(PermissionDenied):
        selectors.search_people(UserFactory(team=team, roles=[role]), name="Smith")


# ---------------------------------------------------------------- adding a person

PEOPLE = "/api/v1/people/"


@pytest.mark.parametrize("role", NO_CASE_ACCESS)
def test_adding_a_person_is_403_empty_or_valid_for_a_role_without_case_access(role, client, team):
    sign_in_verified(client, UserFactory(team=team, roles=[role]))
    valid = {"kind": "adult", "first_name": "Ann", "last_name": "Refused"}

    assert client.post(PEOPLE, json.dumps({}), content_type="application/json").status_code == 403
    assert (
        client.post(PEOPLE, json.dumps(valid), content_type="application/json").status_code == 403
    )
    assert not Person.objects.filter(last_name="Refused").exists()


def test_a_practitioner_adding_an_empty_person_gets_400(practitioner_client):
    response = practitioner_client.post(PEOPLE, json.dumps({}), content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", NO_CASE_ACCESS)
def test_the_service_asks_the_same_rule_to_add_a_person(role, team):
    with pytest.raises(PermissionDenied):
        services.person_add(
            actor=UserFactory(team=team, roles=[role]),
            fields={"kind": "adult", "first_name": "Ann", "last_name": "Refused"},
        )
    assert not Person.objects.filter(last_name="Refused").exists()
