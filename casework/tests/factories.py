"""Factories for episodes and what hangs off them (plans have their own factories_plans.py)."""

from datetime import date

import factory
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Contact, Episode, EpisodeHistory, EpisodeOversight, TafMeeting
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


class EpisodeOversightFactory(factory.django.DjangoModelFactory):
    """A manager's oversight note (the manager made here, managing the lead professional's team)."""

    class Meta:
        model = EpisodeOversight

    episode = factory.SubFactory(EpisodeFactory)
    kind = EpisodeOversight.Kind.NOTE
    text = "Reviewed the plan with the lead professional"
    by = factory.LazyAttribute(lambda o: team_manager_for(o.episode))
    at = factory.LazyFunction(lambda: timezone.now())


def team_manager_for(episode):
    """A team manager of the episode's lead professional's team (made once per team)."""
    team = episode.lead_professional.team
    manager = team.managers.filter(role_grants__role=Role.TEAM_MANAGER).first() if team else None
    if manager is None:
        manager = UserFactory(roles=[Role.TEAM_MANAGER], team=team)
        if team is not None:
            manager.managed_teams.add(team)
    return manager


def agree_step(episode, kind="agree_step_up", *, by=None, text="Agreed in supervision"):
    """A manager's recorded agreement to a step up or down, through the service (as the page)."""
    from casework.oversight import episode_oversight_record

    return episode_oversight_record(
        actor=by or team_manager_for(episode), episode=episode, kind=kind, text=text
    )
