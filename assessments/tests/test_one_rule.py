"""One rule, one place: the page, the API and section_save refuse the same answers the same way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from assessments import services
from assessments.models import AssessmentSection
from assessments.tests.conftest import client_for
from assessments.tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db

FIRST_SEEN = {"first_seen_on_0": "5", "first_seen_on_1": "10", "first_seen_on_2": "2026"}

# (section key, per child, page POST answers, API answers, the one refusal expected)
CASES = [
    pytest.param(
        "child_views",
        True,
        {
            "child_views": "Happy at school",
            **FIRST_SEEN,
            "seen_alone": "no",
            "not_seen_alone_reason": "",
        },
        {
            "child_views": "Happy at school",
            "first_seen_on": "2026-10-05",
            "seen_alone": "no",
            "not_seen_alone_reason": "",
        },
        {"not_seen_alone_reason": ["Enter the reason the child was not seen alone"]},
        id="section-10-not-seen-alone-needs-a-reason",
    ),
    pytest.param(
        "child_views",
        True,
        {"child_views": "Happy at school", **FIRST_SEEN, "seen_alone": "yes"},
        {"child_views": "Happy at school", "first_seen_on": "2026-10-05", "seen_alone": "yes"},
        {"seen_alone_on": ["Enter the date the child was seen alone"]},
        id="section-10-seen-alone-needs-a-date",
    ),
    pytest.param(
        "panel_referral",
        False,
        {
            "referring": "yes",
            "referral_date_0": "20",
            "referral_date_1": "10",
            "referral_date_2": "2026",
            "presenting_reason": "",
            "referrer_continues": "yes",
        },
        {
            "referring": "yes",
            "referral_date": "2026-10-20",
            "presenting_reason": "",
            "referrer_continues": "yes",
        },
        {
            "presenting_reason": [
                "Enter the presenting reason that brings you to refer to the panel"
            ]
        },
        id="section-2-a-referral-needs-its-reason",
    ),
    pytest.param(
        "parenting",
        False,
        {"basic_care": "Struggling", "warmth": "Loving", "guidance": ""},
        {"basic_care": "Struggling", "warmth": "Loving", "guidance": ""},
        {"guidance": ["Enter guidance, boundaries and stability"]},
        id="required-answer",
    ),
]


def _urls(assessment, key, child):
    kwargs = {"assessment_id": assessment.pk, "key": key}
    api = f"/api/v1/assessments/{assessment.pk}/sections/{key}/"
    if child is not None:
        kwargs["child_id"] = child.pk
        api = f"{api}children/{child.pk}/"
    return reverse("assessments:section", kwargs=kwargs), api


@pytest.mark.parametrize(("key", "per_child", "page_answers", "api_answers", "refusal"), CASES)
def test_page_api_and_service_refuse_the_same(
    practitioner, family, key, per_child, page_answers, api_answers, refusal
):
    page_assessment = AssessmentFactory(worker=practitioner, family=family, number=1)
    api_assessment = AssessmentFactory(worker=practitioner, family=family, number=2)
    page_child = page_assessment.children.get() if per_child else None
    api_child = api_assessment.children.get() if per_child else None
    page_url, _ = _urls(page_assessment, key, page_child)
    _, api_url = _urls(api_assessment, key, api_child)

    page = client_for(practitioner).post(
        page_url, {**page_answers, "completed": "yes", "version": "0"}
    )
    api = sign_in_verified(APIClient(), practitioner).put(
        api_url, {"answers": api_answers, "completed": True, "version": None}, format="json"
    )

    assert page.status_code == 200
    page_errors = {name: list(messages) for name, messages in page.context["form"].errors.items()}
    assert page_errors == refusal
    assert api.status_code == 400
    assert api.json()["answers"] == refusal
    for assessment, child in ((page_assessment, page_child), (api_assessment, api_child)):
        row = AssessmentSection.objects.get(assessment=assessment, key=key, child=child)
        assert row.status == AssessmentSection.Status.IN_PROGRESS

    # The service itself refuses to mark it completed, whoever calls it.
    direct = AssessmentFactory(worker=practitioner, family=family, number=3)
    with pytest.raises(ValidationError) as refused:
        services.section_save(
            actor=practitioner,
            assessment=direct,
            key=key,
            child=direct.children.get() if per_child else None,
            answers=api_answers,
            completed=True,
            expected_version=None,
        )
    assert refused.value.message_dict == refusal
    assert not AssessmentSection.objects.filter(assessment=direct, key=key).exists()
