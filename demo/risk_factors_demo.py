"""Demo data for risk and vulnerability factors: the same family the radar demo puts on the
radar (the lead professional's first open episode) has parental mental health (naming a parent),
domestic abuse, and its youngest child under 18 months (or, when the youngest is older,
unsuitable housing); an earlier worry about poverty has ended, with what changed. Where the
episode has a plan review already held, the factors were revisited there.

Written through the services (audited). A second run writes nothing: it looks for the family's
factors first.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from casework.models import Episode, PlanReview
from people.models import FamilyMember, Person
from risk_factors import services
from risk_factors.models import Factor, RiskFactor, Source
from risk_factors.offers import is_under_18_months


def _family_episode(lead) -> Episode | None:
    return (
        Episode.objects.filter(lead_professional=lead, status=Episode.Status.OPEN)
        .select_related("family")
        .order_by("started_on", "created_at")
        .first()
    )


def seed(*, today: date, counts: Counter) -> None:
    lead = User.objects.filter(username="lead.professional", is_demo=True).first()
    episode = _family_episode(lead) if lead is not None else None
    if episode is None:
        return
    family = episode.family
    if RiskFactor.objects.filter(family=family).exists():
        return
    members = FamilyMember.objects.filter(family=family).select_related("person")
    parent = next((m.person for m in members if m.person.kind == Person.Kind.ADULT), None)
    children = sorted(
        (m.person for m in members if m.person.kind == Person.Kind.CHILD),
        key=lambda p: (p.date_of_birth or date.min, str(p.pk)),
    )
    youngest = children[-1] if children else None
    noted = max(episode.started_on, today - timedelta(weeks=4))

    def record(factor, **kwargs):
        counts["risk factors"] += 1
        return services.risk_factor_record(
            actor=lead, family=family, factor=factor, noted_on=noted, **kwargs
        )

    record(
        Factor.PARENTAL_MENTAL_HEALTH,
        person=parent,
        source=Source.AGENCY,
        source_detail="GP: treated for depression since the baby was born.",
    )
    record(
        Factor.DOMESTIC_ABUSE,
        source=Source.FAMILY,
        source_detail="Mum told the health visitor about her ex-partner's visits.",
    )
    if youngest is not None and is_under_18_months(youngest.date_of_birth, noted):
        record(
            Factor.CHILD_UNDER_18_MONTHS,
            person=youngest,
            source=Source.RECORD,
            source_detail=f"Date of birth {youngest.date_of_birth:%-d %B %Y}",
        )
    else:
        record(
            Factor.UNSUITABLE_HOUSING,
            source=Source.ASSESSMENT,
            source_detail="Damp two-bedroom flat shared by five.",
        )
    poverty = record(
        Factor.POVERTY,
        source=Source.REQUEST,
        source_detail="Rent arrears when the family asked for help.",
    )
    services.risk_factor_end(
        actor=lead,
        risk_factor=poverty,
        expected_version=poverty.version,
        ended_on=today,
        reason="Benefits sorted with the welfare rights adviser; arrears on a payment plan.",
    )
    held = (
        PlanReview.objects.filter(episode=episode, held_on__isnull=False)
        .order_by("-held_on")
        .first()
    )
    if held is not None:
        present = RiskFactor.objects.filter(family=family, status=RiskFactor.Status.PRESENT)
        services.risk_factors_review_record(
            actor=lead,
            plan_review=held,
            answers=[
                services.ReviewAnswer(
                    f.pk, True, "No change since the factor was recorded.", f.version
                )
                for f in present
            ],
        )
        counts["risk factor reviews"] += 1
