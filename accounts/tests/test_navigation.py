import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified


@pytest.mark.parametrize(
    ("role", "sees_people", "sees_configuration"),
    [
        (Role.PRACTITIONER, True, False),
        (Role.TEAM_MANAGER, True, False),
        (Role.SYSTEM_ADMINISTRATOR, False, True),
        (Role.PANEL_MEMBER, False, False),
        (Role.STRATEGIC_LEAD, False, False),
    ],
)
def test_navigation_by_role(client, db, role, sees_people, sees_configuration):
    sign_in_verified(client, UserFactory(roles=[role]))
    body = client.get(reverse("core:home")).content.decode()
    assert ("Find a person" in body) is sees_people
    assert ('href="/configuration/"' in body) is sees_configuration


def test_configuration_is_for_administrators_only(practitioner_client):
    assert practitioner_client.get(reverse("core:configuration")).status_code == 403


def test_early_support_team_leader_sees_the_requests_queue(client, db):
    from core.tests.factories import EarlySupportAgencyFactory, TeamFactory

    leader = UserFactory(
        team=TeamFactory(agency=EarlySupportAgencyFactory()), roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )
    sign_in_verified(client, leader)
    assert 'href="/requests/"' in client.get(reverse("core:home")).content.decode()


def test_practitioner_sees_their_own_requests_not_the_queue(practitioner_client):
    body = practitioner_client.get(reverse("core:home")).content.decode()
    assert 'href="/requests/"' not in body
    assert 'href="/requests/mine/"' in body
