"""Scoped reads of neglect concerns and graded-care results: the one place their access rule
lives. A concern is seen by whoever may see its family (``people.selectors.families_for``), so
one out of scope is simply not found (404)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from assessments import selectors as assessment_selectors
from casework import selectors as casework_selectors
from neglect.models import (
    Category,
    GradedCareResult,
    GradedCareTool,
    NeglectConcern,
    NeglectConcernHistory,
    NeglectObservation,
)
from people.models import FamilyMember, Person
from people.selectors import families_for
from support_requests import selectors as request_selectors

# The child's age when neglect was identified, for reporting (the bands the partnership's
# neglect strategy counts in: babies, the early years, primary and secondary age, older).
AGE_BANDS = (
    ("under_1", "Under 1", 0, 0),
    ("1_4", "1 to 4", 1, 4),
    ("5_9", "5 to 9", 5, 9),
    ("10_15", "10 to 15", 10, 15),
    ("16_plus", "16 and over", 16, None),
)
AGE_UNKNOWN = "unknown"


def age_band(date_of_birth: date | None, on: date) -> str:
    if date_of_birth is None:
        return AGE_UNKNOWN
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    for key, _label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return key
    return AGE_UNKNOWN  # born after the day: an error in the record, not a band


def concerns_for(user) -> QuerySet[NeglectConcern]:
    return NeglectConcern.objects.filter(family__in=families_for(user))


def no_concerns() -> QuerySet[NeglectConcern]:
    """An empty queryset (the API schema's generator reads no one's)."""
    return NeglectConcern.objects.none()


def results_for(user) -> QuerySet[GradedCareResult]:
    return GradedCareResult.objects.filter(family__in=families_for(user))


def no_results() -> QuerySet[GradedCareResult]:
    return GradedCareResult.objects.none()


def _with_detail(queryset: QuerySet[NeglectConcern]) -> QuerySet[NeglectConcern]:
    return queryset.select_related("child", "family", "recorded_by").prefetch_related(
        Prefetch(
            "observations",
            queryset=NeglectObservation.objects.select_related("recorded_by"),
        ),
        Prefetch("history", queryset=NeglectConcernHistory.objects.select_related("actor")),
    )


def get_concern(user, concern_id) -> NeglectConcern:
    return get_object_or_404(_with_detail(concerns_for(user)), pk=concern_id)


def child_concerns(user, child: Person) -> list[NeglectConcern]:
    """A child's concerns, newest first, each with its observations and history (3 queries)."""
    return list(_with_detail(concerns_for(user).filter(child=child)))


def child_results(user, child: Person) -> list[GradedCareResult]:
    return list(
        results_for(user).filter(child=child).select_related("tool", "recorded_by", "concern")
    )


def child_families(user, child: Person) -> list:
    """The families in the user's scope in which this person is a child."""
    return [
        m.family
        for m in FamilyMember.objects.filter(
            person=child, role=FamilyMember.Role.CHILD, family__in=families_for(user)
        )
        .select_related("family")
        .order_by("family__name", "family_id")
    ]


def current_concern(child: Person) -> NeglectConcern | None:
    return NeglectConcern.objects.filter(child=child, status=NeglectConcern.Status.CURRENT).first()


def tools_offered() -> list[GradedCareTool]:
    return list(GradedCareTool.objects.filter(in_pack=True))


def tool_by_code(code: str) -> GradedCareTool | None:
    return GradedCareTool.objects.filter(code=code).first()


def current_concerns_by_child(user, child_ids) -> dict:
    """``{child_id: (concern, [categories])}`` for the current concerns of these children that
    ``user`` may see: two queries, however many children."""
    concerns = list(
        concerns_for(user)
        .filter(child_id__in=list(child_ids), status=NeglectConcern.Status.CURRENT)
        .prefetch_related(
            Prefetch(
                "observations", queryset=NeglectObservation.objects.only("concern_id", "category")
            )
        )
    )
    found = {}
    for concern in concerns:
        categories = {o.category for o in concern.observations.all()}
        found[concern.child_id] = (concern, [c for c in Category.values if c in categories])
    return found


