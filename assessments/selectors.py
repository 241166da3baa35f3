"""Scoped reads of assessments: the one place their access rules live.

An assessment is part of the family's record, so it is visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, AssessmentChild, AssessmentSection, PanelReferral
from assessments.sections import SectionContext
from consent.models import ConsentDecision, Purpose
from consent.services import latest_decision
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
