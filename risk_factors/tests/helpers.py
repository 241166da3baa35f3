"""A small world for the risk factor tests: a family in a team, with a mother, a baby and an
older child (dates of birth fixed), an episode led by a lead professional, and its plan review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Episode, PlanReview
from casework.tests.factories_plans import make_episode
from people.models import Family, FamilyMember, Person
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory


@dataclass
class World:
    family: Family
    mother: Person
    baby: Person
    older: Person
    lead: object
    episode: Episode
    review: PlanReview


def make_world(*, team, baby_born: date = date(2026, 3, 1), lead=None) -> World:
    family = FamilyFactory(team=team)
    mother = AdultFactory()
    baby = PersonFactory(date_of_birth=baby_born)
    older = PersonFactory(date_of_birth=date(2018, 5, 3))
    FamilyMemberFactory(family=family, person=mother, role=FamilyMember.Role.PARENT_CARER)
    FamilyMemberFactory(family=family, person=baby, role=FamilyMember.Role.CHILD)
    FamilyMemberFactory(family=family, person=older, role=FamilyMember.Role.CHILD)
    lead = lead or UserFactory(team=team, roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])
    episode = make_episode(lead_professional=lead, family=family, started_on=date(2026, 9, 1))
    review = PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 13))
    return World(family, mother, baby, older, lead, episode, review)