def filtered_concerns(
    user,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    area: str | None = None,
    agency: str | None = None,
    team: str | None = None,
) -> QuerySet[NeglectConcern]:
    """Concerns in scope identified in the period (both ends included), of families in an area
    (its code), identified by an agency or team (their codes, as the worker's then were)."""
    queryset = concerns_for(user)
    if period_start is not None:
        queryset = queryset.filter(identified_on__gte=period_start)
    if period_end is not None:
        queryset = queryset.filter(identified_on__lte=period_end)
    if area:
        queryset = queryset.filter(family__area__code=area)
    if agency:
        queryset = queryset.filter(recorded_by_agency__code=agency)
    if team:
        queryset = queryset.filter(recorded_by_team__code=team)
    return queryset


def neglect_counts(
    *,
    user,
    period_start: date,
    period_end: date,
    area: str | None = None,
    agency: str | None = None,
    team: str | None = None,
) -> dict:
    """Concerns identified in the period, in the user's scope: the total, by Horwath category
    (a concern counts once in each category it has an observation in) and by the child's age
    band on the day it was identified. One query."""
    rows = list(
        filtered_concerns(
            user,
            period_start=period_start,
            period_end=period_end,
            area=area,
            agency=agency,
            team=team,
        )
        .values_list("pk", "identified_on", "child__date_of_birth", "observations__category")
        .order_by("pk")
    )
    categories: dict = {}
    bands: dict = {}
    for pk, identified_on, born, category in rows:
        if category:
            categories.setdefault(category, set()).add(pk)
        bands.setdefault(age_band(born, identified_on), set()).add(pk)
    by_category = Counter({c: len(categories.get(c, ())) for c in Category.values})
    by_age = Counter({key: len(bands.get(key, ())) for key, *_ in AGE_BANDS})
    if bands.get(AGE_UNKNOWN):
        by_age[AGE_UNKNOWN] = len(bands[AGE_UNKNOWN])
    return {
        "total": len({row[0] for row in rows}),
        "by_category": dict(by_category),
        "by_age_band": dict(by_age),
    }


def family_origins(user, family) -> dict[str, tuple[str, str, object]]:
    """The records a concern about this family's child may come from, that ``user`` may see:
    ``{"episode:<id>": (source, label, record)}`` (three queries)."""
    found: dict = {}
    for request in (
        request_selectors.requests_for(user).filter(family=family).order_by("-created_at")
    ):
        found[f"support_request:{request.pk}"] = (
            NeglectConcern.Source.SUPPORT_REQUEST,
            f"Request for support {request.reference} ({request.created_at:%-d %B %Y})",
            request,
        )
    for assessment in (
        assessment_selectors.assessments_for(user).filter(family=family).order_by("-created_at")
    ):
        found[f"assessment:{assessment.pk}"] = (
            NeglectConcern.Source.ASSESSMENT,
            f"Early help assessment (version {assessment.number}, {assessment.get_status_display().lower()})",
            assessment,
        )
    for episode in (
        casework_selectors.episodes_for(user).filter(family=family).order_by("-started_on")
    ):
        found[f"episode:{episode.pk}"] = (
            NeglectConcern.Source.EPISODE,
            f"Episode of early help from {episode.started_on:%-d %B %Y} ({episode.get_status_display().lower()})",
            episode,
        )
    return found


def support_request_for(user, family, request_id):
    return request_selectors.requests_for(user).filter(family=family, pk=request_id).first()


def assessment_for(user, family, assessment_id):
    return (
        assessment_selectors.assessments_for(user).filter(family=family, pk=assessment_id).first()
    )


def episode_for(user, family, episode_id):
    return casework_selectors.episodes_for(user).filter(family=family, pk=episode_id).first()


def current_concerns_by_family(user, family_ids) -> list:
    """``[(concern, [categories])]``: the current concerns of these families' children that
    ``user`` may see, oldest child first (two queries)."""
    concerns = (
        concerns_for(user)
        .filter(family_id__in=list(family_ids), status=NeglectConcern.Status.CURRENT)
        .select_related("child")
        .prefetch_related(
            Prefetch(
                "observations", queryset=NeglectObservation.objects.only("concern_id", "category")
            )
        )
        .order_by("child__date_of_birth", "child_id")
    )
    return [
        (
            concern,
            [c for c in Category.values if c in {o.category for o in concern.observations.all()}],
        )
        for concern in concerns
    ]
