"""Factories for supervision and escalations (one per model and state)."""

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.tests.factories import EpisodeFactory
from core.tests.factories import AgencyFactory
from oversight.models import (
    Escalation,
    EscalationHistory,
    Supervision,
    SupervisionAction,
    SupervisionCase,
)


def supervisor_of(worker):
    """A team manager of the worker's team."""
    manager = UserFactory(team=worker.team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(worker.team)
    return manager


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    worker = factory.SubFactory(UserFactory, roles=[Role.LEAD_PROFESSIONAL])
    supervisor = factory.LazyAttribute(lambda s: supervisor_of(s.worker))
    held_on = date(2026, 10, 20)
    reflections = "Reflected on the family’s engagement"


class SupervisionCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionCase

    supervision = factory.SubFactory(SupervisionFactory)
    episode = factory.LazyAttribute(
        lambda c: EpisodeFactory(lead_professional=c.supervision.worker)
    )
    discussion = "Drift: no progress since the last review"
    decisions = "Joint visit"


class SupervisionActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionAction

    supervision = factory.SubFactory(SupervisionFactory)
    what = "Book a joint visit"
    who = "The lead professional"
    by_when = date(2026, 11, 20)

    class Params:
        done = factory.Trait(done_on=date(2026, 11, 1))


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    episode = factory.SubFactory(EpisodeFactory)
    agency = factory.SubFactory(AgencyFactory)
    raised_by = factory.LazyAttribute(lambda e: e.episode.lead_professional)
    raised_on = date(2026, 10, 25)
    to_whom = "The school’s safeguarding lead"
    concern = "The agreed attendance plan has not started"

    class Params:
        resolved = factory.Trait(
            status=Escalation.Status.RESOLVED,
            outcome="The plan started",
            resolved_on=date(2026, 10, 30),
        )


class EscalationHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationHistory

    escalation = factory.SubFactory(EscalationFactory)
    actor = factory.LazyAttribute(lambda h: h.escalation.raised_by)
    event = "raised"
    stage = Escalation.Stage.PRACTITIONER


def matrix_records(*, worker_in, manager_in, worker_out, episode_in, episode_out) -> dict:
    """The authorisation matrix's records: a supervision (with an action) of the in-scope worker
    by their manager and one next door, and an open escalation on each episode."""
    supervision_in = SupervisionFactory(worker=worker_in, supervisor=manager_in)
    supervision_out = SupervisionFactory(worker=worker_out)
    return {
        "supervised_worker": (worker_in.pk, worker_out.pk),
        "supervision": (supervision_in.pk, supervision_out.pk),
        "supervision_action": (
            SupervisionActionFactory(supervision=supervision_in).pk,
            SupervisionActionFactory(supervision=supervision_out).pk,
        ),
        "escalation": (
            EscalationFactory(episode=episode_in, agency=episode_in.lead_agency).pk,
            EscalationFactory(episode=episode_out, agency=episode_out.lead_agency).pk,
        ),
    }
