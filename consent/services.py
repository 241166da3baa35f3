"""Writes for consent, and the consent check a panel referral must pass.

Every function is keyword-only, runs in one transaction and writes its own audit event.
Callers pass a family already fetched through people.selectors (so in the caller's scope).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from consent.models import ConsentDecision, ConsentOverride, LawfulBasis, Purpose
from core import clock
from core.audit import Action, audit_record
from core.models import Agency
from people.models import Family, FamilyMember, Person
from people.selectors import family_children
from people.services import RecordType, chronology_record

MAX_TEXT = 5000
MAX_NAME = 200

# The words for each refusal. The service says them, and the form and the API's serializer say
# the same when they catch the input first (a choice not made, a field left out, something not
# on the list), so the page and the API refuse the same input alike.
PURPOSE_MISSING = "Select what the consent is for"
STATUS_MISSING = "Select whether consent was given, refused, withdrawn or not sought"
DECISION_DATE_MISSING = "Enter the date of the decision"
LAWFUL_BASIS_MISSING = "Select the lawful basis for sharing"
RELATIONSHIP_MISSING = "Select who gave consent"
NAME_TOO_LONG = f"The name must be {MAX_NAME} characters or fewer"
NOT_A_MEMBER = "Select someone who is a member of this family"
AGENCY_NOT_LISTED = "Select agencies from the list"
REASON_TOO_LONG = f"The reason must be {MAX_TEXT:,} characters or fewer"
SHARED_TOO_LONG = f"What may be shared must be {MAX_TEXT:,} characters or fewer"
OVERRIDE_PURPOSE_MISSING = "Select what you are authorising without consent"
OVERRIDE_REASON_MISSING = (
    "Enter why this goes ahead without consent, for example the safeguarding concern"
)


class ConsentRequired(Exception):
    """A panel referral was attempted without consent or an authorised override."""

    def __init__(self, explanation: str):
        super().__init__(explanation)
        self.explanation = explanation


@transaction.atomic
def consent_record_decision(
    *,
    actor,
    family: Family,
    purpose: str,
    status: str,
    decision_date: date,
    lawful_basis: str = "",
    reason: str = "",
    given_by_name: str = "",
    given_by_relationship: str = "",
    person: Person | None = None,
    what_may_be_shared: str = "",
    agencies: Iterable[Agency] = (),
) -> ConsentDecision:
    """Record a new consent decision for a family and purpose; it becomes the current one."""
    if not rules.has_perm("consent.record_decision", actor):
        raise PermissionDenied("You do not have permission to record consent")
    reason = (reason or "").strip()
    given_by_name = (given_by_name or "").strip()
    what_may_be_shared = (what_may_be_shared or "").strip()
    agencies = list(agencies)
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = PURPOSE_MISSING
    if status not in ConsentDecision.Status.values:
        errors["status"] = STATUS_MISSING
    elif status in ConsentDecision.STATUSES_NEEDING_REASON and not reason:
        errors["reason"] = {
            ConsentDecision.Status.REFUSED: "Enter why consent was refused",
            ConsentDecision.Status.WITHDRAWN: "Enter why consent was withdrawn",
            ConsentDecision.Status.NOT_SOUGHT: "Enter why consent was not sought",
        }[status]
    if len(reason) > MAX_TEXT:
        errors["reason"] = REASON_TOO_LONG
    if lawful_basis and lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = LAWFUL_BASIS_MISSING
    elif status == ConsentDecision.Status.GIVEN and not lawful_basis:
        errors["lawful_basis"] = LAWFUL_BASIS_MISSING
    if status == ConsentDecision.Status.GIVEN:
        if not given_by_name:
            errors["given_by_name"] = "Enter the name of the person who gave consent"
        if not given_by_relationship:
            errors["given_by_relationship"] = RELATIONSHIP_MISSING
    if given_by_relationship and given_by_relationship not in ConsentDecision.Relationship.values:
        errors["given_by_relationship"] = RELATIONSHIP_MISSING
    if len(given_by_name) > MAX_NAME:
        errors["given_by_name"] = NAME_TOO_LONG
    if len(what_may_be_shared) > MAX_TEXT:
        errors["what_may_be_shared"] = SHARED_TOO_LONG
    if (
        person is not None
        and not FamilyMember.objects.filter(family=family, person=person).exists()
    ):
        errors["person"] = NOT_A_MEMBER
    if decision_date is None:
        errors["decision_date"] = DECISION_DATE_MISSING
    elif decision_date > clock.today():
        errors["decision_date"] = "Date of the decision must be today or in the past"
    if errors:
        raise ValidationError(errors)

    decision = ConsentDecision.objects.create(
        family=family,
        purpose=purpose,
        status=status,
        given_by_name=given_by_name,
        given_by_relationship=given_by_relationship,
        person=person,
        reason=reason,
        lawful_basis=lawful_basis,
        what_may_be_shared=what_may_be_shared,
        decision_date=decision_date,
        recorded_by=actor,
    )
    if agencies:
        decision.agencies.set(agencies)
    # Choices and counts only: the reason and names are personal data.
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=decision,
        detail={
            "family": str(family.pk),
            "purpose": purpose,
            "status": status,
            "lawful_basis": lawful_basis,
            "agencies": len(agencies),
        },
    )
    # On the children's chronology, and on the adult's who decided when they are named: it is
    # their decision about the family's information.
    chronology_record(
        actor=actor,
        people=[*family_children(family), *([person] if person is not None else [])],
        summary=f"{decision.get_status_display()}: {decision.get_purpose_display().lower()}",
        source="Consent and information sharing",
        record_type=RecordType.CONSENT,
        record_id=family.pk,
        event=f"consent_{status}",
        occurred_on=decision_date,
    )
    return decision


@transaction.atomic
def consent_record_decisions(
    *, actor, family: Family, purposes: Sequence[str], **answers
) -> list[ConsentDecision]:
    """Record one decision, asked once, for each purpose the family decided about.

    A family usually decides about the assessment, sharing and the referral in one conversation:
    the page asks who decided, the agencies and what may be shared once, and this records the
    same answers for every purpose chosen, all or none. Each purpose gets its own decision (so
    each can later change on its own) through ``consent_record_decision``, which applies the rules.
    """
    chosen = list(dict.fromkeys(purposes))
    if not chosen or any(purpose not in Purpose.values for purpose in chosen):
        # Refused as a decision with no purpose, so every other answer is checked at once too.
        consent_record_decision(actor=actor, family=family, purpose="", **answers)
    return [
        consent_record_decision(actor=actor, family=family, purpose=purpose, **answers)
        for purpose in chosen
    ]


@transaction.atomic
def consent_record_override(*, actor, family: Family, purpose: str, reason: str) -> ConsentOverride:
    """Record that sharing or a referral goes ahead without consent, and why."""
    if not rules.has_perm("consent.record_override", actor):
        raise PermissionDenied(
            "Only an early support team leader or a team manager can authorise going ahead without consent"
        )
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = OVERRIDE_PURPOSE_MISSING
    if not reason:
        errors["reason"] = OVERRIDE_REASON_MISSING
    elif len(reason) > MAX_TEXT:
        errors["reason"] = REASON_TOO_LONG
    if errors:
        raise ValidationError(errors)
    override = ConsentOverride.objects.create(
        family=family, purpose=purpose, reason=reason, authorised_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=override,
        detail={"family": str(family.pk), "purpose": purpose},
    )
    return override


# ---------------------------------------------------------------- the panel referral check


def long_date(value: date) -> str:
    """The GOV.UK date style, for example 5 March 2026."""
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class PanelReferralPermission:
    allowed: bool
    basis: Literal["consent", "override"] | None
    explanation: str


def latest_decision(family: Family, purpose: str) -> ConsentDecision | None:
    return (
        ConsentDecision.objects.filter(family=family, purpose=purpose)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
        .first()
    )


def latest_override(family: Family, purpose: str) -> ConsentOverride | None:
    return (
        ConsentOverride.objects.filter(family=family, purpose=purpose)
        .select_related("authorised_by")
        .order_by("-at", "-id")
        .first()
    )


def standing_override(
    decision: ConsentDecision | None, override: ConsentOverride | None
) -> ConsentOverride | None:
    """The override still stands only if recorded after the latest decision.

    A decision recorded later (consent given, or refused again) is the family's newer
    word and replaces it; going ahead without consent again needs a new override.
    """
    if override is None:
        return None
    if decision is None or override.at > decision.recorded_at:
        return override
    return None


def panel_referral_permission(family: Family) -> PanelReferralPermission:
    """May a referral about this family go to the panel? Consent given, or an authorised override."""
    purpose = Purpose.PANEL_REFERRAL
    decision = latest_decision(family, purpose)
    override = standing_override(decision, latest_override(family, purpose))
    if override is not None:
        return PanelReferralPermission(
            allowed=True,
            basis="override",
            explanation=(
                "The family has not given consent, but going ahead without it was authorised "
                f"on {long_date(clock.local(override.at).date())}. The reason is recorded."
            ),
        )
    if decision is not None and decision.status == ConsentDecision.Status.GIVEN:
        return PanelReferralPermission(
            allowed=True,
            basis="consent",
            explanation=f"The family gave consent to the referral on {long_date(decision.decision_date)}.",
        )
    if decision is None:
        why = "No one has recorded whether the family consents to a referral to the panel."
    else:
        why = {
            ConsentDecision.Status.REFUSED: "The family refused consent to a referral to the panel.",
            ConsentDecision.Status.WITHDRAWN: "The family withdrew consent to a referral to the panel.",
            ConsentDecision.Status.NOT_SOUGHT: "Consent to a referral to the panel was not sought.",
        }[decision.status]
    return PanelReferralPermission(
        allowed=False,
        basis=None,
        explanation=(
            f"{why} Record the family's consent, or ask an early support team leader or team manager "
            "to record why the referral goes ahead without it."
        ),
    )


def require_panel_referral_permission(family: Family) -> PanelReferralPermission:
    """As panel_referral_permission, raising ConsentRequired when the referral may not go ahead."""
    permission = panel_referral_permission(family)
    if not permission.allowed:
        raise ConsentRequired(permission.explanation)
    return permission
