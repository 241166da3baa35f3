"""The same bad input through a family plan page's form and through the plans API gets the same
refusal: the same field and the same words (the rule is the service's, asked once by both). A
stale version is an error on the form and a 409 from the API."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome, PlanReview
from casework.tests.factories_plans import make_episode, make_outcome, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 11, 2)
TOO_LONG = "x" * 5001


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead, started_on=date(2026, 9, 1))


@pytest.fixture
def plan(episode):
    return make_plan(episode=episode)


def _form_errors(lead, url, data) -> dict:
    response = sign_in_verified(Client(), lead).post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def _api_errors(lead, url, body, status=400) -> dict:
    response = sign_in_verified(APIClient(), lead).post(url, body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def _page(name, episode, **kw):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk, **kw})


def _api(episode, action):
    return f"/api/v1/episode-plans/{episode.pk}/{action}/"


def _date(prefix, day: date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _unchanged(plan):
    assert FamilyPlan.objects.get(pk=plan.pk).version == 1
    assert not EpisodeHistory.objects.filter(episode=plan.episode).exists()


# ---------------------------------------------------------------- outcomes

OUTCOME_CASES = [
    pytest.param(
        {"need": "", "outcome_family_words": "F"}, {"need": ["Enter the need"]}, id="no-need"
    ),
    pytest.param(
        {"need": "N", "outcome_family_words": "  "},
        {"outcome_family_words": ["Enter the outcome in the family’s words"]},
        id="no-family-words",
    ),
    pytest.param(
        {"need": TOO_LONG, "outcome_family_words": "F"},
        {"need": ["This must be 5,000 characters or fewer"]},
        id="need-too-long",
    ),
]


@pytest.mark.parametrize(("data", "expected"), OUTCOME_CASES)
def test_an_outcome_is_refused_alike_by_the_page_and_the_api(lead, episode, plan, data, expected):
    form = _form_errors(lead, _page("plan_outcome_add", episode), {"version": 1, **data})
    api = _api_errors(lead, _api(episode, "outcomes"), {"version": 1, **data})

    assert form == api == expected
    assert not PlanOutcome.objects.exists()
    _unchanged(plan)


# ---------------------------------------------------------------- actions

NOT_ON_RECORD = "00000000-0000-4000-8000-000000000000"

ACTION_CASES = [
    pytest.param(
        {"what": "", "doer": "", "who": ""},
        TODAY,
        {"what": ["Enter what will be done"], "doer": ["Select who will do it"]},
        id="no-who-or-what",
    ),
    pytest.param(
        {"what": "Walk to school", "doer": "someone_else", "who": "Mum"},
        None,
        {"by_when": ["Enter the date it will be done by"]},
        id="no-by-when",
    ),
    pytest.param(
        {"what": "Walk to school", "doer": "someone_else", "who": ""},
        TODAY,
        {"who": ["Enter who will do it"]},
        id="someone-else-not-named",
    ),
    pytest.param(
        {"what": "Walk to school", "doer": "someone_else", "who": "M" * 201},
        TODAY,
        {"who": ["This must be 200 characters or fewer"]},
        id="who-too-long",
    ),
    pytest.param(
        {"what": "Walk to school", "doer": f"person:{NOT_ON_RECORD}"},
        TODAY,
        {"doer": ["Select who will do it"]},
        id="doer-not-in-the-family",
    ),
    pytest.param(
        {"what": "Walk to school", "doer": "lead_professional", "concerns": [NOT_ON_RECORD]},
        TODAY,
        {"concerns": ["Select people in this family"]},
        id="for-someone-not-in-the-family",
    ),
]


@pytest.mark.parametrize(("data", "by_when", "expected"), ACTION_CASES)
def test_an_action_is_refused_alike_by_the_page_and_the_api(
    lead, episode, plan, data, by_when, expected
):
    outcome = make_outcome(plan=plan)

    form = _form_errors(
        lead,
        _page("plan_action_add", episode, outcome_id=outcome.pk),
        {"version": 1, **data, **_date("by_when", by_when)},
    )
    body = {"version": 1, "outcome_id": outcome.pk, **data}
    if by_when is not None:
        body["by_when"] = by_when.isoformat()
    api = _api_errors(lead, _api(episode, "actions"), body)

    assert form == api == expected
    assert not PlanAction.objects.exists()
    _unchanged(plan)


# ---------------------------------------------------------------- reviews

REVIEW_CASES = [
    pytest.param(None, {"held_on": ["Enter the date the review was held"]}, id="no-date"),
    pytest.param(
        date(2026, 11, 3),
        {"held_on": ["The date the review was held must be today or in the past"]},
        id="tomorrow",
    ),
]


@pytest.mark.parametrize(("held_on", "expected"), REVIEW_CASES)
def test_a_review_is_refused_alike_by_the_page_and_the_api(lead, episode, plan, held_on, expected):
    form = _form_errors(
        lead, _page("plan_review", episode), {"version": 1, **_date("held_on", held_on)}
    )
    body = {"version": 1}
    if held_on is not None:
        body["held_on"] = held_on.isoformat()
    api = _api_errors(lead, _api(episode, "reviews"), body)

    assert form == api == expected
    assert list(PlanReview.objects.values_list("held_on", flat=True)) == [None]
    _unchanged(plan)


# ---------------------------------------------------------------- someone else saved first


def _someone_else_saved(plan):
    FamilyPlan.objects.filter(pk=plan.pk).update(version=2)


def test_a_stale_outcome_is_an_error_on_the_form_and_409_from_the_api(lead, episode, plan):
    _someone_else_saved(plan)
    data = {"version": 1, "need": "N", "outcome_family_words": "F"}

    form = _form_errors(lead, _page("plan_outcome_add", episode), data)
    api = _api_errors(lead, _api(episode, "outcomes"), data, status=409)

    assert form == {
        "__all__": [
            "Someone else changed the plan since you opened it. Check the plan and try again."
        ]
    }
    assert api == {"detail": "The plan was changed by someone else since you opened it"}
    assert not PlanOutcome.objects.exists()
    assert FamilyPlan.objects.get(pk=plan.pk).version == 2


def test_a_stale_review_is_an_error_on_the_form_and_409_from_the_api(lead, episode, plan):
    _someone_else_saved(plan)

    form = _form_errors(
        lead, _page("plan_review", episode), {"version": 1, **_date("held_on", TODAY)}
    )
    api = _api_errors(
        lead, _api(episode, "reviews"), {"version": 1, "held_on": TODAY.isoformat()}, status=409
    )

    assert form == {
        "__all__": [
            "Someone else changed the plan since you opened it. Check the plan and try again."
        ]
    }
    assert api == {"detail": "The plan was changed by someone else since you opened it"}
    assert list(PlanReview.objects.values_list("held_on", flat=True)) == [None]
