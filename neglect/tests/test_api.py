"""The neglect API: the same services and scope as the pages; 400, 403, 404 and 409 in JSON."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from core.models import AuditEvent
from neglect.models import GradedCareResult, NeglectConcern
from neglect.tests.factories import (
    GCP2_AREAS,
    NeglectConcernFactory,
    NeglectObservationFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/neglect-concerns/"
RESULTS = "/api/v1/neglect-tool-results/"


def api_for(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


@pytest.fixture
def api(practitioner):
    return api_for(practitioner)


@pytest.fixture
def concern(family, child, practitioner):
    concern = NeglectConcernFactory(family=family, child=child, recorded_by=practitioner)
    NeglectObservationFactory(concern=concern)
    return concern


def _body(child, **kwargs):
    body = {
        "child": str(child.pk),
        "source": "other",
        "identified_on": "2026-10-30",
        "lived_experience": "Hungry most mornings.",
        "observations": [
            {
                "category": "nutritional",
                "seen": "Empty lunchbox.",
                "seen_by": "Sam Lee, school nurse",
                "seen_on": "2026-10-29",
            },
            {
                "category": "physical",
                "seen": "Thin coat in the rain.",
                "seen_by": "Ms Khan, teacher",
                "seen_on": "2026-10-29",
            },
        ],
    }
    body.update(kwargs)
    return body


def test_record_retrieve_and_list(api, child):
    created = api.post(BASE, _body(child), format="json")

    assert created.status_code == 201
    data = created.json()
    assert data["concern_status"] == "current"
    assert [o["category"] for o in data["observations"]] == ["nutritional", "physical"]
    assert api.get(f"{BASE}{data['id']}/").json()["lived_experience"] == "Hungry most mornings."
    rows = api.get(BASE, {"child": str(child.pk)}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [r["id"] for r in rows] == [data["id"]]
    assert AuditEvent.objects.filter(
        action="view", record_type="neglect.neglectconcern", record_id=data["id"]
    ).exists()


def test_out_of_scope_is_404(api, other_family, other_child):
    other = NeglectConcernFactory(family=other_family, child=other_child)

    assert api.get(f"{BASE}{other.pk}/").status_code == 404
    response = api.post(f"{BASE}{other.pk}/end/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_child_out_of_scope_in_the_body_is_400(api, other_child):
    response = api.post(BASE, _body(other_child), format="json")

    assert response.status_code == 400
    assert response.json() == {"child": ["Not found"]}


def test_invalid_input_is_400_by_field(api, child):
    response = api.post(
        BASE,
        _body(child, identified_on="2099-01-01", observations=[]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "identified_on": ["The date must be today or in the past"],
        "observations": ["Record at least one thing seen, in its category"],
    }


def test_business_support_is_403_before_the_body(business_support, child, concern):
    api = api_for(business_support)

    assert api.post(BASE, {}, format="json").status_code == 403
    assert api.post(f"{BASE}{concern.pk}/observations/", {}, format="json").status_code == 403
    assert api.get(f"{BASE}{concern.pk}/").status_code == 200


def test_a_stale_version_is_409_and_a_second_current_concern_too(api, concern, child):
    stale = api.post(
        f"{BASE}{concern.pk}/observations/",
        {
            "category": "emotional",
            "seen": "Withdrawn.",
            "seen_by": "Teacher",
            "seen_on": "2026-11-01",
            "version": 9,
        },
        format="json",
    )
    second = api.post(BASE, _body(child), format="json")

    assert stale.status_code == 409
    assert second.status_code == 409
    assert "already has a current neglect concern" in second.json()["detail"]


def test_observation_change_and_end(api, concern):
    added = api.post(
        f"{BASE}{concern.pk}/observations/",
        {
            "category": "emotional",
            "seen": "Withdrawn.",
            "seen_by": "Teacher",
            "seen_on": "2026-11-01",
            "version": 1,
        },
        format="json",
    )
    changed = api.post(
        f"{BASE}{concern.pk}/lived-experience/",
        {"lived_experience": "Better mornings.", "reason": "Breakfast club", "version": 2},
        format="json",
    )
    ended = api.post(
        f"{BASE}{concern.pk}/end/",
        {"ended_on": "2026-11-02", "reason": "improved", "version": 3},
        format="json",
    )
    again = api.post(
        f"{BASE}{concern.pk}/end/",
        {"ended_on": "2026-11-02", "reason": "improved", "version": 4},
        format="json",
    )

    assert [added.status_code, changed.status_code, ended.status_code] == [200, 200, 200]
    assert ended.json()["concern_status"] == "ended"
    assert [h["change"] for h in ended.json()["history"]] == [
        "observation",
        "lived_experience",
        "status",
    ]
    assert again.status_code == 409


def test_tool_results(api, concern, child, tool):
    body = {
        "child": str(child.pk),
        "concern": str(concern.pk),
        "tool": "gcp2",
        "done_on": "2026-11-01",
        "area_grades": dict.fromkeys(GCP2_AREAS, 2),
        "overall_grade": 2,
    }
    created = api.post(RESULTS, body, format="json")
    outside = api.post(RESULTS, {**body, "overall_grade": 7}, format="json")
    unknown = api.post(RESULTS, {**body, "tool": "nope"}, format="json")
    listed = api.get(RESULTS, {"child": str(child.pk)}).json()
    listed = listed["results"] if isinstance(listed, dict) else listed

    assert created.status_code == 201
    assert outside.status_code == 400
    assert outside.json() == {"overall_grade": ["The overall grade must be one of 1, 2, 3, 4, 5"]}
    assert unknown.status_code == 400
    assert [r["id"] for r in listed] == [created.json()["id"]]
    assert GradedCareResult.objects.count() == 1


def test_counts_and_list_filters(api, concern, family):
    counts = api.get(
        f"{BASE}counts/", {"period_start": "2026-09-01", "period_end": "2026-10-31"}
    ).json()
    missing = api.get(f"{BASE}counts/")
    by_area = api.get(BASE, {"area": family.area.code, "period_start": "2026-10-01"}).json()
    by_area = by_area["results"] if isinstance(by_area, dict) else by_area
    elsewhere = api.get(BASE, {"area": "nowhere"}).json()
    elsewhere = elsewhere["results"] if isinstance(elsewhere, dict) else elsewhere
    bad = api.get(BASE, {"period_start": "not-a-date"})

    assert counts["total"] == 1
    assert counts["by_category"]["nutritional"] == 1
    assert counts["by_age_band"]["1_4"] == 1 and counts["by_age_band"]["under_1"] == 0
    assert missing.status_code == 400
    assert [r["id"] for r in by_area] == [str(concern.pk)]
    assert elsewhere == []
    assert bad.status_code == 400
    assert NeglectConcern.objects.count() == 1
