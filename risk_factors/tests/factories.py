"""Factories for risk and vulnerability factors: present and ended, with their history."""

from __future__ import annotations

from datetime import date

import factory

from casework.models import PlanReview
from casework.tests.factories import EpisodeFactory
from people.tests.factories import FamilyFactory
from risk_factors.models import (
    Factor,
    FactorReview,
    FactorReviewItem,
    RiskFactor,
    RiskFactorHistory,
    Source,
)


class RiskFactorFactory(factory.django.DjangoModelFactory):
    """A present family-level factor (parental mental health, naming no one)."""

    class Meta:
        model = RiskFactor
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    factor = Factor.PARENTAL_MENTAL_HEALTH
    noted_on = date(2026, 9, 1)
    source = Source.AGENCY
    source_detail = "Health visitor, by phone"
    recorded_by = factory.SubFactory("accounts.tests.factories.UserFactory")

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            RiskFactorHistory.objects.create(
                risk_factor=obj,
                actor=obj.recorded_by,
                change=RiskFactorHistory.Change.RECORDED,
                to_status=RiskFactor.Status.PRESENT,
                on=obj.noted_on,
                reason=obj.source_detail,
            )


class EndedRiskFactorFactory(RiskFactorFactory):
    status = RiskFactor.Status.ENDED
    ended_on = date(2026, 10, 1)


class FactorReviewFactory(factory.django.DjangoModelFactory):
    """The family's factors revisited at a plan review held on an episode of theirs."""

    class Meta:
        model = FactorReview

    family = factory.SubFactory(FamilyFactory)
    reviewed_on = date(2026, 10, 15)
    plan_review = factory.LazyAttribute(
        lambda r: _held_review(family=r.family, held_on=r.reviewed_on)
    )
    reviewed_by = factory.LazyAttribute(lambda r: r.plan_review.episode.lead_professional)


def _held_review(*, family, held_on):
    episode = EpisodeFactory(family=family, started_on=held_on)
    return PlanReview.objects.create(episode=episode, due_on=held_on, held_on=held_on)


class FactorReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactorReviewItem

    review = factory.SubFactory(FactorReviewFactory)
    risk_factor = factory.LazyAttribute(lambda i: RiskFactorFactory(family=i.review.family))

    outcome = FactorReviewItem.Outcome.STILL_PRESENT
    what_changed = "Mum is seeing her GP every fortnight."


def matrix_records(*, family_in, family_out, episode_in, episode_out, actor_in, actor_out):
    """For the authorisation matrix and hostile-text probes: a present factor on each family and
    each episode's next plan review (id pairs: in scope, out of scope)."""
    from casework.models import PlanReview

    factors = []
    reviews = []
    for family, episode, actor in (
        (family_in, episode_in, actor_in),
        (family_out, episode_out, actor_out),
    ):
        factors.append(RiskFactorFactory(family=family, recorded_by=actor).pk)
        review = PlanReview.objects.filter(episode=episode, held_on__isnull=True).order_by(
            "due_on"
        ).first() or PlanReview.objects.create(episode=episode, due_on=episode.started_on)
        reviews.append(review.pk)
    return tuple(factors), tuple(reviews)
