"""Assessments' part of the person page: the assessments of each family a person belongs to."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from assessments import selectors
from core import clock
from core.records import PersonRecord


def assessments(user, people: list) -> dict:
    """Assessments of the families each person belongs to that ``user`` may see: one query."""
    rows = (
        selectors.assessments_for(user)
        .filter(family__members__person__in=people)
        .annotate(member_id=F("family__members__person_id"))
        .order_by("-created_at")
    )
    found: dict = {}
    for assessment in rows:
        completed = assessment.completed_at
        found.setdefault(assessment.member_id, []).append(
            PersonRecord(
                kind="Assessment",
                title=f"Early help assessment (version {assessment.number})",
                status=assessment.get_status_display(),
                url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
                started_on=clock.local(assessment.created_at).date(),
                ended_on=clock.local(completed).date() if completed else None,
            )
        )
    return found
