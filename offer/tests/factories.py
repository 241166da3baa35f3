"""Factories for the offer (one per model and per meaningful state)."""

from __future__ import annotations

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.tests.factories import TeamFactory
from directory.tests.factories import ServiceFactory
from offer.models import (
    Attendance,
    Enrolment,
    GroupSession,
    ImpactMeasure,
    OfferPolicy,
    Programme,
    ProgrammeGroup,
    Referral,
    ReferralHistory,
)
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory


class OfferPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferPolicy

    waiting_flag_weeks = 6
    priorities = factory.LazyFunction(
        lambda: [
            {"code": "urgent", "name": "Urgent"},
            {"code": "high", "name": "High"},
            {"code": "standard", "name": "Standard"},
        ]
    )
    impact_measures = factory.LazyFunction(
        lambda: [
            {"code": "plan-closed", "name": "The plan was closed"},
            {"code": "employment", "name": "Found employment"},
        ]
    )


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A parenting programme (run in groups)."""

    class Meta:
        model = Programme

    service = factory.SubFactory(ServiceFactory)
    kind = Programme.Kind.PARENTING
    team = factory.SubFactory(TeamFactory)
    capacity = 0


class OneToOneServiceFactory(ProgrammeFactory):
    kind = Programme.Kind.ONE_TO_ONE
    capacity = 2


class ProgrammeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeGroup

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    capacity = 8
    starts_on = date(2026, 10, 5)
    status = ProgrammeGroup.Status.RUNNING

    class Params:
        planned = factory.Trait(status=ProgrammeGroup.Status.PLANNED)
        finished = factory.Trait(status=ProgrammeGroup.Status.FINISHED)
        cancelled = factory.Trait(status=ProgrammeGroup.Status.CANCELLED)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    group = factory.SubFactory(ProgrammeGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    held_on = date(2026, 10, 12)


def member_of(family):
    """A parent in the family (a person to refer)."""
    return FamilyMemberFactory(family=family, person=AdultFactory(), role="parent_carer").person


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral to a programme, on its waiting list (pass ``status`` for another state)."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    service = factory.LazyAttribute(
        lambda r: r.programme.service if r.programme else ServiceFactory()
    )
    family = factory.LazyAttribute(
        lambda r: FamilyFactory(team=r.programme.team if r.programme else TeamFactory())
    )
    made_by = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    made_on = date(2026, 10, 1)
    priority = "standard"
    reason = "Conflict at home about behaviour"
    status = Referral.Status.WAITING
    waiting_since = factory.LazyAttribute(
        lambda r: r.made_on if r.status == Referral.Status.WAITING else None
    )

    class Params:
        signpost = factory.Trait(
            programme=None,
            status=Referral.Status.HANDED_OVER,
            handover_to="Duty worker, Citizens Advice",
            handover_on=date(2026, 10, 1),
            agreed_with_family=True,
        )
        # A signpost at triage of a request with no family record (pass ``source_id``).
        without_family = factory.Trait(
            signpost=True,
            family=None,
            source=Referral.Source.TRIAGE,
            source_type="support_request",
        )
        referred = factory.Trait(status=Referral.Status.REFERRED)
        enrolled = factory.Trait(status=Referral.Status.ENROLLED)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if extracted is None:
            extracted = [member_of(self.family)] if self.family_id else []
        self.people.set(extracted)


class ReferralHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralHistory

    referral = factory.SubFactory(ReferralFactory)
    actor = factory.LazyAttribute(lambda h: h.referral.made_by)
    to_status = Referral.Status.WAITING
    reason = ""


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    group = factory.SubFactory(ProgrammeGroupFactory)
    referral = factory.LazyAttribute(
        lambda e: ReferralFactory(programme=e.group.programme, enrolled=True)
    )
    person = factory.LazyAttribute(lambda e: e.referral.people.first())
    enrolled_on = date(2026, 10, 5)

    class Params:
        completed = factory.Trait(
            status=Enrolment.Status.COMPLETED, completed_on=date(2026, 10, 30)
        )
        left = factory.Trait(status=Enrolment.Status.LEFT, left_on=date(2026, 10, 20))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    enrolment = factory.SubFactory(EnrolmentFactory)
    session = factory.LazyAttribute(lambda a: GroupSessionFactory(group=a.enrolment.group))
    status = Attendance.Status.ATTENDED
    recorded_by = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])


class ImpactMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactMeasure

    enrolment = factory.SubFactory(EnrolmentFactory, completed=True)
    measure = "plan-closed"
    recorded_on = date(2026, 10, 30)
    recorded_by = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    note = "The TAF plan closed in October"
