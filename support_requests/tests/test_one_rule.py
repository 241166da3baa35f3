"""One rule, one place: the request pages and the API refuse the same inputs the same way,
because both call the same service."""

import pytest

from core import clock
from core.tests.factories import NeedLevelFactory
from support_requests.models import SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/support-requests/"


@pytest.fixture
def level(db):
    return NeedLevelFactory(level=2, name="Early help")


def _page_errors(response) -> dict:
    assert response.status_code == 200
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def _triage_page(level, **overrides):
    today = clock.today()
    data = {
        "conversation_date_0": str(today.day),
        "conversation_date_1": str(today.month),
        "conversation_date_2": str(today.year),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": "no",
        "need_level": str(level.pk),
        "decision": "signpost",
        "signpost_to": "Young carers service",
        "handover_contact": "Pat at young carers",
        "handover_date_0": str(today.day),
        "handover_date_1": str(today.month),
        "handover_date_2": str(today.year),
        "action": "decide",
    }
    data.update(overrides)
    return data


def _triage_api(level, **overrides):
    today = clock.today().isoformat()
    data = {
        "mode": "decide",
        "conversation_date": today,
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": False,
        "need_level": level.pk,
        "decision": "signpost",
        "signpost_to": "Young carers service",
        "handover_contact": "Pat at young carers",
        "handover_date": today,
    }
    data.update(overrides)
    return data


TRIAGE_CASES = [
    pytest.param(
        {"conversation_with": "", "conversation_summary": ""},
        {"conversation_with": "", "conversation_summary": ""},
        {
            "conversation_with": ["Enter who you spoke to"],
            "conversation_summary": ["Enter a summary of the conversation"],
        },
        id="conversation",
    ),
    pytest.param(
        {"signpost_to": "", "handover_contact": ""},
        {"signpost_to": "", "handover_contact": ""},
        {
            "signpost_to": ["Enter the service you are signposting the family to"],
            "handover_contact": ["Enter who you contacted to hand over"],
        },
        id="signpost-needs-a-handover",
    ),
    pytest.param(
        {"decision": ""},
        {"decision": ""},
        {"decision": ["Select what happens next"]},
        id="no-decision",
    ),
]


@pytest.mark.parametrize(("page_overrides", "api_overrides", "refusal"), TRIAGE_CASES)
def test_triage_page_and_api_refuse_the_same(
    leader_x, area_x, level, page_overrides, api_overrides, refusal
):
    on_page = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    by_api = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    client = client_for(leader_x)

    page = client.post(f"/requests/{on_page.pk}/triage/", _triage_page(level, **page_overrides))
    api = client.post(
        f"{API}{by_api.pk}/triage/",
        _triage_api(level, **api_overrides),
        content_type="application/json",
    )

    assert _page_errors(page) == refusal
    assert api.status_code == 400
    assert api.json() == refusal
    for support_request in (on_page, by_api):
        support_request.refresh_from_db()
        assert support_request.status == SupportRequest.Status.IN_TRIAGE
        assert (
            not Triage.objects.filter(support_request=support_request).exclude(decision="").exists()
        )


def _api_request(known_area, **overrides):
    data = {
        "children": [{"first_name": "Amy", "age_years": 7}],
        "area": known_area.pk,
        "what_is_happening": "Amy is missing school most Mondays.",
        "single_agency_support_tried": "Attendance meetings.",
        "family_knows_and_consents": True,
        "safeguarding_concern": False,
    }
    data.update(overrides)
    return data


REQUEST_CASES = [
    pytest.param(
        "/requests/new/what-is-happening/",
        {"what_is_happening": "", "single_agency_support_tried": ""},
        {"what_is_happening": "", "single_agency_support_tried": ""},
        {
            "what_is_happening": ["Enter what is happening for the family"],
            "single_agency_support_tried": ["Enter the support that has already been tried"],
        },
        id="what-is-happening",
    ),
    pytest.param(
        "/requests/new/area/",
        {"area": ""},
        {"area": None},
        {"area": ["Select the area the family lives in"]},
        id="area",
    ),
]


@pytest.mark.parametrize(("path", "page_data", "api_overrides", "refusal"), REQUEST_CASES)
def test_practitioner_request_page_and_api_refuse_the_same(
    school_practitioner, area_x, path, page_data, api_overrides, refusal
):
    client = client_for(school_practitioner)
    client.post("/requests/new/family/", {"family": "none"})

    page = client.post(path, page_data)
    api = client.post(
        "/api/v1/my-support-requests/",
        _api_request(area_x, **api_overrides),
        content_type="application/json",
    )

    assert _page_errors(page) == refusal
    assert api.status_code == 400
    assert api.json() == refusal
    assert not SupportRequest.objects.exists()
