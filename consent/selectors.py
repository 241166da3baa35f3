"""Scoped reads of consent. Families come only from people.selectors, so out of scope is a 404.

Panel members and administrators have no case access, so families_for gives them nothing.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from consent.models import ConsentDecision, ConsentOverride, Purpose
from consent.services import standing_override
from core.models import Agency
from people import selectors as people_selectors
from people.models import Family, Person


@dataclass(frozen=True)
class CurrentConsent:
    """Where consent stands for one purpose: the latest decision and any override after it."""

    purpose: str
    purpose_label: str
    decision: ConsentDecision | None
    override: ConsentOverride | None

    @property
    def may_go_ahead(self) -> bool:
        return self.override is not None or (
            self.decision is not None and self.decision.status == ConsentDecision.Status.GIVEN
        )


def get_family(user, family_id) -> Family:
    return people_selectors.get_family(user, family_id)


def family_member(family: Family, person_id) -> Person | None:
    """A member of the family (already in scope), or None for anyone else."""
    return Person.objects.filter(pk=person_id, family_memberships__family=family).first()


def agencies_by_id(agency_ids) -> dict[int, Agency]:
    """The agencies with these ids that exist, by id."""
    return {agency.pk: agency for agency in Agency.objects.filter(pk__in=agency_ids)}


def no_decisions() -> QuerySet[ConsentDecision]:
    """An empty queryset of decisions (the API schema's generator reads no one's)."""
    return ConsentDecision.objects.none()


def no_overrides() -> QuerySet[ConsentOverride]:
    """An empty queryset of overrides (the API schema's generator reads no one's)."""
    return ConsentOverride.objects.none()


def decisions_for(user) -> QuerySet[ConsentDecision]:
    """Every decision about a family in the user's scope."""
    return (
        ConsentDecision.objects.filter(family__in=people_selectors.families_for(user))
        .select_related("recorded_by", "person", "family")
        .prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.order_by("sort_order", "name"))
        )
        .order_by("-recorded_at", "-id")
    )


def overrides_for(user) -> QuerySet[ConsentOverride]:
    return (
        ConsentOverride.objects.filter(family__in=people_selectors.families_for(user))
        .select_related("authorised_by", "family")
        .order_by("-at", "-id")
    )


def family_decisions(family: Family) -> list[ConsentDecision]:
    """The family's whole history of decisions, newest first (family already in scope)."""
    return list(
        ConsentDecision.objects.filter(family=family)
        .select_related("recorded_by", "person")
        .prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.order_by("sort_order", "name"))
        )
        .order_by("-recorded_at", "-id")
    )


def family_overrides(family: Family) -> list[ConsentOverride]:
    return list(
        ConsentOverride.objects.filter(family=family)
        .select_related("authorised_by")
        .order_by("-at", "-id")
    )


def current_decisions(
    family: Family,
    *,
    decisions: list[ConsentDecision] | None = None,
    overrides: list[ConsentOverride] | None = None,
) -> list[CurrentConsent]:
    """Per purpose, in the order of Purpose: the latest decision and any override recorded after it.

    Pass the family's histories when already fetched, to save the queries.
    """
    decisions = family_decisions(family) if decisions is None else decisions
    overrides = family_overrides(family) if overrides is None else overrides
    rows = []
    for purpose in Purpose:
        # Both lists are newest first, so the first match is the latest.
        decision = next((d for d in decisions if d.purpose == purpose), None)
        override = next((o for o in overrides if o.purpose == purpose), None)
        rows.append(
            CurrentConsent(
                purpose=purpose.value,
                purpose_label=purpose.label,
                decision=decision,
                override=standing_override(decision, override),
            )
        )
    return rows
