"""Scoped reads of assessments: the one place their access rules live.

An assessment is part of the family's record, so it is visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.models import Role
from assessments.models import (
    Assessment,
    AssessmentChild,
    AssessmentHistory,
    AssessmentSection,
    PanelReferral,
)
from assessments.sections import SectionContext
from consent.models import ConsentDecision, Purpose
from consent.services import latest_decision
from people.models import PersonAddress
from people.selectors import families_for, family_professionals


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(family__in=families_for(user))


def no_assessments() -> QuerySet[Assessment]:
    """An empty queryset of assessments (the API schema's generator reads no one's)."""
    return Assessment.objects.none()


def get_assessment(user, assessment_id) -> Assessment:
    queryset = (
        assessments_for(user)
        .select_related(
            "family",
            "family__area",
            "worker",
            "worker_agency",
            "worker_team",
            "signed_off_by",
            "previous",
        )
        .prefetch_related(
            Prefetch("children", queryset=AssessmentChild.objects.select_related("person")),
            "sections",
        )
    )
    return get_object_or_404(queryset, pk=assessment_id)


def family_assessments(user, family) -> QuerySet[Assessment]:
    return assessments_for(user).filter(family=family).select_related("worker").order_by("-number")


def member_current_addresses(family) -> dict:
    """Person id → the current address links of each member of the family (newest first).

    Read through a family already in scope; whether each address may be shown is
    people.selectors' rule, asked by the presenter.
    """
    links: dict = {}
    for link in (
        PersonAddress.objects.filter(
            person__family_memberships__family=family, moved_out__isnull=True
        )
        .select_related("address")
        .order_by("-moved_in", "-created_at")
        .distinct()
    ):
        links.setdefault(link.person_id, []).append(link)
    return links


def newer_version(assessment: Assessment) -> Assessment | None:
    """The version that replaced this one, if any (read through an assessment already in scope)."""
    return Assessment.objects.filter(previous=assessment).first()


def panel_referral_of(assessment: Assessment) -> PanelReferral | None:
    return PanelReferral.objects.filter(assessment=assessment).first()


def section_version(assessment: Assessment, key: str, child) -> int:
    """The saved version of one section (0 when not started), to tell a user who read an old one."""
    row = AssessmentSection.objects.filter(assessment=assessment, key=key, child=child).first()
    return row.version if row else 0


def section_row(assessment: Assessment, key: str, child) -> AssessmentSection | None:
    return AssessmentSection.objects.filter(assessment=assessment, key=key, child=child).first()


def consultation_version(assessment: Assessment) -> int:
    row = getattr(Assessment.objects.get(pk=assessment.pk), "consultation", None)
    return row.version if row else 0


def assessment_consent_given(family) -> bool:
    """Whether the family's latest decision about consent to the assessment is 'given'."""
    decision = latest_decision(family, Purpose.ASSESSMENT)
    return bool(decision and decision.status == ConsentDecision.Status.GIVEN)


def section_context(assessment: Assessment, child=None, key: str = "") -> SectionContext:
    """What a section's questions and rules depend on: the family's current professionals (one
    question each in section 3), and for section 14 whether the family's consent to the
    assessment is recorded as given. The form, the API and ``section_save`` all read it here."""
    professionals = list(
        family_professionals(assessment.family)
        .filter(ended_on__isnull=True)
        .select_related("agency")
    )
    context = SectionContext(assessment=assessment, child=child, professionals=professionals)
    if key == "consent":
        context.assessment_consent_given = assessment_consent_given(assessment.family)
    return context


# ---- The work tray.


def may_sign_off_any(user) -> bool:
    """Whether the user's role could sign off someone's assessment: an early support team leader,
    or a team manager (``assessments.sign_off_assessment`` decides each assessment)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER)
    )


def assessments_to_sign_off(user) -> QuerySet[Assessment]:
    """Assessments in the user's scope waiting for sign-off that this user may sign off, oldest
    sent first. The rule of ``assessments.sign_off_assessment`` in SQL, so a list of any length
    costs the same: never the worker's own; an early support team leader signs off any, a team
    manager those whose worker was in a team they manage."""
    if not may_sign_off_any(user):
        return Assessment.objects.none()
    queryset = (
        assessments_for(user)
        .filter(status=Assessment.Status.AWAITING_SIGN_OFF)
        .exclude(worker=user)
    )
    if not user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        queryset = queryset.filter(worker_team__in=user.managed_teams.values("pk"))
    return queryset.select_related("family", "worker").order_by("submitted_at", "pk")


def latest_return(assessment: Assessment) -> AssessmentHistory | None:
    """Why a draft was sent back by its manager (the latest return), while it is still a draft."""
    if assessment.status != Assessment.Status.DRAFT:
        return None
    return (
        AssessmentHistory.objects.filter(
            assessment=assessment,
            from_status=Assessment.Status.AWAITING_SIGN_OFF,
            to_status=Assessment.Status.DRAFT,
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def assessments_returned_to(user) -> QuerySet[Assessment]:
    """The user's own drafts that a manager sent back (a move from waiting for sign-off back to
    draft), annotated with ``returned_at``, most recently returned first. Re-submitting one moves
    it out of draft, so it leaves the list."""
    returns = AssessmentHistory.objects.filter(
        assessment=OuterRef("pk"),
        from_status=Assessment.Status.AWAITING_SIGN_OFF,
        to_status=Assessment.Status.DRAFT,
    ).order_by("-at", "-id")
    return (
        assessments_for(user)
        .filter(worker=user, status=Assessment.Status.DRAFT)
        .annotate(returned_at=Subquery(returns.values("at")[:1]))
        .filter(returned_at__isnull=False)
        .select_related("family")
        .order_by("-returned_at", "pk")
    )
