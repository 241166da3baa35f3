"""What the assessments app puts in a person's work tray (``core.worktray``): assessments waiting
for this manager to sign off, and the worker's own assessments a manager returned. Registered in
``AssessmentsConfig.ready``."""

import rules
from django.urls import reverse

from assessments import selectors
from assessments.models import Assessment
from core import clock, worktray
from core.worktray import TrayItem, TraySection


def _long_date(moment) -> str:
    day = clock.local(moment).date()
    return f"{day.day} {day:%B %Y}"


def _label(assessment: Assessment) -> str:
    # The family's name and reference: enough to find the work, nothing of what it says.
    family = assessment.family
    return f"{family.name} ({family.reference}), assessment {assessment.number}"


def _to_sign_off(user) -> TraySection:
    count, assessments = worktray.first(selectors.assessments_to_sign_off(user))
    items = []
    for assessment in assessments:
        # Submitting sets submitted_at; the guard keeps the tray from failing on an old row.
        sent = f" {_long_date(assessment.submitted_at)}" if assessment.submitted_at else ""
        items.append(
            TrayItem(
                text=_label(assessment),
                url=reverse("assessments:sign_off", kwargs={"assessment_id": assessment.pk}),
                hint=f"Sent{sent} by {assessment.worker}",
            )
        )
    return TraySection(
        key="assessments_to_sign_off",
        title="Assessments to sign off",
        count=count,
        items=items,
    )


def _returned(user) -> TraySection:
    count, assessments = worktray.first(selectors.assessments_returned_to(user))
    return TraySection(
        key="assessments_returned",
        title="Assessments returned to you",
        count=count,
        items=[
            TrayItem(
                text=_label(assessment),
                url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
                hint=f"Returned {_long_date(assessment.returned_at)}",
            )
            for assessment in assessments
        ],
    )


def tray(user) -> list[TraySection]:
    sections = []
    if selectors.may_sign_off_any(user):
        sections.append(_to_sign_off(user))
    if rules.has_perm("assessments.write_assessment", user):
        sections.append(_returned(user))
    return sections
