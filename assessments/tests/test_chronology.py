"""An assessment's events are on the chronology of the children it is about, linked to it:
started, completed (with or without a manager's sign-off), stopped for safeguarding, referred
to the panel. Going to and from sign-off is a step within the work, not an event."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.tests.factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    ReadyAssessmentFactory,
)
from consent.tests.factories import ConsentDecisionFactory
from people.models import ChronologyEntry
from support_requests.models import SafeguardingStop

pytestmark = pytest.mark.django_db


def _events(assessment):
    return sorted(
        ChronologyEntry.objects.filter(
            record_type="assessment", record_id=str(assessment.pk)
        ).values_list("event", "person_id", "summary")
    )


def test_starting_is_on_each_chosen_child_only(practitioner, family, children):
    assessment = services.assessment_start(actor=practitioner, family=family, children=children[:1])
    (entry,) = ChronologyEntry.objects.all()
    assert (entry.event, entry.person, entry.summary) == (
        "assessment_started",
        children[0],
        "Assessment started",
    )
    assert entry.link.url == reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})
    assert entry.link.text == "View the assessment"


def test_completed_without_sign_off(practitioner, no_sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    (child,) = [c.person for c in assessment.children.all()]
    services.assessment_submit(actor=practitioner, assessment=assessment)
    assert _events(assessment) == [("assessment_completed", child.pk, "Assessment completed")]


def test_completed_when_the_manager_signs_off_not_before(practitioner, manager, sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner)
    (child,) = [c.person for c in assessment.children.all()]
    services.assessment_submit(actor=practitioner, assessment=assessment)
    assert _events(assessment) == []
    services.assessment_sign_off(actor=manager, assessment=assessment)
    assert _events(assessment) == [("assessment_completed", child.pk, "Assessment completed")]


def test_a_safeguarding_stop(practitioner):
    assessment = AssessmentFactory(worker=practitioner)
    (child,) = [c.person for c in assessment.children.all()]
    stop = services.assessment_raise_safeguarding_stop(
        actor=practitioner,
        assessment=assessment,
        trigger=SafeguardingStop.Trigger.ASSESSMENT_CONCERN,
    )
    services.assessment_stop_record_next_step(
        actor=practitioner, stop=stop, next_step=SafeguardingStop.NextStep.PHONED
    )
    entry = ChronologyEntry.objects.get(event="safeguarding_stop")
    assert entry.person == child and entry.category == ChronologyEntry.Category.SAFEGUARDING
    assert entry.record_id == str(assessment.pk)


def test_a_referral_to_the_panel(practitioner):
    assessment = CompletedAssessmentFactory(worker=practitioner)
    (child,) = [c.person for c in assessment.children.all()]
    ConsentDecisionFactory(family=assessment.family)
    services.panel_referral_submit(actor=practitioner, assessment=assessment)
    assert _events(assessment) == [
        ("panel_referral", child.pk, "Referred to the early support panel")
    ]
