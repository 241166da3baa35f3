"""Indicators of practice: children seen alone, and the moves to and from children's social care."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from assessments.models import Assessment, AssessmentChild, AssessmentSection
from casework.models import Episode
from reporting.indicators.base import Better, Period, Quadrant, Slice, indicator

YES = "yes"


def assessment_slice(where: Slice, prefix: str = "") -> Q:
    """What a slice means for an assessment: the family's area, the worker's agency and team."""
    return where.q(
        area=f"{prefix}family__area_id",
        agency=f"{prefix}worker_agency_id",
        team=f"{prefix}worker_team_id",
    )


def episode_slice(where: Slice, prefix: str = "") -> Q:
    """What a slice means for an episode: the family's area, the lead agency and the lead
    professional's team."""
    return where.q(
        area=f"{prefix}family__area_id",
        agency=f"{prefix}lead_agency_id",
        team=f"{prefix}lead_professional__team_id",
    )


@indicator(
    code="every_child_seen_alone",
    name="Assessments in which every child was seen alone",
    definition="""Of the early help assessments completed in the period, the share in which every
    child of the assessment was seen alone (the child's section records 'seen alone: yes').""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
)
def every_child_seen_alone(period: Period, where: Slice) -> tuple[int, int]:
    first, after = period.moments()
    completed = Assessment.objects.filter(
        assessment_slice(where),
        status=Assessment.Status.COMPLETED,
        completed_at__gte=first,
        completed_at__lt=after,
    )
    seen_alone = AssessmentSection.objects.filter(
        child=OuterRef("pk"), key="child_views", answers__seen_alone=YES
    )
    not_seen_alone = AssessmentChild.objects.filter(assessment=OuterRef("pk")).exclude(
        Exists(seen_alone)
    )
    return completed.exclude(Exists(not_seen_alone)).count(), completed.count()


@indicator(
    code="step_ups",
    name="Step-ups to children's social care",
    definition="Early help episodes that ended in the period by stepping up to children's social care.",
    quadrant=Quadrant.HOW_MUCH,
    better=Better.NEITHER,
    booklet=True,
)
def step_ups(period: Period, where: Slice) -> int:
    return Episode.objects.filter(
        episode_slice(where),
        status=Episode.Status.STEPPED_UP,
        ended_on__range=(period.start, period.end),
    ).count()


@indicator(
    code="step_downs",
    name="Step-downs from children's social care",
    definition="""Episodes that began in the period following an episode stepped up to children's
    social care (a step down back into early help).""",
    quadrant=Quadrant.HOW_MUCH,
    better=Better.NEITHER,
)
def step_downs(period: Period, where: Slice) -> int:
    return Episode.objects.filter(
        episode_slice(where),
        previous__status=Episode.Status.STEPPED_UP,
        started_on__range=(period.start, period.end),
    ).count()
