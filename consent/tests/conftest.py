"""Families and people for the consent tests."""

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from core.tests.factories import AgencyFactory, EarlySupportAgencyFactory, TeamFactory
from people.tests.factories import family_with_members


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


@pytest.fixture
def family(team):
    return family_with_members(team=team, children=1, adults=1)


@pytest.fixture
def other_family(other_team):
    return family_with_members(team=other_team, children=1, adults=0)


@pytest.fixture
def agencies(db):
    return [AgencyFactory(name="Vale High School"), AgencyFactory(name="Health visiting")]


@pytest.fixture
def team_leader(db):
    agency = EarlySupportAgencyFactory()
    return UserFactory(
        team=TeamFactory(agency=agency), agency=agency, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )


@pytest.fixture
def business_support(db):
    agency = EarlySupportAgencyFactory()
    return UserFactory(
        team=TeamFactory(agency=agency), agency=agency, roles=[Role.BUSINESS_SUPPORT]
    )


@pytest.fixture
def system_admin(db):
    return AdminFactory()
