"""Factories for episodes and what hangs off them (plans have their own factories_plans.py)."""

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Contact, Episode, EpisodeHistory, TafMeeting
from core.tests.factories import AgencyFactory, NeedLevelFactory
from people.tests.factories import FamilyFactory


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An open episode led by a practitioner; the family is in the lead professional's team."""

    class Meta:
        model = Episode

    lead_professional = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    family = factory.LazyAttribute(lambda e: FamilyFactory(team=e.lead_professional.team))
    need_level = factory.LazyFunction(lambda: NeedLevelFactory(level=3, name="Targeted early help"))
    lead_agency = factory.LazyAttribute(lambda e: e.lead_professional.agency or AgencyFactory())
    offer = Episode.Offer.TARGETED
    started_on = date(2026, 9, 1)

    class Params:
        # An episode with work recorded (a home visit on its first day), as a closure needs.
        worked = factory.Trait(
            visit=factory.RelatedFactory(
                "casework.tests.factories.ContactFactory",
                factory_related_name="episode",
                happened_on=factory.SelfAttribute("..started_on"),
            )
        )


class EpisodeHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EpisodeHistory

    episode = factory.SubFactory(EpisodeFactory)
    actor = factory.LazyAttribute(lambda h: h.episode.lead_professional)
    change = EpisodeHistory.Change.OPENED


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    episode = factory.SubFactory(EpisodeFactory)
    happened_on = date(2026, 9, 8)
    kind = Contact.Kind.HOME_VISIT
    recorded_by = factory.LazyAttribute(lambda c: c.episode.lead_professional)


class TafMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafMeeting

    episode = factory.SubFactory(EpisodeFactory)
    held_on = date(2026, 9, 15)
    agency_attendees = "School nurse, Health"
    recorded_by = factory.LazyAttribute(lambda m: m.episode.lead_professional)
