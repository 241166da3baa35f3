"""Personas and data for the request tests: two areas, each with an early support team."""

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from core.tests.factories import AreaFactory, CouncilFactory, EarlySupportAgencyFactory, TeamFactory


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


@pytest.fixture
def council(db):
    return CouncilFactory(
        duty_team_name="Duty and Advice Team",
        duty_team_phone="01234 567890",
        duty_team_out_of_hours_phone="01234 000999",
    )


@pytest.fixture
def area_x(db):
    return AreaFactory(code="north", name="North", sort_order=1)


@pytest.fixture
def area_y(db):
    return AreaFactory(code="south", name="South", sort_order=2)


@pytest.fixture
def early_support_agency(db):
    return EarlySupportAgencyFactory()


@pytest.fixture
def leader_x(early_support_agency, area_x):
    team = TeamFactory(agency=early_support_agency, area=area_x, name="Early support North")
    return UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


@pytest.fixture
def leader_y(early_support_agency, area_y):
    team = TeamFactory(agency=early_support_agency, area=area_y, name="Early support South")
    return UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


@pytest.fixture
def business_support_x(leader_x):
    return UserFactory(team=leader_x.team, roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def central_leader(early_support_agency):
    team = TeamFactory(agency=early_support_agency, area=None, name="Early support hub")
    return UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


@pytest.fixture
def school_practitioner(area_x):
    return UserFactory(team=TeamFactory(area=area_x), roles=[Role.PRACTITIONER])


@pytest.fixture
def school_business_support(area_x):
    """Business support in an agency other than the early support service."""
    return UserFactory(team=TeamFactory(area=area_x), roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def early_support_practitioner(early_support_agency, area_x):
    team = TeamFactory(agency=early_support_agency, area=area_x)
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


@pytest.fixture
def team_manager(area_x):
    user = UserFactory(team=TeamFactory(area=area_x), roles=[Role.TEAM_MANAGER])
    user.managed_teams.add(user.team)
    return user


@pytest.fixture
def system_admin(db):
    return AdminFactory()
