"""Episodes, plans, outcomes and actions for the family plan tests.

Uses casework.tests.factories.EpisodeFactory when it exists; until then a minimal one made here.
"""

from __future__ import annotations

from datetime import date

from casework.models import Episode, FamilyPlan, PlanAction, PlanOutcome
from core import clock
from core.tests.factories import AgencyFactory, NeedLevelFactory
from people.tests.factories import family_with_members


def make_episode(
    *, lead_professional, family=None, started_on: date | None = None, **extra
) -> Episode:
    """An open episode for a family in the lead professional's team, led by them."""
    if family is None:
        family = family_with_members(team=lead_professional.team, children=2, adults=1)
    return Episode.objects.create(
        family=family,
        need_level=NeedLevelFactory(level=3),
        lead_agency=lead_professional.agency or AgencyFactory(),
        lead_professional=lead_professional,
        started_on=started_on or clock.today(),
        **extra,
    )


def make_plan(*, episode: Episode, contingency: str = "", **kwargs) -> FamilyPlan:
    return FamilyPlan.objects.create(
        episode=episode, contingency=contingency, updated_by=episode.lead_professional, **kwargs
    )


def make_outcome(*, plan: FamilyPlan, **kwargs) -> PlanOutcome:
    kwargs.setdefault("need", "Attendance at school is low")
    kwargs.setdefault("outcome_family_words", "The children go to school every day")
    kwargs.setdefault("outcome_practitioner_words", "Attendance above 95% for a full term")
    return PlanOutcome.objects.create(plan=plan, **kwargs)


def make_action(*, outcome: PlanOutcome, **kwargs) -> PlanAction:
    kwargs.setdefault("what", "Set up a morning routine chart")
    kwargs.setdefault("who", "Mum and the family worker")
    kwargs.setdefault("by_when", clock.today())
    return PlanAction.objects.create(outcome=outcome, **kwargs)
