"""The assessment's rules, through its services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments import services
from assessments.models import Assessment, AssessmentHistory, AssessmentSection, PanelReferral
from assessments.tests.factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    ReadyAssessmentFactory,
    complete_answers,
)
from consent.models import ConsentDecision
from consent.services import ConsentRequired
from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from people.tests.factories import PersonFactory
from support_requests.models import SafeguardingStop

pytestmark = pytest.mark.django_db


def audit_for(assessment):
    return AuditEvent.objects.filter(
        record_type="assessments.assessment", record_id=str(assessment.pk)
    )


# ---------------------------------------------------------------- starting


def test_start_covers_the_chosen_children_and_is_audited(practitioner, family, children):
    assessment = services.assessment_start(actor=practitioner, family=family, children=children)

    assert [c.person for c in assessment.children.all()] == children
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.number == 1
    assert assessment.worker_team == practitioner.team
    assert audit_for(assessment).filter(action="create").exists()
    assert AssessmentHistory.objects.filter(assessment=assessment, to_status="draft").count() == 1


def test_start_refuses_a_child_from_another_family(practitioner, family):
    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        services.assessment_start(actor=practitioner, family=family, children=[stranger])


def test_a_family_has_one_assessment_in_progress_at_a_time(practitioner, family, children):
    services.assessment_start(actor=practitioner, family=family, children=children)
    with pytest.raises(ValidationError, match="already has an assessment in progress"):
        services.assessment_start(actor=practitioner, family=family, children=children)


def test_panel_members_cannot_start_assessments(panel_member, family, children):
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=panel_member, family=family, children=children)


# ---------------------------------------------------------------- sections


def test_a_draft_section_keeps_partial_answers_and_a_later_save_adds_to_them(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    first = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="parenting",
        child=None,
        answers={"basic_care": "Struggling"},
        completed=False,
        expected_version=None,
    )
    second = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="parenting",
        child=None,
        answers={"warmth": "Loving"},
        completed=False,
        expected_version=first.version,
    )

    assert second.answers == {"basic_care": "Struggling", "warmth": "Loving"}
    assert second.status == AssessmentSection.Status.IN_PROGRESS
    assert second.version == 2
    event = audit_for(assessment).filter(action="update").latest("id")
    assert event.detail["section"] == "parenting" and event.detail["fields"] == ["warmth"]
    # Field names only: no answers in the audit trail.
    assert "Loving" not in str(event.detail)


def test_a_stale_section_save_is_refused_and_changes_nothing(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="parenting",
        child=None,
        answers={"basic_care": "Mine"},
        completed=False,
        expected_version=None,
    )
    with pytest.raises(StaleVersionError):
        services.section_save(
            actor=practitioner,
            assessment=assessment,
            key="parenting",
            child=None,
            answers={"basic_care": "Theirs"},
            completed=False,
            expected_version=None,
        )
    assert AssessmentSection.objects.get(assessment=assessment, key="parenting").answers == {
        "basic_care": "Mine"
    }


def test_per_child_sections_need_a_child(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    with pytest.raises(ValueError):
        services.section_save(
            actor=practitioner,
            assessment=assessment,
            key="development",
            child=None,
            answers={},
            completed=False,
            expected_version=None,
        )


def test_a_completed_assessment_cannot_be_edited_in_place(practitioner):
    assessment = CompletedAssessmentFactory(worker=practitioner)
    before = AssessmentSection.objects.get(assessment=assessment, key="parenting").answers

    with pytest.raises(services.AssessmentLocked):
        services.section_save(
            actor=practitioner,
            assessment=assessment,
            key="parenting",
            child=None,
            answers={"basic_care": "Changed"},
            completed=True,
            expected_version=1,
        )
    assert AssessmentSection.objects.get(assessment=assessment, key="parenting").answers == before


# ---------------------------------------------------------------- submitting and signing off


def test_an_incomplete_assessment_cannot_be_submitted(practitioner, no_sign_off_council):
    assessment = AssessmentFactory(worker=practitioner)
    with pytest.raises(services.NotReadyToSubmit) as error:
        services.assessment_submit(actor=practitioner, assessment=assessment)
    assert any(label.startswith("1. Family") for label in error.value.incomplete)
    assert any("Developmental needs (" in label for label in error.value.incomplete)


def test_without_sign_off_submitting_completes_and_locks(practitioner, no_sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)

    services.assessment_submit(actor=practitioner, assessment=assessment)

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    assert assessment.decision == Assessment.Decision.TAF
    assert assessment.is_locked


def test_sign_off_by_the_workers_manager(practitioner, manager, sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    services.assessment_submit(actor=practitioner, assessment=assessment)
    assert assessment.status == Assessment.Status.AWAITING_SIGN_OFF

    with pytest.raises(PermissionDenied):
        services.assessment_sign_off(actor=practitioner, assessment=assessment)
    services.assessment_sign_off(actor=manager, assessment=assessment)

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
    assert assessment.signed_off_by == manager
    assert list(assessment.history.values_list("to_status", flat=True)) == [
        "awaiting_sign_off",
        "completed",
    ]


def test_a_manager_of_another_team_cannot_sign_off(practitioner, sign_off_council, other_team):
    other_manager = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_team)
    assessment = ReadyAssessmentFactory(worker=practitioner)
    services.assessment_submit(actor=practitioner, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_sign_off(actor=other_manager, assessment=assessment)


def test_returning_needs_a_reason_and_reopens_the_draft(practitioner, manager, sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    services.assessment_submit(actor=practitioner, assessment=assessment)
    with pytest.raises(ValidationError):
        services.assessment_return(actor=manager, assessment=assessment, reason=" ")

    services.assessment_return(
        actor=manager, assessment=assessment, reason="Say more about the baby"
    )

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.history.latest("id").reason == "Say more about the baby"


# ---------------------------------------------------------------- versions


def test_a_new_version_copies_the_answers_and_keeps_the_old_one(practitioner):
    old = CompletedAssessmentFactory(worker=practitioner)
    old_answers = {(s.key, s.child_id): s.answers for s in old.sections.all()}

    new = services.assessment_new_version(
        actor=practitioner, assessment=old, reason="New baby born"
    )

    old.refresh_from_db()
    assert old.status == Assessment.Status.COMPLETED and old.is_superseded
    assert (
        new.number == old.number + 1
        and new.previous == old
        and new.status == Assessment.Status.DRAFT
    )
    assert sorted(s.answers["health"] for s in new.sections.filter(key="development")) == sorted(
        a["health"] for (k, _), a in old_answers.items() if k == "development"
    )
    assert {s.key for s in new.sections.all()} == {k for k, _ in old_answers}
    assert not new.sections.filter(status="completed").exists()
    with pytest.raises(services.TransitionNotAllowed):
        services.assessment_new_version(actor=practitioner, assessment=old, reason="Again")


# ---------------------------------------------------------------- safeguarding stop


def test_cp_concerns_stop_the_assessment(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    stop = services.assessment_raise_safeguarding_stop(
        actor=practitioner,
        assessment=assessment,
        trigger=SafeguardingStop.Trigger.ASSESSMENT_CONCERN,
    )
    assert services.pending_stop(assessment) == stop

    services.assessment_stop_record_next_step(
        actor=practitioner, stop=stop, next_step=SafeguardingStop.NextStep.PHONED
    )

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.STOPPED
    assert assessment.history.latest("id").reason.startswith("Safeguarding stop")
    with pytest.raises(services.AssessmentLocked):
        services.section_save(
            actor=practitioner,
            assessment=assessment,
            key="parenting",
            child=None,
            answers={},
            completed=False,
            expected_version=None,
        )


def test_was_wrong_needs_a_reason_and_clears_the_answer(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="risks",
        child=None,
        answers={"cin_cp_concern": "yes", "risks": "Bruises"},
        completed=False,
        expected_version=None,
    )
    stop = services.assessment_raise_safeguarding_stop(
        actor=practitioner,
        assessment=assessment,
        trigger=SafeguardingStop.Trigger.ASSESSMENT_CONCERN,
    )
    with pytest.raises(ValidationError):
        services.assessment_stop_record_next_step(
            actor=practitioner, stop=stop, next_step="was_wrong"
        )

    services.assessment_stop_record_next_step(
        actor=practitioner, stop=stop, next_step="was_wrong", reason="I ticked the wrong box"
    )

    risks = AssessmentSection.objects.get(assessment=assessment, key="risks")
    assert risks.answers == {"cin_cp_concern": "", "risks": "Bruises"}
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    assert SafeguardingStop.objects.get(pk=stop.pk).reason == "I ticked the wrong box"


def test_a_step_up_decision_cannot_be_submitted_as_early_help(practitioner, no_sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    decision = assessment.sections.get(key="decision")
    decision.answers = {**complete_answers("decision"), "decision": Assessment.Decision.SOCIAL_CARE}
    decision.save()

    with pytest.raises(services.SafeguardingStopRequired):
        services.assessment_submit(actor=practitioner, assessment=assessment)

    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    assert services.pending_stop(assessment).trigger == SafeguardingStop.Trigger.ASSESSMENT_DECISION


# ---------------------------------------------------------------- referral to the panel


def test_a_referral_without_consent_or_override_is_refused(practitioner):
    assessment = CompletedAssessmentFactory(worker=practitioner)

    with pytest.raises(ConsentRequired):
        services.panel_referral_submit(actor=practitioner, assessment=assessment)
    ConsentDecisionFactory(
        family=assessment.family, status=ConsentDecision.Status.REFUSED, reason="Not now"
    )
    with pytest.raises(ConsentRequired):
        services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert not PanelReferral.objects.exists()


def test_a_referral_with_consent_is_sent_and_audited(practitioner):
    assessment = CompletedAssessmentFactory(worker=practitioner)
    ConsentDecisionFactory(family=assessment.family)

    referral = services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert referral.consent_basis == "consent"
    assert referral.referrer_continues is True
    assert referral.presenting_reason.startswith("Needs are beyond")
    assert AuditEvent.objects.filter(
        record_type="assessments.panelreferral", record_id=str(referral.pk)
    ).exists()
    with pytest.raises(services.TransitionNotAllowed):
        services.panel_referral_submit(actor=practitioner, assessment=assessment)


def test_a_referral_with_a_recorded_override_is_sent(practitioner):
    assessment = CompletedAssessmentFactory(worker=practitioner)
    ConsentDecisionFactory(
        family=assessment.family, status=ConsentDecision.Status.REFUSED, reason="Not now"
    )
    ConsentOverrideFactory(family=assessment.family)

    referral = services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert referral.consent_basis == "override"


def test_section_1_keeps_what_the_record_said_when_it_was_saved(practitioner, family, children):
    assessment = services.assessment_start(actor=practitioner, family=family, children=children)
    services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="family",
        child=None,
        answers=complete_answers("family"),
        completed=True,
        expected_version=None,
    )
    first = children[0]
    first_name = first.first_name
    first.first_name = "Renamed"
    first.save()

    snapshot = AssessmentSection.objects.get(assessment=assessment, key="family").answers["_record"]
    labels = [label for label, _ in snapshot]
    assert any(label.startswith(first_name) for label in labels)
    assert not any(label.startswith("Renamed") for label in labels)
    assert any("Child or young person" in text for _, text in snapshot)
