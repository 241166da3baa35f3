"""Scoped reads of consent. Families come only from people.selectors, so out of scope is a 404.

Panel members and administrators have no case access, so families_for gives them nothing.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from consent.models import ConsentDecision, ConsentOverride, Purpose
from consent.services import standing_override
from core import clock
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


# ---------------------------------------------------------------- may agency X see part Y?

# The parts of a family's record that go to other agencies (the panel's pack, for one), and how
# the pack names each one when it is withheld.
SHARED_PARTS = {
    "presenting_reason": "why the family was referred",
    "assessment": "the assessment",
    "agency_responses": "what other agencies know about the family",
}
# Which purposes' consent covers sharing with agencies, most specific first: the family's word on
# information sharing, else their consent to the referral to the multi-agency panel.
SHARING_PURPOSES = (Purpose.INFORMATION_SHARING, Purpose.PANEL_REFERRAL)


@dataclass(frozen=True)
class SharingAnswer:
    """Whether ``agency`` may see ``part`` of a family's record, and why.

    ``basis`` is "consent" (the family agreed, naming this agency or no agency in particular),
    "override" (a manager authorised sharing without consent, usually for safeguarding: show it
    and record it) or None (withheld). ``explanation`` is the sentence to show, in plain English.
    """

    agency: Agency
    part: str
    allowed: bool
    basis: str | None
    explanation: str
    decision: ConsentDecision | None = None
    override: ConsentOverride | None = None

    @property
    def part_label(self) -> str:
        return SHARED_PARTS[self.part]

    @property
    def what_may_be_shared(self) -> str:
        return self.decision.what_may_be_shared if self.decision is not None else ""


def _long_date(value) -> str:
    return f"{value.day} {value:%B %Y}"


def agency_may_see(
    family: Family,
    agency: Agency,
    part: str,
    *,
    current: list[CurrentConsent] | None = None,
) -> SharingAnswer:
    """May ``agency`` see ``part`` (a key of SHARED_PARTS) of this family's record?

    The one place that decides; the panel's pack (and anything else shown to another agency)
    only asks. The family's latest decision on information sharing decides, or, when there is
    none, their decision on the panel referral: consent given lets the agencies it names see
    (every agency, when it names none); anything else withholds. A standing override of either
    purpose (sharing without consent, authorised by a manager) lets it be seen, and says so.
    Pass ``current`` (``current_decisions(family)``) when asking about many parts or agencies.
    """
    if part not in SHARED_PARTS:
        raise ValueError(f"Unknown part of the record: {part}")
    current = current_decisions(family) if current is None else current
    by_purpose = {row.purpose: row for row in current}
    decision = next(
        (by_purpose[p].decision for p in SHARING_PURPOSES if by_purpose[p].decision), None
    )
    if decision is not None and decision.status == ConsentDecision.Status.GIVEN:
        named = list(decision.agencies.all())
        if not named or any(a.pk == agency.pk for a in named):
            return SharingAnswer(
                agency=agency,
                part=part,
                allowed=True,
                basis="consent",
                explanation=(
                    f"The family agreed to share this with {agency.name} "
                    f"on {_long_date(decision.decision_date)}."
                    if named
                    else f"The family agreed to share this on {_long_date(decision.decision_date)}."
                ),
                decision=decision,
            )
        why = f"The family did not agree to share this with {agency.name}."
    elif decision is None:
        why = f"No one has recorded that the family agreed to share this with {agency.name}."
    else:
        why = f"The family did not agree to share this with {agency.name}."
    override = next(
        (by_purpose[p].override for p in SHARING_PURPOSES if by_purpose[p].override), None
    )
    if override is not None:
        return SharingAnswer(
            agency=agency,
            part=part,
            allowed=True,
            basis="override",
            explanation=(
                f"{why} It is shared because sharing without consent was authorised on "
                f"{_long_date(clock.local(override.at).date())} to keep a child safe. "
                "The reason is recorded."
            ),
            decision=decision,
            override=override,
        )
    return SharingAnswer(
        agency=agency, part=part, allowed=False, basis=None, explanation=why, decision=decision
    )
