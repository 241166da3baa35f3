"""Scoped reads of risk and vulnerability factors. A factor is part of its family's record:
visible exactly when the family is (people.selectors.families_for); anything else is 404.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from casework.models import PlanReview
from casework.selectors import episodes_for
from people import selectors as people_selectors
from people.models import Family, FamilyMember, FamilyTeam, Person
from risk_factors.models import (
    Factor,
    FactorReview,
    FactorReviewItem,
    RiskFactor,
    RiskFactorHistory,
)


def get_family(user, family_id) -> Family:
    return people_selectors.get_family(user, family_id)


def factors_for(user) -> QuerySet[RiskFactor]:
    return RiskFactor.objects.filter(family__in=people_selectors.families_for(user))


def no_factors() -> QuerySet[RiskFactor]:
    """An empty queryset (the API schema's generator reads no one's)."""
    return RiskFactor.objects.none()


def with_details(queryset: QuerySet[RiskFactor]) -> QuerySet[RiskFactor]:
    """Factors with who recorded them, whom they concern and their history, in a fixed number
    of queries."""
    return queryset.select_related("person", "recorded_by").prefetch_related(
        Prefetch(
            "history",
            queryset=RiskFactorHistory.objects.select_related("actor").order_by("at", "id"),
        )
    )


def get_factor(user, factor_id) -> RiskFactor:
    return get_object_or_404(with_details(factors_for(user)).select_related("family"), pk=factor_id)


def family_factors(family: Family) -> list[RiskFactor]:
    """The family's factors (already in scope), present first, then ended, each with history."""
    rows = list(with_details(RiskFactor.objects.filter(family=family)))
    rows.sort(key=lambda f: (not f.is_present, f.get_factor_display(), f.noted_on, f.pk))
    return rows


def family_members(family: Family) -> list[Person]:
    """The family's people, children first, as the factor form offers them."""
    members = FamilyMember.objects.filter(family=family).select_related("person")
    people = [member.person for member in members]
    order = {Person.Kind.CHILD: 0, Person.Kind.UNBORN: 1, Person.Kind.ADULT: 2}
    return sorted(
        people, key=lambda p: (order.get(p.kind, 3), p.last_name, p.first_name, str(p.pk))
    )


def family_member(family: Family, person_id) -> Person | None:
    return Person.objects.filter(pk=person_id, family_memberships__family=family).first()


def get_plan_review(user, review_id) -> PlanReview:
    """A plan review of an episode in scope, with its episode and family."""
    return get_object_or_404(
        PlanReview.objects.filter(episode__in=episodes_for(user)).select_related(
            "episode",
            "episode__family",
            "episode__lead_professional",
            "episode__lead_professional__team",
        ),
        pk=review_id,
    )


def reviews_of(plan_review: PlanReview) -> list[FactorReview]:
    """The factor reviews recorded at a plan review, newest first, with what changed."""
    items = FactorReviewItem.objects.select_related("risk_factor", "risk_factor__person")
    return list(
        FactorReview.objects.filter(plan_review=plan_review)
        .select_related("reviewed_by")
        .prefetch_related(Prefetch("items", queryset=items))
    )


def present_by_family(family_ids) -> dict:
    """family id -> its present factors (for notices: one query for any number of families)."""
    found: dict = {}
    rows = (
        RiskFactor.objects.filter(family_id__in=list(family_ids), status=RiskFactor.Status.PRESENT)
        .select_related("person")
        .order_by("factor", "noted_on", "pk")
    )
    for row in rows:
        found.setdefault(row.family_id, []).append(row)
    return found


# ------------------------------------------------------------------------------ reporting


@dataclass(frozen=True)
class FactorCount:
    factor: str
    factor_label: str
    area: str  # the family's area name
    team: str  # a team working with the family ("" for none); a family with two counts twice
    age_band: str  # the named child's age when it was noted ("" when no child is named)
    count: int


AGE_BANDS = ((0, 1, "Under 1"), (1, 5, "1 to 4"), (5, 10, "5 to 9"), (10, 16, "10 to 15"))


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return ""
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high, label in AGE_BANDS:
        if low <= years < high:
            return label
    return "16 and over"


def factor_counts(
    user,
    *,
    start: date,
    end: date,
    by: tuple[str, ...] = ("factor", "area", "team"),
) -> list[FactorCount]:
    """How many factors were present at any time from ``start`` to ``end`` (inclusive), among
    the families the user can see, counted by any of factor, area, team and age band (the named
    child's age when the factor was noted), in a fixed number of queries whatever the numbers."""
    teams = FamilyTeam.objects.filter(ended_on__isnull=True)
    rows = (
        factors_for(user)
        .filter(noted_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("family__area", "person")
        .prefetch_related(
            Prefetch(
                "family__team_links", queryset=teams.select_related("team"), to_attr="open_links"
            )
        )
    )
    counts: Counter = Counter()
    for row in rows:
        team_names = [link.team.name for link in row.family.open_links] or [""]
        if "team" not in by:
            team_names = [""]
        for team in team_names:
            key = (
                row.factor if "factor" in by else "",
                row.family.area.name if "area" in by else "",
                team,
                age_band(row.person.date_of_birth if row.person else None, row.noted_on)
                if "age_band" in by and row.person is not None and row.person.kind == "child"
                else "",
            )
            counts[key] += 1
    return [
        FactorCount(
            factor=factor,
            factor_label=str(Factor(factor).label) if factor else "",
            area=area,
            team=team,
            age_band=band,
            count=count,
        )
        for (factor, area, team, band), count in sorted(counts.items())
    ]
