"""Who gets which requests page: each persona against the queue, a request's details, triage,
making a request and the public form. Out of the queue's scope is a 404 (nobody learns the
request exists); in scope but a role that may not act (business support triaging) is a 403."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.tests.factories import AssessmentFactory
from core.models import AuditEvent
from core.tests.factories import TeamFactory
from people.tests.factories import FamilyFactory
from support_requests.models import SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "leader_x",
    "central_leader",
    "business_support_x",
    "leader_y",
    "school_practitioner",
    "lead_professional",
    "early_support_practitioner",
    "school_business_support",
    "team_manager",
    "system_admin",
]


@pytest.fixture
def lead_professional(area_x):
    return UserFactory(team=TeamFactory(area=area_x), roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def received(area_x):
    return SupportRequestFactory(area=area_x)


@pytest.fixture
def in_triage(area_x):
    return SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)


def _views() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()


def _get(request, persona: str, url: str) -> int:
    before = _views()
    status = client_for(request.getfixturevalue(persona)).get(url).status_code
    if status in (403, 404):
        assert _views() == before  # nothing was shown, nothing to audit
    return status


QUEUE = (
    dict.fromkeys(PERSONAS, 404)
    | {"leader_x": 200, "central_leader": 200, "leader_y": 200}
    | {"business_support_x": 200}
)


@pytest.mark.parametrize("persona", PERSONAS)
def test_queue(request, persona):
    assert _get(request, persona, "/requests/") == QUEUE[persona]


# The request is in area North: South's team leader does not see it; the central team does.
DETAIL = dict.fromkeys(PERSONAS, 404) | {
    "leader_x": 200,
    "central_leader": 200,
    "business_support_x": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_request_detail(request, persona, received):
    assert _get(request, persona, f"/requests/{received.pk}/") == DETAIL[persona]


TRIAGE = dict.fromkeys(PERSONAS, 404) | {
    "leader_x": 200,
    "central_leader": 200,
    "business_support_x": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_triage_page(request, persona, in_triage):
    assert _get(request, persona, f"/requests/{in_triage.pk}/triage/") == TRIAGE[persona]


# A team leader's draft is saved and they go back to the request; nobody else saves anything.
RECORD_TRIAGE = TRIAGE | {"leader_x": 302, "central_leader": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_a_triage_draft(request, persona, in_triage):
    response = client_for(request.getfixturevalue(persona)).post(
        f"/requests/{in_triage.pk}/triage/", {"action": "draft"}
    )
    assert response.status_code == RECORD_TRIAGE[persona]
    saved = Triage.objects.filter(support_request=in_triage).exists()
    assert saved is (RECORD_TRIAGE[persona] == 302)


NEW_REQUEST = dict.fromkeys(PERSONAS, 404) | {
    "school_practitioner": 200,
    "lead_professional": 200,
    "early_support_practitioner": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_request(request, persona):
    assert _get(request, persona, "/requests/new/") == NEW_REQUEST[persona]
    assert _get(request, persona, "/requests/new/family/") == NEW_REQUEST[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_public_form_is_open_to_everyone(request, persona, council):
    assert _get(request, persona, "/ask-for-help/") == 200


def test_the_public_form_needs_no_sign_in(client, council):
    assert client.get("/ask-for-help/").status_code == 200
    assert client.get("/ask-for-help/area/").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/requests/", "/requests/{pk}/", "/requests/{pk}/triage/", "/requests/new/"],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, in_triage, url):
    response = client.get(url.format(pk=in_triage.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The home page and the service navigation ask the requests app's permissions by name.
HOME_LINKS = dict.fromkeys(PERSONAS, (False, False)) | {
    "leader_x": (True, False),
    "central_leader": (True, False),
    "leader_y": (True, False),
    "business_support_x": (True, False),
    "school_practitioner": (False, True),
    "lead_professional": (False, True),
    "early_support_practitioner": (False, True),
}
NAV_REQUESTS = {(True, False): "Requests", (False, True): "Requests for support"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_and_navigation_offer_requests_by_role(request, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("core:home"))

    assert response.status_code == 200
    sees, makes = HOME_LINKS[persona]
    assert (response.context["can_see_requests"], response.context["can_make_requests"]) == (
        sees,
        makes,
    )
    labels = [item.label for item in response.context["nav_items"] if item.section == "requests"]
    expected = NAV_REQUESTS.get((sees, makes))
    assert labels == ([expected] if expected else [])


@pytest.fixture
def decided_on_assessment(area_x):
    return SupportRequestFactory(
        area=area_x, status=SupportRequest.Status.ASSESSMENT, family=FamilyFactory(area=area_x)
    )


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("leader_x", True), ("central_leader", True), ("business_support_x", False)],
)
def test_start_the_assessment_is_offered_to_those_who_write_assessments(
    request, persona, offered, decided_on_assessment
):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/requests/{decided_on_assessment.pk}/"
    )

    assert response.status_code == 200
    assert response.context["can_start_assessment"] is offered
    assert ("Start the assessment" in response.content.decode()) is offered


def test_start_the_assessment_is_not_offered_twice(leader_x, decided_on_assessment):
    AssessmentFactory(family=decided_on_assessment.family, support_request=decided_on_assessment)

    response = client_for(leader_x).get(f"/requests/{decided_on_assessment.pk}/")

    assert response.status_code == 200
    assert response.context["can_start_assessment"] is False


def test_start_the_assessment_needs_a_family_record(leader_x, area_x):
    no_family = SupportRequestFactory(area=area_x, status=SupportRequest.Status.ASSESSMENT)

    response = client_for(leader_x).get(f"/requests/{no_family.pk}/")

    assert response.status_code == 200
    assert response.context["can_start_assessment"] is False
