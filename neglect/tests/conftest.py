"""Neglect tests run at one fixed moment, so 'in the future' and ages mean the same every run."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory
from neglect.tests.factories import GradedCareToolFactory, child_of
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory

# Monday 2 November 2026, mid-morning in London.
FROZEN_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


@pytest.fixture
def family(team):
    """A family the practitioner's team works with: a mother and two children."""
    family = FamilyFactory(team=team, name="Smith family")
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Jane", last_name="Smith"),
        role=FamilyMember.Role.PARENT_CARER,
    )
    child_of(family, first_name="Amy", last_name="Smith", date_of_birth=date(2024, 3, 27))
    child_of(family, first_name="Ben", last_name="Smith", date_of_birth=date(2016, 5, 10))
    return family


@pytest.fixture
def child(family):
    return family.members.get(person__first_name="Amy").person


@pytest.fixture
def sibling(family):
    return family.members.get(person__first_name="Ben").person


@pytest.fixture
def mother(family):
    return family.members.get(role=FamilyMember.Role.PARENT_CARER).person


@pytest.fixture
def other_family(other_team):
    family = FamilyFactory(team=other_team, name="Jones family")
    child_of(family, first_name="Olly", last_name="Jones", date_of_birth=date(2015, 1, 2))
    return family


@pytest.fixture
def other_child(other_family):
    return other_family.members.get(role=FamilyMember.Role.CHILD).person


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def business_support(db):
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def panel_chair(db):
    return UserFactory(roles=[Role.PANEL_CHAIR])


@pytest.fixture
def tool(db):
    return GradedCareToolFactory()
