"""Fixtures shared by every app's tests."""

import pytest
from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import CouncilFactory, TeamFactory



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
