"""Casework consultancy's API: the same services and scopes as the pages, answering 400 by field,
404 out of scope, 403 for a part that may not, 409 for a state that refuses (or a stale version);
the list in a fixed number of queries; the counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultancy.models import CaseworkConsultant, ConsultancyRequest
from consultancy.tests.factories import ConsultancyRequestFactory, consultant_user
from core.models import AuditEvent
from core.tests.factories import TeamFactory
from people.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = ConsultancyRequest.Status
BASE = "/api/v1/consultancy-requests/"


def _api(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    client.force_authenticate(user)
    return client


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def asker(team):
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


@pytest.fixture
def consultant():
    return consultant_user()


@pytest.fixture
def leader():
    return UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


def test_ask_then_move_it_through_the_api_with_history(asker, consultant, team):
    family = FamilyFactory(team=team)
    response = _api(asker).post(
        BASE,
        {"kind": "consultation", "help_wanted": "Advice please", "family": str(family.pk)},
        format="json",
    )
    assert response.status_code == 201, response.data
    item = response.data
    assert (item["request_status"], item["family"], item["version"]) == (
        "requested",
        str(family.pk),
        1,
    )
    url = f"{BASE}{item['id']}/"
    response = _api(consultant).post(url + "pick-up/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.data["consultant_id"] == consultant.pk
    response = _api(consultant).post(url + "accept/", {"version": 2}, format="json")
    assert response.status_code == 200 and response.data["request_status"] == "accepted"
    response = _api(consultant).post(
        url + "complete/",
        {"version": 3, "what_was_done": "Advice given", "next_step": "referred_on"},
        format="json",
    )
    assert response.status_code == 200
    assert [h["event"] for h in response.data["history"]] == [
        "asked",
        "picked_up",
        "accepted",
        "completed",
    ]
    # The consultant's team is the early support service's: they see the family too.
    assert response.data["family"] == str(family.pk)


def test_bad_input_is_400_by_field(asker, consultant):
    response = _api(asker).post(BASE, {"kind": "advice"}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"help_wanted"}
    response = _api(asker).post(BASE, {"kind": "advice", "help_wanted": "x"}, format="json")
    assert response.status_code == 400
    assert response.data == {"kind": ["Choose consultation, coaching or co-working"]}
    item = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    response = _api(consultant).post(f"{BASE}{item.pk}/decline/", {"version": 1}, format="json")
    assert response.status_code == 400 and set(response.data) == {"reason"}
    response = _api(consultant).post(
        f"{BASE}{item.pk}/decline/", {"version": 1, "reason": "  "}, format="json"
    )
    assert response.status_code == 400
    response = _api(UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])).get(
        BASE + "counts/?from=2026-13-01"
    )
    assert response.status_code == 400 and set(response.data) == {"date_from"}


def test_out_of_scope_is_404(asker, consultant):
    elsewhere = FamilyFactory(team=TeamFactory())
    response = _api(asker).post(
        BASE, {"kind": "coaching", "help_wanted": "x", "family": str(elsewhere.pk)}, format="json"
    )
    assert response.status_code == 404
    assert not ConsultancyRequest.objects.exists()
    theirs = ConsultancyRequestFactory(assigned=True)
    for path in ("", "accept/", "withdraw/"):
        method = "get" if not path else "post"
        response = getattr(_api(asker), method)(f"{BASE}{theirs.pk}/{path}", {"version": 1})
        assert response.status_code == 404, path
    assert _api(asker).get(f"{BASE}999999999/").status_code == 404
    assert _api(asker).get(f"{BASE}not-a-number/").status_code == 404


def test_a_part_that_may_not_is_403(asker, consultant, leader):
    item = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    assert _api(asker).post(f"{BASE}{item.pk}/accept/", {"version": 1}).status_code == 403
    assert _api(consultant).post(f"{BASE}{item.pk}/withdraw/", {"version": 1}).status_code == 403
    assert (
        _api(consultant)
        .post(f"{BASE}{item.pk}/assign/", {"version": 1, "consultant": consultant.pk})
        .status_code
        == 403
    )
    assert _api(leader).post(BASE, {"kind": "coaching", "help_wanted": "x"}).status_code == 403
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    assert _api(manager).get(BASE).status_code == 403
    assert _api(asker).get(BASE + "counts/").status_code == 403
    assert _api(asker).get("/api/v1/casework-consultants/").status_code == 403


def test_moves_the_state_refuses_and_stale_versions_are_409(asker, consultant):
    item = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    response = _api(consultant).post(
        f"{BASE}{item.pk}/complete/",
        {"version": 1, "what_was_done": "x", "next_step": "carries_on"},
        format="json",
    )
    assert response.status_code == 409
    assert response.data == {
        "detail": "A consultancy request that is asked for cannot become completed"
    }
    response = _api(consultant).post(f"{BASE}{item.pk}/accept/", {"version": 9}, format="json")
    assert response.status_code == 409
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.REQUESTED, 1)
    other = consultant_user()
    waiting = ConsultancyRequestFactory(requested_by=asker)
    assert _api(consultant).post(f"{BASE}{waiting.pk}/pick-up/", {"version": 1}).status_code == 200
    # The other consultant no longer sees it: it is not waiting any more.
    assert _api(other).post(f"{BASE}{waiting.pk}/pick-up/", {"version": 1}).status_code == 404


def test_consultants_through_the_api(leader):
    worker = UserFactory(roles=[Role.LEAD_PROFESSIONAL])
    url = "/api/v1/casework-consultants/"
    response = _api(leader).post(url, {"user": worker.pk, "starts_on": "2026-11-01"}, format="json")
    assert response.status_code == 201, response.data
    period = CaseworkConsultant.objects.get(user=worker)
    response = _api(leader).post(url, {"user": UserFactory(roles=[Role.PANEL_MEMBER]).pk})
    assert response.status_code == 400 and set(response.data) == {"user"}
    response = _api(leader).post(f"{url}{period.pk}/end/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.data["ends_on"] == "2026-11-02"
    response = _api(leader).post(f"{url}{period.pk}/end/", {"version": 1}, format="json")
    assert response.status_code == 409
    assert _api(leader).post(f"{url}99999/end/", {"version": 1}).status_code == 404
    assert [row["user"] for row in _api(leader).get(url).data["results"]] == [worker.pk]


def test_counts_through_the_api(leader, asker):
    ConsultancyRequestFactory(requested_by=asker, kind="coaching", requested_on=date(2026, 9, 1))
    ConsultancyRequestFactory(requested_by=asker, requested_on=date(2026, 3, 1))
    response = _api(leader).get(BASE + "counts/?from=2026-04-01&to=2026-11-02")
    assert response.status_code == 200
    assert response.data["total"] == 1
    assert response.data["by_kind"] == {"Consultation": 0, "Coaching": 1, "Co-working": 0}
    assert response.data["by_agency"] == {asker.agency.name: 1}


def test_the_list_reads_a_fixed_number_of_queries_and_is_audited(
    asker, consultant, leader, team, django_assert_max_num_queries
):
    family = FamilyFactory(team=team)

    def add(count):
        for _ in range(count):
            ConsultancyRequestFactory(requested_by=asker, consultant=consultant, family=family)
            ConsultancyRequestFactory(requested_by=asker)

    for user in (leader, asker):
        client = _api(user)
        add(1)
        with CaptureQueriesContext(connection) as few:
            assert client.get(BASE).status_code == 200
        add(10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(BASE)
        assert response.data["count"] == ConsultancyRequest.objects.count()
        assert {r["family"] for r in response.data["results"]} == {str(family.pk), None}
    assert (
        AuditEvent.objects.filter(
            record_type="consultancy.consultancyrequest", detail__page="api_list"
        ).count()
        == 4
    )
