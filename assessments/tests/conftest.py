"""Families, workers and managers for the assessment tests."""

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import CouncilFactory
from people.tests.factories import family_with_members


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


@pytest.fixture
def family(team):
    return family_with_members(team=team, children=2, adults=1)


@pytest.fixture
def other_family(other_team):
    return family_with_members(team=other_team, children=1, adults=0)


@pytest.fixture
def children(family):
    return [
        m.person
        for m in family.members.filter(role="child").select_related("person").order_by("pk")
    ]


@pytest.fixture
def sign_off_council(db):
    return CouncilFactory(assessment_sign_off_required=True)


@pytest.fixture
def no_sign_off_council(db):
    return CouncilFactory(assessment_sign_off_required=False)


@pytest.fixture
def panel_member(db, team):
    return UserFactory(team=team, roles=[Role.PANEL_MEMBER])
