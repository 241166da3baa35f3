"""The same bad input through a request page and through the API gets the same refusal: the
same message for the same question, and nothing saved. Both reach the one rule in
support_requests.services (or the form states that rule in the same words).

A page asks some questions under a shorter field name than the API (the family agreement page's
``consent`` is the API's ``family_knows_and_consents``; a child's name on the request pages is
``child_<n>_name``, one of the API's ``children``): ``SAME_QUESTION`` pairs them.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory
from support_requests import safeguarding, services
from support_requests.models import SafeguardingStop, SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

MINE = "/api/v1/my-support-requests/"
QUEUE = "/api/v1/support-requests/"

# 23:30 on 30 June in UTC is 00:30 on 1 July in London: "today" is 1 July for every rule.
LATE_EVENING_UTC = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
LONDON_TODAY = date(2026, 7, 1)

# The page's name for a question -> the API's name for the same question.
SAME_QUESTION = {
    "consent": "family_knows_and_consents",
    "child_1_name": "children",
    "date_of_birth": "children",
}


def _page_refusal(response) -> dict:
    assert response.status_code == 200
    return {
        SAME_QUESTION.get(name, name): list(messages)
        for name, messages in response.context["form"].errors.items()
    }


def _api_refusal(response) -> dict:
    assert response.status_code == 400
    return response.json()


def _api_request(area, **overrides) -> dict:
    data = {
        "children": [{"first_name": "Amy", "age_years": 7}],
        "area": area.pk,
        "what_is_happening": "Amy is missing school most Mondays.",
        "single_agency_support_tried": "Attendance meetings.",
        "family_knows_and_consents": True,
        "safeguarding_concern": False,
    }
    data.update(overrides)
    return data


def _no_family_chosen(client) -> None:
    response = client.post("/requests/new/family/", {"family": "none"})
    assert response.status_code == 302


# ---------------------------------------------------------------- a practitioner's request


def test_missing_child_first_name_is_refused_alike(school_practitioner, area_x):
    client = client_for(school_practitioner)
    _no_family_chosen(client)

    page = client.post("/requests/new/children/", {"child_1_name": " ", "child_1_age": "7"})
    api = client.post(
        MINE,
        _api_request(area_x, children=[{"first_name": "", "age_years": 7}]),
        content_type="application/json",
    )

    refusal = {"children": ["Enter the first name of child 1"]}
    assert _page_refusal(page) == refusal
    assert _api_refusal(api) == refusal
    assert not SupportRequest.objects.exists()


def test_no_family_agreement_answer_is_refused_alike(school_practitioner, area_x):
    client = client_for(school_practitioner)
    _no_family_chosen(client)

    page = client.post("/requests/new/family-agreement/", {})
    api = client.post(
        MINE, _api_request(area_x, family_knows_and_consents=None), content_type="application/json"
    )

    refusal = {
        "family_knows_and_consents": [
            "Select yes if the family knows about the request and agrees to it"
        ]
    }
    assert _page_refusal(page) == refusal
    assert _api_refusal(api) == refusal
    assert not SupportRequest.objects.exists()


# ---------------------------------------------------------------- a date of birth in the future


def _public_child(day: date) -> dict:
    return {
        "first_name": "Amy",
        "age": "",
        "date_of_birth_0": str(day.day),
        "date_of_birth_1": str(day.month),
        "date_of_birth_2": str(day.year),
    }


@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_a_date_of_birth_after_today_in_london_is_refused_alike(
    client, council, school_practitioner, area_x
):
    tomorrow = date(2026, 7, 2)

    page = client.post("/ask-for-help/children/add/", _public_child(tomorrow))
    api = client_for(school_practitioner).post(
        MINE,
        _api_request(area_x, children=[{"first_name": "Amy", "date_of_birth": str(tomorrow)}]),
        content_type="application/json",
    )

    refusal = {"children": [services.DATE_OF_BIRTH_IN_FUTURE]}
    assert _page_refusal(page) == refusal
    assert _api_refusal(api) == refusal
    assert not SupportRequest.objects.exists()


@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_a_baby_born_today_in_london_is_accepted_alike(
    client, council, school_practitioner, area_x
):
    # Still 30 June on a UTC clock: a rule reading the server's date would refuse this.
    page = client.post("/ask-for-help/children/add/", _public_child(LONDON_TODAY))
    api = client_for(school_practitioner).post(
        MINE,
        _api_request(area_x, children=[{"first_name": "Amy", "date_of_birth": str(LONDON_TODAY)}]),
        content_type="application/json",
    )

    assert page.status_code == 302
    assert page["Location"] == "/ask-for-help/children/"
    assert api.status_code == 201, api.json()
    made = SupportRequest.objects.get(pk=api.json()["id"])
    assert [c.date_of_birth for c in made.children.all()] == [LONDON_TODAY]


# ---------------------------------------------------------------- triage


@pytest.fixture
def level(db):
    return NeedLevelFactory(level=2, name="Early help")


def _triage_page(level, **overrides) -> dict:
    day = LONDON_TODAY
    data = {
        "conversation_date_0": str(day.day),
        "conversation_date_1": str(day.month),
        "conversation_date_2": str(day.year),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": "no",
        "need_level": str(level.pk),
        "decision": "single_agency",
        "single_agency": "",
        "action": "decide",
    }
    data.update(overrides)
    return data


def _triage_api(level, **overrides) -> dict:
    data = {
        "mode": "decide",
        "conversation_date": str(LONDON_TODAY),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": False,
        "need_level": level.pk,
        "decision": "single_agency",
        "single_agency": None,
    }
    data.update(overrides)
    return data


def _undecided(*support_requests) -> None:
    for support_request in support_requests:
        support_request.refresh_from_db()
        assert support_request.status == SupportRequest.Status.IN_TRIAGE
        assert not Triage.objects.filter(support_request=support_request).exclude(decision="")


@time_machine.travel(LATE_EVENING_UTC, tick=False)
def test_single_agency_decision_without_its_agency_is_refused_alike(leader_x, area_x, level):
    on_page = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    by_api = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    client = client_for(leader_x)

    page = client.post(f"/requests/{on_page.pk}/triage/", _triage_page(level))
    api = client.post(
        f"{QUEUE}{by_api.pk}/triage/", _triage_api(level), content_type="application/json"
    )

    refusal = {"single_agency": ["Select the agency that will give support"]}
    assert _page_refusal(page) == refusal
    assert _api_refusal(api) == refusal
    _undecided(on_page, by_api)


def _stopped(leader, area) -> tuple[SupportRequest, SafeguardingStop]:
    support_request = SupportRequestFactory(area=area, status=SupportRequest.Status.IN_TRIAGE)
    stop = services.triage_raise_safeguarding_stop(
        actor=leader,
        support_request=support_request,
        answers=services.TriageAnswers(cin_cp_concern=True),
    )
    return support_request, stop


def test_i_was_wrong_without_its_reason_is_refused_alike(leader_x, area_x, council):
    on_page, page_stop = _stopped(leader_x, area_x)
    by_api, api_stop = _stopped(leader_x, area_x)
    client = client_for(leader_x)

    page = client.post(
        f"/requests/{on_page.pk}/safeguarding-stop/", {"next_step": "was_wrong", "reason": " "}
    )
    api = client.post(
        f"{QUEUE}{by_api.pk}/safeguarding-stop/",
        {"next_step": "was_wrong", "reason": " "},
        content_type="application/json",
    )

    refusal = {"reason": [safeguarding.REASON_REQUIRED]}
    assert _page_refusal(page) == refusal
    assert _api_refusal(api) == refusal
    for stop in (page_stop, api_stop):
        stop.refresh_from_db()
        assert (stop.next_step, stop.reason) == ("", "")
    _undecided(on_page, by_api)


def test_triage_by_business_support_is_403_alike(business_support_x, area_x, level):
    on_page = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    by_api = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    client = client_for(business_support_x)
    before = AuditEvent.objects.count()

    page = client.post(f"/requests/{on_page.pk}/triage/", _triage_page(level))
    api = client.post(
        f"{QUEUE}{by_api.pk}/triage/", _triage_api(level), content_type="application/json"
    )

    assert page.status_code == 403
    assert api.status_code == 403
    assert api.json() == {"detail": "Only early support team leaders can triage requests"}
    assert not Triage.objects.filter(support_request__in=[on_page, by_api]).exists()
    assert AuditEvent.objects.count() == before
    _undecided(on_page, by_api)


def test_starting_triage_as_business_support_is_403_alike(business_support_x, area_x):
    on_page = SupportRequestFactory(area=area_x)
    by_api = SupportRequestFactory(area=area_x)
    client = client_for(business_support_x)

    page = client.post(f"/requests/{on_page.pk}/start-triage/")
    # The role is refused before the body is read: a malformed one makes no difference.
    api = client.post(
        f"{QUEUE}{by_api.pk}/start-triage/", {"reason": ["x"]}, content_type="application/json"
    )

    assert page.status_code == 403
    assert api.status_code == 403
    assert api.json() == {"detail": "Only early support team leaders can start triage"}
    for support_request in (on_page, by_api):
        support_request.refresh_from_db()
        assert support_request.status == SupportRequest.Status.RECEIVED
