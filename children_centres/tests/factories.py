"""Factories for children's centres (one per model and state), and the people who use them."""

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from children_centres.models import (
    CentreRegistration,
    CentreSettings,
    ReachContact,
    UnderFivesPopulation,
)
from core.models import Site
from core.tests.factories import AreaFactory, EarlySupportAgencyFactory, SiteFactory, TeamFactory
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory


class CentreFactory(SiteFactory):
    kind = Site.Kind.CHILDRENS_CENTRE
    name = factory.Sequence(lambda n: f"Children's Centre {n}")


class UnderFiveFactory(PersonFactory):
    date_of_birth = date(2024, 6, 1)


class CentreRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreRegistration

    child = factory.SubFactory(UnderFiveFactory)
    centre = factory.SubFactory(CentreFactory)
    registered_on = date(2025, 6, 1)
    registered_by = factory.SubFactory(UserFactory)


class EndedRegistrationFactory(CentreRegistrationFactory):
    ended_on = date(2026, 6, 1)
    end_reason = CentreRegistration.EndReason.MOVED_AWAY
    ended_by = factory.SelfAttribute("registered_by")


class ReachContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachContact

    child = factory.SubFactory(UnderFiveFactory)
    centre = factory.SubFactory(CentreFactory)
    seen_on = date(2026, 6, 1)
    kind = "stay_and_play"
    note = "Came with her grandmother"
    recorded_by = factory.SubFactory(UserFactory)


class UnderFivesPopulationFactory(factory.django.DjangoModelFactory):
    """A centre's reach area's figure (``AreaPopulationFactory`` for an area's own)."""

    class Meta:
        model = UnderFivesPopulation

    year = 2026
    centre = factory.SubFactory(CentreFactory)
    area = None
    under_fives = 100


class AreaPopulationFactory(UnderFivesPopulationFactory):
    centre = None
    area = factory.SubFactory(AreaFactory)


class CentreSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreSettings

    small_number = 5
    contact_kinds = factory.LazyFunction(
        lambda: [
            {"key": "stay_and_play", "name": "Stay and play", "counts_as_reach": True},
            {"key": "parenting_group", "name": "Parenting group", "counts_as_reach": True},
            {"key": "outreach_visit", "name": "Outreach visit", "counts_as_reach": True},
            {"key": "information_call", "name": "Information call", "counts_as_reach": False},
        ]
    )


def early_support_team():
    return TeamFactory(agency=EarlySupportAgencyFactory())


def early_support_user(role=Role.PRACTITIONER, team=None):
    """A member of the early support service (its agency), with ``role``."""
    return UserFactory(team=team or early_support_team(), roles=[role])


def child_in_family(*, team=None, date_of_birth=date(2024, 6, 1), **kwargs):
    """An under-five, a child of a family (in ``team``'s scope when given)."""
    family = FamilyFactory(team=team)
    child = UnderFiveFactory(date_of_birth=date_of_birth, **kwargs)
    FamilyMemberFactory(family=family, person=child, role=FamilyMember.Role.CHILD)
    return child


def matrix_records(*, child_in, child_out, recorder) -> dict:
    """The authorisation matrix's records: a centre ("out": a hub, which is no centre) and an open
    registration of each child at it."""
    from core.models import Area

    area = Area.objects.order_by("sort_order").first()
    centre = Site.objects.filter(kind=Site.Kind.CHILDRENS_CENTRE).order_by(
        "pk"
    ).first() or CentreFactory(area=area)
    hub = Site.objects.exclude(kind=Site.Kind.CHILDRENS_CENTRE).order_by("pk").first() or (
        SiteFactory(area=area)
    )
    registrations = []
    for child in (child_in, child_out):
        found = CentreRegistration.objects.filter(
            child=child, centre=centre, ended_on__isnull=True
        ).first()
        registrations.append(
            found
            or CentreRegistrationFactory(
                child=child, centre=centre, registered_by=recorder, registered_on=date(2026, 1, 1)
            )
        )
    return {
        "centre": (centre.pk, hub.pk),
        "centre_registration": (registrations[0].pk, registrations[1].pk),
    }
