"""Fixtures shared by every app's tests."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core.tests.factories import CouncilFactory, TeamFactory


def sign_in_verified(client, user):
    """Sign ``user`` in with a real, confirmed TOTP device verified for the session."""
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def other_team(db):
    return TeamFactory()


@pytest.fixture
def practitioner(db, team):
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


@pytest.fixture
def practitioner_client(client, practitioner):
    return sign_in_verified(client, practitioner)


@pytest.fixture
def manager(db, team):
    user = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    user.managed_teams.add(team)
    return user


@pytest.fixture
def manager_client(client, manager):
    return sign_in_verified(client, manager)
