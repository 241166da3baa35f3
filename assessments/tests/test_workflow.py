"""The assessment's statuses move only as its workflow table allows, through one helper that
writes the history row, bumps the version and audits; a wrong move is 409 in the API."""

from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from assessments import services
from assessments.models import Assessment, AssessmentHistory
from assessments.tests.factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    ReadyAssessmentFactory,
)
from core.errors import ConflictError
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db

Status = Assessment.Status


def api_for(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


def test_every_status_can_be_reached():
    assert services.WORKFLOW.unreachable() == set()


def test_completed_and_stopped_are_final():
    assert services.WORKFLOW.terminal == {Status.COMPLETED, Status.STOPPED}


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Status.COMPLETED, Status.DRAFT),
        (Status.STOPPED, Status.DRAFT),
        (Status.AWAITING_SIGN_OFF, Status.STOPPED),
        (Status.COMPLETED, Status.AWAITING_SIGN_OFF),
    ],
)
def test_the_table_refuses_a_move_it_does_not_hold(from_status, to_status):
    with pytest.raises(TransitionNotAllowed):
        services.WORKFLOW.check(from_status, to_status)


def test_the_apps_refusals_are_conflicts():
    # So the API's one exception handler answers each with 409, and a page's form shows it.
    assert issubclass(services.TransitionNotAllowed, ConflictError)
    assert issubclass(services.AssessmentLocked, ConflictError)
    assert issubclass(services.NotReadyToSubmit, ConflictError)
    assert not issubclass(services.SafeguardingStopRequired, ConflictError)


def test_submitting_moves_through_the_workflow_bumping_the_version(
    practitioner, no_sign_off_council
):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    before = Assessment.objects.get(pk=assessment.pk).version
    moment = datetime(2026, 11, 16, 10, 30, tzinfo=UTC)

    with time_machine.travel(moment, tick=False):
        services.assessment_submit(actor=practitioner, assessment=assessment)

    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.status == Status.COMPLETED
    assert saved.version == before + 1
    assert saved.submitted_at == moment and saved.completed_at == moment
    # The caller's copy is told too, so a page reading it after the call shows the new state.
    assert (assessment.status, assessment.version) == (Status.COMPLETED, before + 1)
    history = AssessmentHistory.objects.filter(assessment=assessment).latest("id")
    assert (history.actor, history.from_status, history.to_status, history.reason) == (
        practitioner,
        Status.DRAFT,
        Status.COMPLETED,
        "Completed",
    )
    event = AuditEvent.objects.filter(
        record_type="assessments.assessment", record_id=str(assessment.pk), action="update"
    ).latest("id")
    assert event.detail["from_status"] == Status.DRAFT
    assert event.detail["status"] == Status.COMPLETED


# ---------------------------------------------------------------- wrong moves through the API


def test_signing_off_a_draft_is_409_with_the_reason(manager, practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    response = api_for(manager).post(f"/api/v1/assessments/{assessment.pk}/sign-off/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This assessment is not waiting for sign-off"}
    assert Assessment.objects.get(pk=assessment.pk).status == Status.DRAFT
    assert not AssessmentHistory.objects.filter(
        assessment=assessment, to_status=Status.COMPLETED
    ).exists()


def test_a_new_version_of_a_draft_is_409_with_the_reason(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    response = api_for(practitioner).post(
        f"/api/v1/assessments/{assessment.pk}/new-version/", {"reason": "More"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "Only a completed assessment can have a new version"}
    assert Assessment.objects.filter(family=family).count() == 1


def test_submitting_a_completed_assessment_is_409_locked(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)

    response = api_for(practitioner).post(f"/api/v1/assessments/{assessment.pk}/submit/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This assessment can no longer be changed"}
    assert Assessment.objects.get(pk=assessment.pk).status == Status.COMPLETED


def test_a_stopped_assessment_cannot_be_signed_off(manager, practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family, status=Status.STOPPED)

    response = api_for(manager).post(f"/api/v1/assessments/{assessment.pk}/sign-off/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This assessment is not waiting for sign-off"}
    assert Assessment.objects.get(pk=assessment.pk).status == Status.STOPPED


def test_the_workflow_refuses_a_move_even_when_a_service_skips_its_own_check(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)

    with pytest.raises(TransitionNotAllowed):
        services._move(
            actor=practitioner, assessment=assessment, to_status=Status.DRAFT, reason="Reopen"
        )

    assert Assessment.objects.get(pk=assessment.pk).status == Status.COMPLETED
