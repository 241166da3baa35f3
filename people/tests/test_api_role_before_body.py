"""Searching people: the role is settled before the terms are read (issue 9's error contract:
403, then 400), by the rule the search itself asks (people.rules), so a role with no case
access is 403 whatever it sent, and nothing is searched or audited as a search."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from people import selectors
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
