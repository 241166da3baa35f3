"""Factories for outcomes: frameworks (as a council pack would load them), links and scores."""

from __future__ import annotations

from datetime import date

import factory

from casework.models import PlanReview
from casework.tests.factories import EpisodeFactory
from casework.tests.factories_plans import make_outcome, make_plan
from outcomes.models import (
    FrameworkOutcome,
    OutcomeFramework,
    OutcomeIndicator,
    OutcomeLink,
    OutcomeScale,
    OutcomeScore,
    OutcomeSustainedCheck,
    ScoreKind,
)


class OutcomeScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeScale
        django_get_or_create = ("pk",)

    pk = 1
    lowest = 0
    highest = 10


class OutcomeFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeFramework
        django_get_or_create = ("code",)

    code = "stronger-families"
    name = "Stronger Families outcomes"
    source = "Kirklees Early Help Strategy §3.5"
    sustained_after_months = 6


class FrameworkOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkOutcome

    framework = factory.SubFactory(OutcomeFrameworkFactory)
    code = factory.Sequence(lambda n: f"outcome-{n}")
    title = "Children & young people have access to and attend suitable full time education"


class OutcomeIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeIndicator

    outcome = factory.SubFactory(FrameworkOutcomeFactory)
    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = "Attendance of 90% or more"
    evidence_source = "School attendance records"


def plan_outcome_for(episode=None, **kwargs):
    """A plan outcome of ``episode``'s plan (the plan made if it has none)."""
    episode = episode or EpisodeFactory()
    plan = episode.plan if hasattr(episode, "plan") else make_plan(episode=episode)
    return make_outcome(plan=plan, **kwargs)


def held_review(episode, held_on=date(2026, 10, 13)) -> PlanReview:
    return PlanReview.objects.create(
        episode=episode, due_on=held_on, held_on=held_on, recorded_by=episode.lead_professional
    )


class OutcomeLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeLink

    plan_outcome = factory.LazyFunction(plan_outcome_for)
    framework_outcome = factory.SubFactory(FrameworkOutcomeFactory)
    episode = factory.LazyAttribute(lambda link: link.plan_outcome.plan.episode)
    linked_by = factory.LazyAttribute(lambda link: link.episode.lead_professional)


class OutcomeScoreFactory(factory.django.DjangoModelFactory):
    """A score written directly (the service's rules are tested through the service)."""

    class Meta:
        model = OutcomeScore

    plan_outcome = factory.LazyFunction(plan_outcome_for)
    episode = factory.LazyAttribute(lambda s: s.plan_outcome.plan.episode)
    kind = ScoreKind.BASELINE
    score = 3
    evidence_what = "Attendance 78% last term"
    evidence_source = "School attendance records"
    evidence_on = date(2026, 9, 1)
    recorded_by = factory.LazyAttribute(lambda s: s.episode.lead_professional)


class OutcomeSustainedCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeSustainedCheck

    episode = factory.SubFactory(EpisodeFactory)
    due_on = date(2026, 11, 1)
