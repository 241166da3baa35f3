"""The assessment permissions (assessments/rules.py): the one answer services, pages and API share."""

import pytest
import rules
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments import services
from assessments.models import Assessment
from assessments.tests.factories import AssessmentFactory, ReadyAssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (Role.PRACTITIONER, True),
        (Role.LEAD_PROFESSIONAL, True),
        (Role.TEAM_MANAGER, True),
        (Role.EARLY_SUPPORT_TEAM_LEADER, True),
        (Role.BUSINESS_SUPPORT, False),
        (Role.PANEL_MEMBER, False),
        (Role.PANEL_CHAIR, False),
        (Role.STRATEGIC_LEAD, False),
        (Role.SYSTEM_ADMINISTRATOR, False),
    ],
)
def test_who_writes_assessments(team, role, may):
    assert (
        rules.has_perm("assessments.write_assessment", UserFactory(team=team, roles=[role])) is may
    )


def test_a_deactivated_writer_writes_nothing(team):
    user = UserFactory(team=team, roles=[Role.PRACTITIONER])
    user.is_active = False

    assert rules.has_perm("assessments.write_assessment", user) is False


def test_sign_off_is_a_manager_of_the_workers_team_or_a_team_leader(
    team, other_team, practitioner, manager
):
    assessment = AssessmentFactory(worker=practitioner)
    other_manager = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_team)
    leader = UserFactory(team=other_team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])

    def may(user):
        return rules.has_perm("assessments.sign_off_assessment", user, assessment)

    assert may(manager) is True
    assert may(leader) is True
    assert may(other_manager) is False
    assert may(practitioner) is False  # never the worker


def test_a_team_leader_never_signs_off_their_own(team):
    leader = UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    assessment = AssessmentFactory(worker=leader)

    assert rules.has_perm("assessments.sign_off_assessment", leader, assessment) is False


def test_the_service_asks_the_same_permission(practitioner, family, sign_off_council):
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )

    with pytest.raises(PermissionDenied):
        services.assessment_sign_off(actor=practitioner, assessment=assessment)

    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.AWAITING_SIGN_OFF


@pytest.mark.parametrize("role", [Role.BUSINESS_SUPPORT, Role.PANEL_MEMBER])
def test_a_non_writer_cannot_save_a_section_through_the_service(team, family, role):
    user = UserFactory(team=team, roles=[role])
    assessment = AssessmentFactory(family=family)

    with pytest.raises(PermissionDenied):
        services.section_save(
            actor=user,
            assessment=assessment,
            key="parenting",
            child=None,
            answers={"basic_care": "Fine"},
            completed=False,
            expected_version=None,
        )

    assert not assessment.sections.exists()
