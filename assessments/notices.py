"""Assessments' links on a lower app's page (``core.notices``): the request for support page
(support_requests, place ``"triage"``) links to the assessment that answered the request, so each
record of the case links to the others (issue 10, ADR 0016).

A link is given only for an assessment the reader may open (``selectors.assessments_for``, the
assessment page's own scope); the provider answers for any number of requests in one query and
writes no audit row (a link is not a read of the family's record).
"""

from __future__ import annotations

from django.urls import reverse

from assessments import selectors
from core import clock
from core.notices import Notice

# After the patterns other apps spot (warnings), the records linked to this one.
ORDER = 80


def _day(moment) -> str:
    return f"{clock.local(moment):%-d %B %Y}"


def linked_notice(assessment) -> Notice:
    """An assessment, as a linked record: when it was started and where it stands."""
    title = "Assessment" if assessment.number == 1 else f"Assessment, version {assessment.number}"
    return Notice(
        key="linked_assessment",
        title=title,
        lines=(f"Started {_day(assessment.created_at)}: {assessment.get_status_display()}",),
        url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
        link_text="View the assessment",
        kind="information",
    )


def triage(user, requests: list) -> dict:
    """The current version of each assessment started from the requests ``user`` may open."""
    found: dict = {}
    assessments = (
        selectors.assessments_for(user)
        .filter(support_request_id__in=[record.pk for record in requests])
        .filter(next_version__isnull=True)  # an earlier version is reached from the newest
        .only("pk", "number", "status", "created_at", "support_request_id")
        .order_by("created_at", "pk")
    )
    for assessment in assessments:
        found.setdefault(assessment.support_request_id, []).append(linked_notice(assessment))
    return found
