"""The section page's form and the API refuse the same bad answers the same way.

Each case sends the same answers through the section page (its form) and through the API, and
expects the same refusal: the same question, the same message. ``section_save`` itself refuses
them too, so a caller that skips both (the demo data, another app) cannot keep them either.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from assessments import services
from assessments.completion import CONSENT_FIRST
from assessments.models import Assessment, AssessmentSection
from assessments.tests.conftest import client_for
from assessments.tests.factories import (
    AssessmentFactory,
    ReadyAssessmentFactory,
    complete_answers,
)
from consent.models import Purpose
from consent.tests.factories import ConsentDecisionFactory
from people.tests.factories import ProfessionalInvolvementFactory

pytestmark = pytest.mark.django_db

# Every date rule is about "today": the clock is fixed so the cases mean the same on any day.
TODAY = datetime(2026, 11, 16, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def _gov_date(name: str, iso: str) -> dict:
    year, month, day = iso.split("-")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def _page_data(answers: dict, dates=()) -> dict:
    data = {}
    for name, value in answers.items():
        if name in dates:
            data.update(_gov_date(name, value))
        else:
            data[name] = value
    return data


def _urls(assessment, key, child):
    kwargs = {"assessment_id": assessment.pk, "key": key}
    api = f"/api/v1/assessments/{assessment.pk}/sections/{key}/"
    if child is not None:
        kwargs["child_id"] = child.pk
        api = f"{api}children/{child.pk}/"
    return reverse("assessments:section", kwargs=kwargs), api


def _both(user, family, key, answers, *, per_child=False, dates=(), completed=True):
    """The same answers through the page and the API; each refusal as {field: [messages]}."""
    page_assessment = AssessmentFactory(worker=user, family=family, number=1)
    api_assessment = AssessmentFactory(worker=user, family=family, number=2)
    page_child = page_assessment.children.get() if per_child else None
    api_child = api_assessment.children.get() if per_child else None
    page_url, _ = _urls(page_assessment, key, page_child)
    _, api_url = _urls(api_assessment, key, api_child)

    page = client_for(user).post(
        page_url,
        {**_page_data(answers, dates), "completed": "yes" if completed else "no", "version": "0"},
    )
    api = sign_in_verified(APIClient(), user).put(
        api_url, {"answers": answers, "completed": completed, "version": None}, format="json"
    )

    assert page.status_code == 200  # the form again, with its errors
    assert api.status_code == 400
    page_errors = {name: list(messages) for name, messages in page.context["form"].errors.items()}
    body = api.json()
    api_errors = dict(body["answers"])
    if body["non_field_errors"]:
        api_errors["__all__"] = body["non_field_errors"]
    for assessment, child in ((page_assessment, page_child), (api_assessment, api_child)):
        # Whatever passed is kept as a draft, never marked completed.
        row = AssessmentSection.objects.get(assessment=assessment, key=key, child=child)
        assert row.status == AssessmentSection.Status.IN_PROGRESS
    return page_errors, api_errors


def _service_refusal(user, family, key, answers, *, per_child=False, completed=True) -> dict:
    direct = AssessmentFactory(worker=user, family=family, number=3)
    with pytest.raises(ValidationError) as refused:
        services.section_save(
            actor=user,
            assessment=direct,
            key=key,
            child=direct.children.get() if per_child else None,
            answers=answers,
            completed=completed,
            expected_version=None,
        )
    assert not AssessmentSection.objects.filter(assessment=direct, key=key).exists()
    return refused.value.message_dict


# ---------------------------------------------------------------- section 10: seen alone


def test_a_child_not_seen_alone_needs_the_reason(practitioner, family):
    answers = {
        "child_views": "Happy at school",
        "first_seen_on": "2026-10-05",
        "seen_alone": "no",
        "not_seen_alone_reason": "",
    }
    refusal = {"not_seen_alone_reason": ["Enter the reason the child was not seen alone"]}

    page, api = _both(
        practitioner, family, "child_views", answers, per_child=True, dates={"first_seen_on"}
    )

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "child_views", answers, per_child=True) == refusal


def test_a_child_seen_alone_needs_the_date(practitioner, family):
    answers = {"child_views": "Happy", "first_seen_on": "2026-10-05", "seen_alone": "yes"}
    refusal = {"seen_alone_on": ["Enter the date the child was seen alone"]}

    page, api = _both(
        practitioner, family, "child_views", answers, per_child=True, dates={"first_seen_on"}
    )

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "child_views", answers, per_child=True) == refusal


# ---------------------------------------------------------------- section 14: consent first


def test_the_declaration_needs_the_familys_consent_to_the_assessment_first(practitioner, family):
    answers = complete_answers("consent")
    refusal = {"__all__": [CONSENT_FIRST]}
    dates = {"parent_agreed_on", "assessor_signed_on"}

    page, api = _both(practitioner, family, "consent", answers, dates=dates)

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "consent", answers) == refusal


def test_with_consent_recorded_the_declaration_can_be_completed(practitioner, family):
    ConsentDecisionFactory(family=family, purpose=Purpose.ASSESSMENT)
    assessment = AssessmentFactory(worker=practitioner, family=family)

    row = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="consent",
        child=None,
        answers=complete_answers("consent"),
        completed=True,
        expected_version=None,
    )

    assert row.status == AssessmentSection.Status.COMPLETED


def test_consent_refused_still_stops_the_declaration(practitioner, family):
    ConsentDecisionFactory(
        family=family, purpose=Purpose.ASSESSMENT, status="refused", reason="Not now"
    )

    refusal = _service_refusal(practitioner, family, "consent", complete_answers("consent"))

    assert refusal == {"__all__": [CONSENT_FIRST]}


# ---------------------------------------------------------------- section 3: each professional


@pytest.fixture
def professional(family):
    member = family.members.filter(role="child").first().person
    return ProfessionalInvolvementFactory(person=member, name="Dana Reyes", ended_on=None)


def test_each_professional_needs_an_answer(practitioner, family, professional):
    answers = {"others": "None"}
    refusal = {
        f"contributed_{professional.pk}": ["Select yes if they have contributed to the assessment"]
    }

    page, api = _both(practitioner, family, "professionals", answers)

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "professionals", answers) == refusal


def test_a_professional_who_did_not_contribute_needs_the_reason(practitioner, family, professional):
    answers = {
        "others": "",
        f"contributed_{professional.pk}": "no",
        f"reason_{professional.pk}": "",
    }
    refusal = {f"reason_{professional.pk}": ["Enter why they have not contributed"]}

    page, api = _both(practitioner, family, "professionals", answers)

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "professionals", answers) == refusal


def test_a_professional_whose_involvement_ended_is_not_asked_about(practitioner, family):
    member = family.members.filter(role="child").first().person
    ProfessionalInvolvementFactory(person=member, ended_on=TODAY.date())
    assessment = AssessmentFactory(worker=practitioner, family=family)

    row = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="professionals",
        child=None,
        answers={"others": "None"},
        completed=True,
        expected_version=None,
    )

    assert row.status == AssessmentSection.Status.COMPLETED


# ---------------------------------------------------------------- dates


def test_the_date_the_assessment_started_cannot_be_in_the_future(practitioner, family):
    answers = {"date_commenced": "2026-11-17", "reason": "Attendance"}
    refusal = {"date_commenced": ["Date the assessment started must be today or in the past"]}

    page, api = _both(practitioner, family, "details", answers, dates={"date_commenced"})

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "details", answers) == refusal


def test_a_future_date_is_refused_in_a_draft_too(practitioner, family):
    # A draft keeps what passed: the reason is kept, the future date is not.
    answers = {"date_commenced": "2026-11-17", "reason": "Attendance"}
    refusal = {"date_commenced": ["Date the assessment started must be today or in the past"]}

    page, api = _both(
        practitioner, family, "details", answers, dates={"date_commenced"}, completed=False
    )

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "details", answers, completed=False) == refusal
    kept = AssessmentSection.objects.filter(assessment__family=family, key="details")
    assert [row.answers for row in kept] == [{"reason": "Attendance"}, {"reason": "Attendance"}]


def test_today_is_not_in_the_future(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    row = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="details",
        child=None,
        answers={"date_commenced": "2026-11-16", "reason": "Attendance"},
        completed=True,
        expected_version=None,
    )

    assert row.status == AssessmentSection.Status.COMPLETED


def test_the_child_last_seen_cannot_be_before_first_seen(practitioner, family):
    answers = {
        "child_views": "Happy",
        "first_seen_on": "2026-10-05",
        "last_seen_on": "2026-10-01",
        "seen_alone": "yes",
        "seen_alone_on": "2026-10-05",
    }
    refusal = {
        "last_seen_on": [
            "Date the child was last seen must be the same as or after the date first seen"
        ]
    }
    dates = {"first_seen_on", "last_seen_on", "seen_alone_on"}

    page, api = _both(practitioner, family, "child_views", answers, per_child=True, dates=dates)

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "child_views", answers, per_child=True) == refusal


def test_the_child_seen_alone_cannot_be_before_first_seen(practitioner, family):
    answers = {
        "child_views": "Happy",
        "first_seen_on": "2026-10-05",
        "seen_alone": "yes",
        "seen_alone_on": "2026-10-04",
    }
    refusal = {
        "seen_alone_on": [
            "Date the child was seen alone must be the same as or after the date first seen"
        ]
    }
    dates = {"first_seen_on", "seen_alone_on"}

    page, api = _both(practitioner, family, "child_views", answers, per_child=True, dates=dates)

    assert page == api == refusal
    assert _service_refusal(practitioner, family, "child_views", answers, per_child=True) == refusal


def test_the_child_seen_alone_before_first_seen_is_refused_in_a_draft_too(practitioner, family):
    answers = {"first_seen_on": "2026-10-05", "seen_alone_on": "2026-10-04"}
    refusal = {
        "seen_alone_on": [
            "Date the child was seen alone must be the same as or after the date first seen"
        ]
    }
    dates = {"first_seen_on", "seen_alone_on"}

    page, api = _both(
        practitioner, family, "child_views", answers, per_child=True, dates=dates, completed=False
    )

    assert page == api == refusal
    assert (
        _service_refusal(
            practitioner, family, "child_views", answers, per_child=True, completed=False
        )
        == refusal
    )


def test_the_child_seen_alone_on_the_day_first_seen_is_accepted(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    row = services.section_save(
        actor=practitioner,
        assessment=assessment,
        key="child_views",
        child=assessment.children.get(),
        answers={
            "child_views": "Happy",
            "first_seen_on": "2026-10-05",
            "seen_alone": "yes",
            "seen_alone_on": "2026-10-05",
        },
        completed=True,
        expected_version=None,
    )

    assert row.status == AssessmentSection.Status.COMPLETED
    assert row.answers["seen_alone_on"] == "2026-10-05"


# ---------------------------------------------------------------- returning to the worker


def test_returning_to_the_worker_needs_what_to_change(practitioner, manager, family):
    page_assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, number=1, status=Assessment.Status.AWAITING_SIGN_OFF
    )
    api_assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, number=2, status=Assessment.Status.AWAITING_SIGN_OFF
    )
    refusal = {"reason": ["Enter what needs to change before you can sign it off"]}

    page = client_for(manager).post(
        reverse("assessments:sign_off", kwargs={"assessment_id": page_assessment.pk}),
        {"action": "return", "reason": "  "},
    )
    api = sign_in_verified(APIClient(), manager).post(
        f"/api/v1/assessments/{api_assessment.pk}/return/", {"reason": "  "}, format="json"
    )

    assert page.status_code == 200
    assert {name: list(m) for name, m in page.context["form"].errors.items()} == refusal
    assert api.status_code == 400
    assert api.json() == refusal
    statuses = set(
        Assessment.objects.filter(pk__in=[page_assessment.pk, api_assessment.pk]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {Assessment.Status.AWAITING_SIGN_OFF}
