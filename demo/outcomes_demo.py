"""Demo data for outcomes: on the lead professional's episode with a plan and a held review, each
plan outcome is mapped to framework outcomes (the council pack's Stronger Families and Supporting
Families outcomes), with a baseline at the start of the episode and a score at the held review,
each with its evidence.

Written through the services (audited). A second run writes nothing: it looks for the episode's
mappings and scores first. Without outcome frameworks in the council pack, only the scores.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from accounts.models import User
from casework.models import Episode, PlanReview
from outcomes import services
from outcomes.models import FrameworkOutcome, OutcomeLink, OutcomeScore, ScoreKind

# Per plan outcome, in the plan's order: what it counts towards, as (framework, outcome) codes,
# and its baseline and review scores with their evidence.
PLAN = (
    {
        "maps_to": (("stronger-families", "education"), ("supporting-families", "education")),
        "baseline": (
            3,
            "Attendance 81% last term, late most mornings",
            "School attendance records",
        ),
        "review": (6, "Attendance 92% since the plan started", "School attendance records"),
    },
    {
        "maps_to": (
            ("supporting-families", "housing"),
            ("supporting-families", "financial-stability"),
        ),
        "baseline": (
            2,
            "Two months' rent arrears and a notice from the landlord",
            "Housing officer",
        ),
        "review": (4, "Arrears agreement in place and kept so far", "Money advice service"),
    },
)


def _episode(lead) -> Episode | None:
    return (
        Episode.objects.filter(
            lead_professional=lead, plan__isnull=False, reviews__held_on__isnull=False
        )
        .distinct()
        .order_by("started_on", "created_at")
        .first()
    )


def seed(*, today: date, counts: Counter) -> None:
    lead = User.objects.filter(username="lead.professional", is_demo=True).first()
    episode = _episode(lead) if lead is not None else None
    if episode is None or (
        OutcomeLink.objects.filter(episode=episode).exists()
        or OutcomeScore.objects.filter(episode=episode).exists()
    ):
        return
    review = (
        PlanReview.objects.filter(episode=episode, held_on__isnull=False)
        .order_by("held_on")
        .first()
    )
    plan_outcomes = list(episode.plan.outcomes.order_by("position", "pk"))
    for plan_outcome, wanted in zip(plan_outcomes, PLAN, strict=False):
        for framework, code in wanted["maps_to"]:
            found = FrameworkOutcome.objects.filter(
                framework__code=framework, code=code, in_pack=True
            ).first()
            if found is None:
                continue
            services.outcome_link_add(
                actor=lead, plan_outcome=plan_outcome, framework_outcome=found
            )
            counts["outcome mappings"] += 1
        for kind, on, given in (
            (ScoreKind.BASELINE, episode.started_on, wanted["baseline"]),
            (ScoreKind.REVIEW, review.held_on if review else None, wanted["review"]),
        ):
            if on is None or on > today:
                continue
            score, what, source = given
            services.outcome_score_record(
                actor=lead,
                plan_outcome=plan_outcome,
                kind=kind,
                score=score,
                evidence_what=what,
                evidence_source=source,
                evidence_on=on,
                plan_review=review if kind == ScoreKind.REVIEW else None,
            )
            counts["outcome scores"] += 1
