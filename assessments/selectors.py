"""Scoped reads of assessments: the one place their access rules live.

An assessment is part of the family's record, so it is visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from assessments.models import Assessment, AssessmentChild
from people.selectors import families_for

# Who may write an assessment (business support keep records; panel members only read packs).
WRITER_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(family__in=families_for(user))


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


def can_write(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*WRITER_ROLES))
