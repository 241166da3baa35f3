"""The seeds' indicators, computed from the records by the database, each with its definition
next to it (issue 13, Build 3). Started here; each indicator is a function of a period and answers
with its numerator, denominator and the words that say what was counted.

Small numbers are suppressed: a count from 1 to ``SMALL_NUMBER - 1`` is not shown (it could
point at a family), and neither is a rate made from one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessments.models import Assessment, AssessmentChild, AssessmentSection
from casework.models import Episode

SMALL_NUMBER = 5
YES = "yes"


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (London days)."""

    start: date
    end: date

    def moments(self) -> tuple[datetime, datetime]:
        """The first moment of the first day and the first moment after the last."""
        first = timezone.make_aware(datetime.combine(self.start, time.min))
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return first, after


@dataclass(frozen=True)
class Result:
    code: str
    name: str
    definition: str
    numerator: int
    denominator: int | None = None

    @property
    def suppressed(self) -> bool:
        counts = [self.numerator] + ([self.denominator] if self.denominator is not None else [])
        return any(0 < count < SMALL_NUMBER for count in counts)

    @property
    def rate(self) -> float | None:
        """The numerator as a percentage of the denominator; None when suppressed or undefined."""
        if self.denominator in (None, 0) or self.suppressed:
            return None
        return round(100 * self.numerator / self.denominator, 1)


SEEN_ALONE = (
    "Of the early help assessments completed in the period, the share in which every child of "
    "the assessment was seen alone (the child's section records 'seen alone: yes')."
)


def every_child_seen_alone(period: Period) -> Result:
    first, after = period.moments()
    completed = Assessment.objects.filter(
        status=Assessment.Status.COMPLETED, completed_at__gte=first, completed_at__lt=after
    )
    seen_alone = AssessmentSection.objects.filter(
        child=OuterRef("pk"),
        key="child_views",
        answers__seen_alone=YES,
    )
    not_seen_alone = AssessmentChild.objects.filter(assessment=OuterRef("pk")).exclude(
        Exists(seen_alone)
    )
    return Result(
        code="every_child_seen_alone",
        name="Assessments in which every child was seen alone",
        definition=SEEN_ALONE,
        numerator=completed.exclude(Exists(not_seen_alone)).count(),
        denominator=completed.count(),
    )


STEP_UPS = "Early help episodes that ended in the period by stepping up to children's social care."
STEP_DOWNS = (
    "Episodes that began in the period following an episode stepped up to children's social "
    "care (a step down back into early help)."
)


def step_ups(period: Period) -> Result:
    count = Episode.objects.filter(
        status=Episode.Status.STEPPED_UP, ended_on__range=(period.start, period.end)
    ).count()
    return Result("step_ups", "Step-ups to children's social care", STEP_UPS, count)


def step_downs(period: Period) -> Result:
    count = Episode.objects.filter(
        Q(previous__status=Episode.Status.STEPPED_UP),
        started_on__range=(period.start, period.end),
    ).count()
    return Result("step_downs", "Step-downs from children's social care", STEP_DOWNS, count)
