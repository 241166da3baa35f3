"""Factories for neglect: a graded-care tool (GCP2's area names and scale), concerns (current
and ended), observations, history rows and tool results."""

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from neglect.models import (
    Category,
    GradedCareResult,
    GradedCareTool,
    NeglectConcern,
    NeglectConcernHistory,
    NeglectObservation,
)
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

GCP2_AREAS = ["Physical care", "Care of safety", "Love and care", "Stimulation and education"]


class GradedCareToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradedCareTool
        django_get_or_create = ("code",)

    code = "gcp2"
    name = "Graded Care Profile 2 (GCP2)"
    areas = factory.LazyFunction(lambda: list(GCP2_AREAS))
    grades = factory.LazyFunction(lambda: [1, 2, 3, 4, 5])


def child_of(family, **kwargs):
    """A new child, a member of ``family``."""
    child = PersonFactory(**kwargs)
    FamilyMemberFactory(family=family, person=child, role=FamilyMember.Role.CHILD)
    return child


class NeglectConcernFactory(factory.django.DjangoModelFactory):
    """A current concern about a child of a family (pass ``family=`` with a team for scope)."""

    class Meta:
        model = NeglectConcern

    family = factory.SubFactory(FamilyFactory)
    child = factory.LazyAttribute(lambda c: child_of(c.family))
    source = NeglectConcern.Source.OTHER
    identified_on = date(2026, 10, 1)
    lived_experience = "Often arrives at school hungry and in the same clothes."
    recorded_by = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    recorded_by_team = factory.LazyAttribute(lambda c: c.recorded_by.team)
    recorded_by_agency = factory.LazyAttribute(lambda c: c.recorded_by.agency)


class EndedConcernFactory(NeglectConcernFactory):
    status = NeglectConcern.Status.ENDED
    ended_on = date(2026, 10, 20)
    end_reason = NeglectConcern.EndReason.IMPROVED


class NeglectObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeglectObservation

    concern = factory.SubFactory(NeglectConcernFactory)
    category = Category.NUTRITIONAL
    seen = "No breakfast; lunchbox empty most days."
    seen_by = "Sam Lee, school nurse"
    seen_on = date(2026, 9, 28)
    recorded_by = factory.LazyAttribute(lambda o: o.concern.recorded_by)


class NeglectConcernHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeglectConcernHistory

    concern = factory.SubFactory(NeglectConcernFactory)
    actor = factory.LazyAttribute(lambda h: h.concern.recorded_by)
    change = NeglectConcernHistory.Change.RECORDED


class GradedCareResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradedCareResult

    concern = factory.SubFactory(NeglectConcernFactory)
    child = factory.LazyAttribute(lambda r: r.concern.child)
    family = factory.LazyAttribute(lambda r: r.concern.family)
    tool = factory.SubFactory(GradedCareToolFactory)
    done_on = date(2026, 10, 5)
    area_grades = factory.LazyAttribute(lambda r: dict.fromkeys(r.tool.areas, 3))
    overall_grade = 3
    recorded_by = factory.LazyAttribute(lambda r: r.concern.recorded_by)


def matrix_records(*, child_in, family_in, child_out, family_out) -> tuple:
    """A current concern on each child (the one the demo gave them, if any), for the
    authorisation matrix: ``(in_pk, out_pk)``."""

    def current(child, family):
        found = NeglectConcern.objects.filter(child=child, status=NeglectConcern.Status.CURRENT)
        concern = found.first() or NeglectConcernFactory(child=child, family=family)
        return concern.pk

    return current(child_in, family_in), current(child_out, family_out)
