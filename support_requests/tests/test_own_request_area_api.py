"""A practitioner's view of their own request, setting the area of a request whose area is not
known, and the requests API."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.tests.factories import AssessmentFactory
from core import clock
from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory, TeamFactory
from people.tests.factories import FamilyFactory
from support_requests import selectors, services
from support_requests.models import SafeguardingStop, SupportRequest, SupportRequestHistory, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
API = "/api/v1/support-requests/"
MINE_API = "/api/v1/my-support-requests/"


def practitioner_request(user, area, **overrides):
    values = {
        "source": SupportRequest.Source.PRACTITIONER,
        "requester": user,
        "requester_team": user.team,
        "area": area,
        "what_is_happening": "Amy is missing school most Mondays.",
        "can_call": None,
        "can_leave_message": None,
        "safe_to_write": None,
    }
    values.update(overrides)
    support_request = SupportRequestFactory(**values)
    SupportRequestChildFactory(support_request=support_request, first_name="Amy")
    return support_request


def unknown_area_request(**overrides):
    return SupportRequestFactory(area=None, location_given="Batley", **overrides)


# ---------------------------------------------------------------- own request page


def test_own_request_shows_what_was_asked_status_and_next_step(school_practitioner, area_x):
    support_request = practitioner_request(school_practitioner, area_x)
    response = client_for(school_practitioner).get(f"/requests/mine/{support_request.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert support_request.reference in page
    assert "Amy is missing school most Mondays." in page
    assert "Amy" in page
    assert "Your request has been received." in page
    assert "An early support team leader for the area will look at it" in page
    event = AuditEvent.objects.filter(action="view", record_id=str(support_request.pk)).get()
    assert event.actor == school_practitioner


def test_own_request_list_links_to_each_request(school_practitioner, area_x):
    support_request = practitioner_request(school_practitioner, area_x)
    page = client_for(school_practitioner).get("/requests/mine/").content.decode()
    assert f'href="/requests/mine/{support_request.pk}/"' in page


def test_someone_elses_request_is_404(school_practitioner, area_x):
    other = UserFactory(team=TeamFactory(area=area_x), roles=[Role.PRACTITIONER])
    support_request = practitioner_request(other, area_x)
    client = client_for(school_practitioner)
    assert client.get(f"/requests/mine/{support_request.pk}/").status_code == 404
    public = SupportRequestFactory(area=area_x)
    assert client.get(f"/requests/mine/{public.pk}/").status_code == 404


def test_own_request_shows_triage_outcome_and_assessment_link(school_practitioner, area_x):
    family = FamilyFactory(area=area_x, team=school_practitioner.team)
    support_request = practitioner_request(
        school_practitioner, area_x, family=family, status=Status.ASSESSMENT
    )
    Triage.objects.create(
        support_request=support_request,
        conversation_summary="Private notes of the team leader",
        need_level=NeedLevelFactory(level=2, name="Early help"),
        decision=Triage.Decision.ASSESSMENT,
        decided_at=clock.now(),
    )
    assessment = AssessmentFactory(family=family, support_request=support_request)
    page = client_for(school_practitioner).get(f"/requests/mine/{support_request.pk}/")
    page = page.content.decode()
    assert "Start an early support assessment" in page
    assert "Early help" in page
    assert "Private notes of the team leader" not in page
    assert assessment.get_status_display() in page
    assert f"/assessments/{assessment.pk}/" in page


def test_no_assessment_link_when_the_family_is_not_in_scope(school_practitioner, area_x):
    family = FamilyFactory(area=area_x, team=TeamFactory(area=area_x))
    support_request = practitioner_request(
        school_practitioner, area_x, family=family, status=Status.ASSESSMENT
    )
    assessment = AssessmentFactory(family=family, support_request=support_request)
    page = client_for(school_practitioner).get(f"/requests/mine/{support_request.pk}/")
    page = page.content.decode()
    assert assessment.get_status_display() in page
    assert f"/assessments/{assessment.pk}/" not in page


# ---------------------------------------------------------------- setting the area


def test_unknown_area_requests_are_in_every_leaders_queue(leader_x, leader_y):
    support_request = unknown_area_request()
    assert selectors.queue_for(leader_x).filter(pk=support_request.pk).exists()
    assert selectors.queue_for(leader_y).filter(pk=support_request.pk).exists()
    page = client_for(leader_y).get("/requests/").content.decode()
    assert "Area not known" in page
    assert "Batley" in page


def test_leader_sets_the_area_and_it_moves_to_that_queue(leader_x, leader_y, area_y):
    support_request = unknown_area_request()
    client = client_for(leader_x)
    page = client.get(f"/requests/{support_request.pk}/").content.decode()
    assert "Which area does the family live in?" in page
    response = client.post(f"/requests/{support_request.pk}/area/", {"area": area_y.code})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.area == area_y
    assert support_request.status == Status.RECEIVED
    history = SupportRequestHistory.objects.filter(support_request=support_request).last()
    assert history.reason == "Area set to South"
    assert history.from_status == history.to_status == Status.RECEIVED
    assert history.actor == leader_x
    event = AuditEvent.objects.filter(action="update", record_id=str(support_request.pk)).get()
    assert event.detail == {"fields": ["area"]}
    assert selectors.queue_for(leader_y).filter(pk=support_request.pk).exists()
    assert not selectors.queue_for(leader_x).filter(pk=support_request.pk).exists()


def test_set_area_form_error(leader_x):
    support_request = unknown_area_request()
    response = client_for(leader_x).post(f"/requests/{support_request.pk}/area/", {})
    assert response.status_code == 200
    assert "Select the area the family lives in" in response.content.decode()


def test_only_team_leaders_set_the_area(business_support_x, school_practitioner, area_x):
    support_request = unknown_area_request()
    with pytest.raises(services.NotAllowedToTriage):
        services.support_request_set_area(
            actor=business_support_x, support_request=support_request, area=area_x
        )
    response = client_for(business_support_x).post(
        f"/requests/{support_request.pk}/area/", {"area": area_x.code}
    )
    assert response.status_code == 403
    response = client_for(school_practitioner).post(
        f"/requests/{support_request.pk}/area/", {"area": area_x.code}
    )
    assert response.status_code == 404
    support_request.refresh_from_db()
    assert support_request.area is None


def test_area_cannot_be_set_on_a_closed_request(leader_x, area_x):
    support_request = unknown_area_request(status=Status.CLOSED)
    with pytest.raises(services.TransitionNotAllowed):
        services.support_request_set_area(
            actor=leader_x, support_request=support_request, area=area_x
        )
    support_request.refresh_from_db()
    assert support_request.area is None
    assert not SupportRequestHistory.objects.filter(support_request=support_request).exists()


def test_set_area_needs_an_area(leader_x):
    with pytest.raises(ValidationError):
        services.support_request_set_area(
            actor=leader_x, support_request=unknown_area_request(), area=None
        )


# ---------------------------------------------------------------- the API


def test_api_list_is_the_queue_scope(leader_x, area_x, area_y):
    mine = SupportRequestFactory(area=area_x)
    unknown = unknown_area_request()
    elsewhere = SupportRequestFactory(area=area_y)
    closed = SupportRequestFactory(area=area_x, status=Status.CLOSED)
    client = client_for(leader_x)
    body = client.get(API).json()
    ids = {row["id"] for row in body["results"]}
    assert ids == {str(mine.pk), str(unknown.pk), str(closed.pk)}
    assert str(elsewhere.pk) not in ids
    row = next(r for r in body["results"] if r["id"] == str(unknown.pk))
    assert row["area_known"] is False
    body = client.get(API, {"status": "closed"}).json()
    assert [r["id"] for r in body["results"]] == [str(closed.pk)]
    assert client.get(API, {"status": "nonsense"}).status_code == 400


def test_api_detail_out_of_scope_is_404_and_never_shows_the_ip_hash(leader_x, area_y, area_x):
    client = client_for(leader_x)
    assert client.get(f"{API}{SupportRequestFactory(area=area_y).pk}/").status_code == 404
    support_request = SupportRequestFactory(area=area_x)
    response = client.get(f"{API}{support_request.pk}/")
    assert response.status_code == 200
    assert "submitted_ip_hash" not in response.content.decode()
    assert support_request.submitted_ip_hash not in response.content.decode()
    assert AuditEvent.objects.filter(action="view", record_id=str(support_request.pk)).exists()


def test_practitioner_sees_no_queue(school_practitioner, area_x):
    support_request = SupportRequestFactory(area=area_x)
    client = client_for(school_practitioner)
    assert client.get(API).json()["results"] == []
    assert client.get(f"{API}{support_request.pk}/").status_code == 404


@pytest.fixture
def level(db):
    return NeedLevelFactory(level=2, name="Early help")


def triage_payload(level, **overrides):
    data = {
        "mode": "decide",
        "conversation_date": clock.today().isoformat(),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": False,
        "need_level": level.pk,
        "decision": "signpost",
        "signpost_to": "Young carers service",
        "handover_contact": "Pat at young carers",
        "handover_date": clock.today().isoformat(),
    }
    data.update(overrides)
    return data


def test_api_start_triage_and_decide(leader_x, area_x, level):
    support_request = SupportRequestFactory(area=area_x)
    client = client_for(leader_x)
    response = client.post(
        f"{API}{support_request.pk}/start-triage/", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["request_status"] == "in_triage"
    response = client.post(
        f"{API}{support_request.pk}/triage/", triage_payload(level), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["request_status"] == "signposted"
    assert body["triage"]["triage_decision"] == "signpost"
    support_request.refresh_from_db()
    assert support_request.status == Status.SIGNPOSTED
    # Once decided, another decision is a conflict.
    response = client.post(
        f"{API}{support_request.pk}/triage/", triage_payload(level), content_type="application/json"
    )
    assert response.status_code == 409


def test_api_triage_validation_errors_are_400(leader_x, area_x, level):
    support_request = SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE)
    response = client_for(leader_x).post(
        f"{API}{support_request.pk}/triage/",
        triage_payload(level, signpost_to=""),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "signpost_to" in response.json()


def test_api_triage_is_for_team_leaders(business_support_x, area_x, level):
    support_request = SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE)
    response = client_for(business_support_x).post(
        f"{API}{support_request.pk}/triage/", triage_payload(level), content_type="application/json"
    )
    assert response.status_code == 403


def test_api_concern_is_a_safeguarding_stop(leader_x, area_x, level, council):
    support_request = SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE)
    client = client_for(leader_x)
    response = client.post(
        f"{API}{support_request.pk}/triage/",
        triage_payload(level, cin_cp_concern=True),
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "duty team" in body["detail"]
    assert body["duty_team"]["phone"] == "01234 567890"
    assert body["duty_team"]["name"] == "Duty and Advice Team"
    stop = SafeguardingStop.objects.get(support_request=support_request)
    assert stop.trigger == SafeguardingStop.Trigger.TRIAGE_CONCERN
    assert body["safeguarding_stop"]["id"] == stop.pk
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_TRIAGE
    assert not Triage.objects.get(support_request=support_request).decision
    # Nothing else until the next step is recorded.
    response = client.post(
        f"{API}{support_request.pk}/triage/",
        triage_payload(level),
        content_type="application/json",
    )
    assert response.status_code == 409
    response = client.post(
        f"{API}{support_request.pk}/safeguarding-stop/",
        {"next_step": "phoned_duty_team"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["request_status"] == "referred_to_duty_team"


def test_api_set_area(leader_x, business_support_x, area_x, area_y):
    support_request = unknown_area_request()
    response = client_for(business_support_x).post(
        f"{API}{support_request.pk}/set-area/", {"area": area_x.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    client = client_for(leader_x)
    response = client.post(
        f"{API}{support_request.pk}/set-area/", {"area": 999999}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        f"{API}{support_request.pk}/set-area/", {"area": area_x.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["area"]["code"] == "north"
    closed = unknown_area_request(status=Status.CLOSED)
    response = client.post(
        f"{API}{closed.pk}/set-area/", {"area": area_x.pk}, content_type="application/json"
    )
    assert response.status_code == 409
    other = unknown_area_request()
    response = client.post(
        f"{API}{other.pk}/set-area/", {"area": area_y.pk}, content_type="application/json"
    )
    assert response.status_code == 204
    assert client.get(f"{API}{other.pk}/").status_code == 404


def test_api_my_requests(school_practitioner, area_x):
    mine = practitioner_request(school_practitioner, area_x)
    other = practitioner_request(
        UserFactory(team=TeamFactory(area=area_x), roles=[Role.PRACTITIONER]), area_x
    )
    client = client_for(school_practitioner)
    body = client.get(MINE_API).json()
    assert [r["id"] for r in body["results"]] == [str(mine.pk)]
    response = client.get(f"{MINE_API}{mine.pk}/")
    assert response.status_code == 200
    assert response.json()["status_summary"] == "Your request has been received."
    assert client.get(f"{MINE_API}{other.pk}/").status_code == 404


def create_payload(area, **overrides):
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


def test_api_create_a_practitioners_request(school_practitioner, area_x, leader_x):
    client = client_for(school_practitioner)
    response = client.post(MINE_API, create_payload(area_x), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["request_status"] == "received"
    support_request = SupportRequest.objects.get(pk=body["id"])
    assert support_request.requester == school_practitioner
    assert support_request.source == SupportRequest.Source.PRACTITIONER
    assert [c.first_name for c in support_request.children.all()] == ["Amy"]
    assert selectors.queue_for(leader_x).filter(pk=support_request.pk).exists()


def test_api_create_validation_and_scope(school_practitioner, area_x, leader_x):
    client = client_for(school_practitioner)
    response = client.post(
        MINE_API,
        create_payload(area_x, family_knows_and_consents=False),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "family_knows_and_consents" in response.json()
    other_family = FamilyFactory(area=area_x, team=TeamFactory(area=area_x))
    response = client.post(
        MINE_API,
        create_payload(area_x, family=str(other_family.pk)),
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client_for(leader_x).post(
        MINE_API, create_payload(area_x), content_type="application/json"
    )
    assert response.status_code == 403
    assert not SupportRequest.objects.exists()


def test_api_create_with_concerns_is_a_stop(school_practitioner, area_x):
    client = client_for(school_practitioner)
    response = client.post(
        MINE_API, create_payload(area_x, safeguarding_concern=True), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["request_status"] == "referred_to_duty_team"
    assert body["pending_safeguarding_stop"]["trigger"] == "request_concern"
    response = client.post(
        f"{MINE_API}{body['id']}/safeguarding-stop/",
        {"next_step": "phoned_duty_team"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["pending_safeguarding_stop"] is None


def test_schema_has_the_request_endpoints(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/support-requests/:",
        "/api/v1/support-requests/{id}/triage/:",
        "/api/v1/support-requests/{id}/start-triage/:",
        "/api/v1/support-requests/{id}/safeguarding-stop/:",
        "/api/v1/support-requests/{id}/set-area/:",
        "/api/v1/my-support-requests/:",
        "/api/v1/my-support-requests/{id}/:",
    ):
        assert path in text
    assert "submitted_ip_hash" not in text
