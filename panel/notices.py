"""The panel's links between the records of one case (``core.notices``), so each record links to
the others (issue 10, ADR 0016):

* the request for support page (place ``"triage"``) and the assessment page (``"assessment"``),
  both below the panel, link to the panel case the referral became;
* the panel case page (``"panel_case"``, the panel's own) links back to the assessment and the
  request, through the same registry, so the page asks one place for every linked record
  (casework, above the panel, adds the episodes there).

A link is given only for a record the reader may open, by that record's own scope
(``selectors.cases_visible_to``, ``assessments.selectors.assessments_for``,
``support_requests.selectors.requests_for``). Each provider answers for any number of records in
a fixed number of queries and writes no audit row: a link is not a read of the family's record.
"""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from assessments import notices as assessment_notices
from assessments import selectors as assessment_selectors
from core import clock
from core.notices import Notice
from panel import selectors
from support_requests import selectors as request_selectors

# After the patterns other apps spot (warnings) and the assessment, the panel case.
ORDER = 81


def _day(moment) -> str:
    return f"{clock.local(moment):%-d %B %Y}"


def _case_notice(case) -> Notice:
    if case.meeting_id and case.meeting is not None:
        where = f"Panel meeting of {case.meeting.date:%-d %B %Y}"
    else:
        where = f"Logged {_day(case.logged_at)}"
    return Notice(
        key="linked_panel_case",
        title=f"Panel case {case.esmap_number}",
        lines=(f"{case.get_status_display()}. {where}.",),
        url=reverse("panel:case_overview", kwargs={"case_id": case.pk}),
        link_text="View the panel case",
        kind="information",
    )


def _cases(user):
    return (
        selectors.cases_visible_to(user)
        .select_related("meeting")
        .annotate(
            linked_assessment_id=F("referral__assessment_id"),
            linked_request_id=F("referral__assessment__support_request_id"),
        )
        .order_by("logged_at", "pk")
    )


def triage(user, requests: list) -> dict:
    """The panel cases of the assessments started from each request."""
    found: dict = {}
    ids = [record.pk for record in requests]
    for case in _cases(user).filter(referral__assessment__support_request_id__in=ids):
        found.setdefault(case.linked_request_id, []).append(_case_notice(case))
    return found


def assessment(user, assessments: list) -> dict:
    """The panel case each assessment's referral became."""
    found: dict = {}
    ids = [record.pk for record in assessments]
    for case in _cases(user).filter(referral__assessment_id__in=ids):
        found.setdefault(case.linked_assessment_id, []).append(_case_notice(case))
    return found


def panel_case(user, cases: list) -> dict:
    """Each case's assessment and the request for support it answered, for a reader who may
    open them (two queries however many cases)."""
    by_assessment: dict = {}
    for case in cases:
        by_assessment.setdefault(case.referral.assessment_id, []).append(case.pk)
    found: dict = {}
    assessments = (
        assessment_selectors.assessments_for(user)
        .filter(pk__in=list(by_assessment))
        .only("pk", "number", "status", "created_at", "support_request_id")
    )
    for linked in assessments:
        for case_id in by_assessment[linked.pk]:
            found.setdefault(case_id, []).append(assessment_notices.linked_notice(linked))
    requests = (
        request_selectors.requests_for(user)
        .filter(assessments__id__in=list(by_assessment))
        .annotate(linked_assessment_id=F("assessments__id"))
        .only("pk", "reference", "status", "created_at")
    )
    for request in requests:
        for case_id in by_assessment[request.linked_assessment_id]:
            found.setdefault(case_id, []).append(_request_notice(request))
    return found


def _request_notice(request) -> Notice:
    return Notice(
        key="linked_request",
        title=f"Request for support {request.reference}",
        lines=(f"Received {_day(request.created_at)}: {request.get_status_display()}",),
        url=reverse("support_requests:detail", kwargs={"request_id": request.pk}),
        link_text="View the request",
        kind="information",
    )
