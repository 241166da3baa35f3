"""Ofsted's Annex A, List 2 (early help): every child who had an early help assessment in the six
months before a chosen date, one row per child per assessment, in Ofsted's columns and codes.

Who is on it: a child of an assessment started on or before the date and not completed before
the six months began (an assessment running at any time in the window), a stopped assessment
included (it was started). The codes are the DfE's (``people.reference``): gender 0 not known,
1 male, 2 female, 9 not specified; ethnicity in four letters. Dates are day/month/year; the age is
the child's age in whole years on the chosen date (blank for an unborn child).

The list is built by the database in one query whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone

from assessments.models import AssessmentChild
from core import clock
from core.spreadsheets import Column

TITLE = "List 2 early help"
MONTHS = 6

COLUMNS = [
    Column("child_id", "Child Unique ID", 38),
    Column("gender", "Gender", 8),
    Column("ethnicity", "Ethnicity", 10),
    Column("date_of_birth", "Date of Birth", 14, True),
    Column("age", "Age of Child (Years)", 10),
    Column("started_on", "Assessment start date", 14, True),
    Column("completed_on", "Assessment completion date", 14, True),
    Column("organisation", "Organisation completing assessment", 40),
]


@dataclass(frozen=True)
class Window:
    """The six months before ``as_at``, both days included."""

    as_at: date

    @property
    def starts(self) -> date:
        """The day after the same day six months before (the 31st falls back to the month's
        last day): for 15 June, 16 December."""
        return clock.add_months(self.as_at, -MONTHS) + timedelta(days=1)

    @staticmethod
    def _moment(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    @property
    def first_moment(self) -> datetime:
        return self._moment(self.starts)

    @property
    def end_moment(self) -> datetime:
        return self._moment(self.as_at + timedelta(days=1))


def age_on(born: date | None, on: date) -> int | None:
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def list_2(*, as_at: date | None) -> list[dict]:
    """The rows for the six months to ``as_at``, which is today or earlier."""
    if as_at is None:
        raise ValidationError({"as_at": "Enter the date the list runs to"})
    if as_at > clock.today():
        raise ValidationError({"as_at": "The date the list runs to must be today or in the past"})
    window = Window(as_at)
    rows = (
        AssessmentChild.objects.filter(
            Q(assessment__completed_at__isnull=True)
            | Q(assessment__completed_at__gte=window.first_moment),
            assessment__created_at__lt=window.end_moment,
        )
        .annotate(
            started=F("assessment__created_at"),
            completed=F("assessment__completed_at"),
            organisation=F("assessment__worker_agency__name"),
        )
        .values_list(
            "person_id",
            "person__gender",
            "person__ethnicity",
            "person__date_of_birth",
            "started",
            "completed",
            "organisation",
        )
        .order_by("started", "assessment_id", "position", "pk")
    )
    return [
        {
            "child_id": str(person_id),
            "gender": gender,
            "ethnicity": ethnicity,
            "date_of_birth": born,
            "age": age_on(born, as_at),
            "started_on": clock.local(started).date(),
            "completed_on": clock.local(completed).date() if completed else None,
            "organisation": organisation or "",
        }
        for person_id, gender, ethnicity, born, started, completed, organisation in rows
    ]


def filename(as_at: date, fmt: str) -> str:
    return f"annex-a-list-2-early-help-{as_at.isoformat()}.{fmt}"
