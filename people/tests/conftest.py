"""Personas and data for the people and family page tests."""

import time
from datetime import date

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from core.models import AuditEvent
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people.models import FamilyMember
from people.tests.factories import (
    AdultFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
)


def client_for(user) -> Client:
    """A fresh browser session for ``user``, signed in with a verified second factor."""
    return sign_in_verified(Client(), user)


def audit_events_for(record):
    return AuditEvent.objects.filter(record_type=record._meta.label_lower, record_id=str(record.pk))


def mark_searched(client, **terms) -> None:
    """As if the user had just searched (what 'search before create' checks for)."""
    session = client.session
    session["people_search"] = {
        "name": terms.get("name", ""),
        "date_of_birth": terms.get("date_of_birth", ""),
        "postcode": terms.get("postcode", ""),
        "at": terms.get("at", time.time()),
    }
    session.save()


@pytest.fixture
def family(team):
    """A family the practitioner's team works with: a mother and a child."""
    family = FamilyFactory(team=team, name="Smith family")
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Jane", last_name="Smith", date_of_birth=date(1990, 5, 1)),
        role=FamilyMember.Role.PARENT_CARER,
    )
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Amy", last_name="Smith", date_of_birth=date(2016, 3, 27)),
        role=FamilyMember.Role.CHILD,
    )
    return family


@pytest.fixture
def child(family):
    return family.members.get(role=FamilyMember.Role.CHILD).person


@pytest.fixture
def mother(family):
    return family.members.get(role=FamilyMember.Role.PARENT_CARER).person


@pytest.fixture
def other_family(other_team):
    """A family only another team works with."""
    family = FamilyFactory(team=other_team, name="Jones family")
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Olly", last_name="Jones", date_of_birth=date(2015, 1, 2)),
        role=FamilyMember.Role.CHILD,
    )
    return family


@pytest.fixture
def other_child(other_family):
    return other_family.members.get().person


@pytest.fixture
def early_support_agency(db):
    return EarlySupportAgencyFactory()


@pytest.fixture
def early_support_practitioner(early_support_agency):
    """A practitioner in the early support service: sees every family, works with none here."""
    team = TeamFactory(agency=early_support_agency)
    return UserFactory(team=team, agency=early_support_agency, roles=[Role.PRACTITIONER])


@pytest.fixture
def early_support_team_leader(early_support_agency):
    team = TeamFactory(agency=early_support_agency)
    return UserFactory(
        team=team, agency=early_support_agency, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )


@pytest.fixture
def system_admin(db):
    return AdminFactory()
