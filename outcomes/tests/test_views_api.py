"""The outcomes pages and API: scope, audit, constant queries, and the same refusals."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from casework.models import Episode
from core.models import AuditEvent
from core.notices import notices_for
from outcomes.models import OutcomeLink, OutcomeScore, OutcomeSustainedCheck, ScoreKind
from outcomes.tests.factories import OutcomeScoreFactory, plan_outcome_for

pytestmark = pytest.mark.django_db


def _page(episode) -> str:
    return reverse("outcomes:episode", kwargs={"episode_id": episode.pk})


def _score_page(episode, plan_outcome) -> str:
    return reverse(
        "outcomes:score_record",
        kwargs={"episode_id": episode.pk, "plan_outcome_id": plan_outcome.pk},
    )


def _date(prefix, day: date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_episode_page_shows_scores_and_audits_the_read(lead, episode, plan_outcome):
    OutcomeScoreFactory(plan_outcome=plan_outcome, score=2)
    OutcomeScoreFactory(
        plan_outcome=plan_outcome,
        kind=ScoreKind.CLOSURE,
        score=7,
        evidence_on=date(2026, 10, 30),
    )
    client = sign_in_verified(Client(), lead)

    response = client.get(_page(episode))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="family-distance">5.0' in body
    assert f'data-testid="distance-{plan_outcome.pk}">5<' in body
    event = AuditEvent.objects.get(action="view", record_type="casework.episode")
    assert (event.record_id, event.detail) == (str(episode.pk), {"page": "outcomes"})


def _page_queries(client, episode) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(_page(episode)).status_code == 200
    return len(context)


def test_the_episode_page_costs_the_same_queries_for_2_and_10_outcomes(
    lead, episode, django_assert_max_num_queries
):
    client = sign_in_verified(Client(), lead)
    counts = {}
    for total in (2, 10):
        while len(episode.plan.outcomes.all() if hasattr(episode, "plan") else []) < total:
            outcome = plan_outcome_for(episode)
            OutcomeScoreFactory(plan_outcome=outcome)
            episode.refresh_from_db()
        client.get(_page(episode))  # warm the session and the caches
        counts[total] = _page_queries(client, episode)
    assert counts[2] == counts[10], counts
    with django_assert_max_num_queries(counts[2]):
        client.get(_page(episode))


def test_another_teams_worker_gets_404_on_the_page_and_the_api(episode, plan_outcome, outsider):
    client = sign_in_verified(Client(), outsider)
    assert client.get(_page(episode)).status_code == 404
    assert client.get(_score_page(episode, plan_outcome)).status_code == 404
    api = sign_in_verified(APIClient(), outsider)
    assert api.get(f"/api/v1/outcome-scores/?episode={episode.pk}").status_code == 404
    body = {"episode": str(episode.pk), "plan_outcome": plan_outcome.pk, "kind": "baseline"}
    assert api.post("/api/v1/outcome-scores/", body, format="json").status_code == 404
    assert api.get(f"/api/v1/outcome-links/?episode={episode.pk}").status_code == 404


def test_business_support_see_the_page_but_may_not_record(episode, plan_outcome, business_support):
    client = sign_in_verified(Client(), business_support)
    assert client.get(_page(episode)).status_code == 200
    assert client.get(_score_page(episode, plan_outcome)).status_code == 403
    api = sign_in_verified(APIClient(), business_support)
    body = {"episode": str(episode.pk), "plan_outcome": plan_outcome.pk}
    assert api.post("/api/v1/outcome-scores/", body, format="json").status_code == 403


FORM = {
    "kind": "baseline",
    "score": "3",
    "evidence_what": "Attendance 78%",
    "evidence_source": "School attendance records",
    **_date("evidence_on", date(2026, 9, 1)),
}
API = {
    "kind": "baseline",
    "score": 3,
    "evidence_what": "Attendance 78%",
    "evidence_source": "School attendance records",
    "evidence_on": "2026-09-01",
}


@pytest.mark.parametrize(
    ("form", "api", "expected"),
    [
        (
            {"score": "11"},
            {"score": 11},
            {"score": ["Enter a score from 0 (Not met at all) to 10 (Fully met)"]},
        ),
        (
            {"evidence_what": ""},
            {"evidence_what": ""},
            {"evidence_what": ["Enter what the evidence is"]},
        ),
        (
            {"evidence_source": ""},
            {"evidence_source": ""},
            {"evidence_source": ["Enter where the evidence comes from"]},
        ),
        (
            _date("evidence_on", date(2026, 11, 3)),
            {"evidence_on": "2026-11-03"},
            {"evidence_on": ["The date of the evidence must be today or in the past"]},
        ),
        (
            {"kind": "review"},
            {"kind": "review"},
            {"kind": ["Record a baseline for this outcome before any other score"]},
        ),
    ],
)
def test_the_page_and_the_api_refuse_the_same_input_alike(
    lead, episode, plan_outcome, form, api, expected
):
    response = sign_in_verified(Client(), lead).post(
        _score_page(episode, plan_outcome), {**FORM, **form}
    )
    assert response.status_code == 200
    errors = {k: list(v) for k, v in response.context["form"].errors.items()}
    assert errors == expected
    # The form keeps what was typed.
    assert (
        response.context["form"]["evidence_source"].value() == {**FORM, **form}["evidence_source"]
    )

    body = {"episode": str(episode.pk), "plan_outcome": plan_outcome.pk, **API, **api}
    answer = sign_in_verified(APIClient(), lead).post(
        "/api/v1/outcome-scores/", body, format="json"
    )
    status = 409 if "kind" in expected else 400
    assert answer.status_code == status, answer.content
    assert not OutcomeScore.objects.exists()
    if status == 400:
        assert answer.json() == expected


def test_a_score_is_recorded_through_the_page_and_the_api(lead, episode, plan_outcome):
    response = sign_in_verified(Client(), lead).post(_score_page(episode, plan_outcome), FORM)
    assert response.status_code == 302
    assert OutcomeScore.objects.get().score == 3
    baseline = OutcomeScore.objects.get()
    body = {
        "episode": str(episode.pk),
        "plan_outcome": plan_outcome.pk,
        **API,
        "score": 4,
        "supersedes": baseline.pk,
        "correction_reason": "Typed the wrong figure",
    }
    api = sign_in_verified(APIClient(), lead)
    answer = api.post("/api/v1/outcome-scores/", body, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["supersedes"] == baseline.pk
    listed = api.get(f"/api/v1/outcome-scores/?episode={episode.pk}").json()
    assert [row["score"] for row in listed] == [3, 4]


def test_a_mapping_through_the_api_and_its_removal(lead, episode, plan_outcome, framework_outcome):
    api = sign_in_verified(APIClient(), lead)
    body = {
        "episode": str(episode.pk),
        "plan_outcome": plan_outcome.pk,
        "framework_outcome": framework_outcome.pk,
    }
    made = api.post("/api/v1/outcome-links/", body, format="json")
    assert made.status_code == 201, made.content
    assert api.post("/api/v1/outcome-links/", body, format="json").status_code == 409
    link_id = made.json()["id"]
    url = f"/api/v1/outcome-links/{link_id}/remove/"
    assert api.post(url, {"reason": ""}, format="json").json() == {
        "reason": ["Say why the mapping is being removed"]
    }
    assert api.post(url, {"reason": "Wrong one"}, format="json").status_code == 200
    assert OutcomeLink.objects.get().removed_reason == "Wrong one"
    assert api.post(url, {"reason": "Again"}, format="json").status_code == 409


def test_malformed_input_is_a_400_or_404_never_a_500(lead, episode):
    api = sign_in_verified(APIClient(), lead)
    assert api.get("/api/v1/outcome-scores/").status_code == 400
    assert api.get("/api/v1/outcome-scores/?episode=nope").status_code == 400
    assert (
        api.post("/api/v1/outcome-scores/", "[]", content_type="application/json").status_code
        == 400
    )
    body = {"episode": str(episode.pk), "plan_outcome": 999999, **API}
    assert api.post("/api/v1/outcome-scores/", body, format="json").json() == {
        "plan_outcome": ["Choose an outcome of this episode's plan"]
    }
    assert api.post("/api/v1/outcome-links/x/remove/", {}, format="json").status_code == 404


def test_the_episode_and_a_held_review_link_to_the_outcomes(lead, episode, review):
    (notice,) = [
        n for n in notices_for("episode", user=lead, record=episode) if n.key == "outcomes"
    ]
    assert (notice.title, notice.url) == ("Outcomes and progress", _page(episode))
    (notice,) = [
        n
        for n in notices_for("plan_review", user=lead, record=review)
        if n.key == "outcomes_review"
    ]
    assert notice.link_text == "Record this review's outcome scores"
    assert notice.url == f"{_page(episode)}?review={review.pk}"


def test_the_sustained_check_page_and_its_answer(lead, episode, plan_outcome):
    OutcomeScoreFactory(plan_outcome=plan_outcome, score=2)
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 5, 1)
    )
    check = OutcomeSustainedCheck.objects.create(episode=episode, due_on=date(2026, 11, 1))
    client = sign_in_verified(Client(), lead)
    assert client.get(reverse("outcomes:check", kwargs={"check_id": check.pk})).status_code == 200
    url = reverse(
        "outcomes:check_answer", kwargs={"check_id": check.pk, "plan_outcome_id": plan_outcome.pk}
    )
    response = client.post(
        url,
        {
            "sustained": "yes",
            "score": "8",
            "evidence_what": "Attendance 97%",
            "evidence_source": "School attendance records",
            **_date("evidence_on", date(2026, 10, 30)),
        },
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == "answered"
    api = sign_in_verified(APIClient(), lead)
    (row,) = api.get("/api/v1/outcome-sustained-checks/").json()["results"]
    assert row["check_status"] == "answered"
