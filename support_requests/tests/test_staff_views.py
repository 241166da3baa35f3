from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from support_requests.models import SupportRequest
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import (
    SupportRequestChildFactory,
    SupportRequestFactory,
    SupportRequestHistoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_x(area_x):
    request = SupportRequestFactory(
        area=area_x,
        requester_name="Jo Parent",
        can_call=False,
        can_leave_message=False,
        safe_to_write=True,
        contact_safety_notes="My ex-partner checks my phone",
    )
    SupportRequestChildFactory(support_request=request, first_name="Amy", age_years=7, position=1)
    SupportRequestChildFactory(support_request=request, first_name="Ben", age_years=0, position=2)
    SupportRequestHistoryFactory(support_request=request)
    return request


def audit_views(user, record):
    return AuditEvent.objects.filter(
        actor=user, action="view", record_type=record._meta.label_lower, record_id=str(record.pk)
    )


def test_queue_lists_the_areas_open_requests_and_is_audited_once(leader_x, request_x, area_y):
    SupportRequestFactory(area=area_y, reference="REQ-SSSSSS")
    SupportRequestFactory(
        area=request_x.area, status=SupportRequest.Status.CLOSED, reference="REQ-CCCCCC"
    )
    client = client_for(leader_x)
    response = client.get("/requests/")
    assert response.status_code == 200
    page = response.content.decode()
    assert request_x.reference in page
    assert "REQ-SSSSSS" not in page and "REQ-CCCCCC" not in page
    assert "Member of the public" in page and "North" in page
    assert "Jo Parent" not in page  # the queue shows no names
    events = AuditEvent.objects.filter(
        actor=leader_x, record_type="support_requests.supportrequest"
    )
    assert [(e.action, e.record_id, e.detail) for e in events] == [
        ("view", "", {"page": "queue", "count": 1})
    ]


@time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False)
def test_queue_shows_received_time_in_uk_time_and_days_waiting(leader_x, request_x):
    from support_requests.templatetags.support_request_tags import gov_datetime

    # 22:50 UTC on 26 June is 23:50 on 26 June in London; now is 00:30 on 1 July there. Counted
    # on a UTC calendar it would be 4 days; on London's it is 5.
    received = datetime(2026, 6, 26, 22, 50, tzinfo=UTC)
    SupportRequest.objects.filter(pk=request_x.pk).update(created_at=received)
    page = client_for(leader_x).get("/requests/").content.decode()
    assert gov_datetime(received) == "26 June 2026 at 11:50pm"
    assert gov_datetime(received) in page
    assert 'govuk-table__cell--numeric">5</td>' in page


def test_times_are_shown_in_uk_time_gov_uk_style():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from support_requests.templatetags.support_request_tags import gov_datetime

    utc = ZoneInfo("UTC")
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time); in winter they agree.
    assert gov_datetime(datetime(2026, 7, 1, 23, 30, tzinfo=utc)) == "2 July 2026 at 12:30am"
    assert gov_datetime(datetime(2026, 12, 1, 14, 5, tzinfo=utc)) == "1 December 2026 at 2:05pm"
    assert gov_datetime(datetime(2026, 12, 1, 12, 0, tzinfo=utc)) == "1 December 2026 at midday"
    assert gov_datetime(datetime(2026, 12, 1, 0, 0, tzinfo=utc)) == "1 December 2026 at midnight"


@pytest.mark.parametrize(
    "persona",
    [
        "school_practitioner",
        "early_support_practitioner",
        "team_manager",
        "system_admin",
        "school_business_support",
    ],
)
def test_queue_and_requests_are_not_found_for_anyone_else(request, persona, request_x):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/requests/").status_code == 404
    assert client.get(f"/requests/{request_x.pk}/").status_code == 404
    assert client.post(f"/requests/{request_x.pk}/start-triage/").status_code == 404
    assert not AuditEvent.objects.filter(
        record_type="support_requests.supportrequest", action="view"
    ).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, request_x):
    response = client.get(f"/requests/{request_x.pk}/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_request_in_another_area_is_not_found(leader_y, request_x):
    client = client_for(leader_y)
    assert client.get(f"/requests/{request_x.pk}/").status_code == 404
    assert client.post(f"/requests/{request_x.pk}/start-triage/").status_code == 404
    assert request_x.reference not in client.get("/requests/").content.decode()
    request_x.refresh_from_db()
    assert request_x.status == SupportRequest.Status.RECEIVED


def test_detail_shows_everything_with_safe_contact_warnings_and_is_audited_once(
    leader_x, request_x
):
    client = client_for(leader_x)
    response = client.get(f"/requests/{request_x.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Jo Parent",
        "07700 900982",
        "Amy",
        "Ben",
        "Under 1 year old",
        "7 years old",
        request_x.what_is_happening.replace("'", "&#x27;"),
        "My ex-partner checks my phone",
        "Start triage",
        "The person who asked for help",
    ):
        assert text in page, text
    assert "Do not call them" in page
    assert "Do not leave a voicemail or send a text message" in page
    assert "Do not email or write to them" not in page
    assert audit_views(leader_x, request_x).count() == 1


def test_request_with_unknown_area_shows_the_town_they_gave(leader_x, area_x):
    request = SupportRequestFactory(area=None, location_given="Batley")
    page = client_for(leader_x).get(f"/requests/{request.pk}/").content.decode()
    assert "Not known – they gave the town or postcode ‘Batley’" in page


def test_start_triage_moves_the_request_and_records_who(leader_x, request_x):
    client = client_for(leader_x)
    assert client.get(f"/requests/{request_x.pk}/start-triage/").status_code == 405
    response = client.post(f"/requests/{request_x.pk}/start-triage/")
    assert response.status_code == 302 and response["Location"] == f"/requests/{request_x.pk}/"
    request_x.refresh_from_db()
    assert request_x.status == SupportRequest.Status.IN_TRIAGE
    assert request_x.history.last().actor == leader_x
    page = client.get(response["Location"]).content.decode()
    assert "Triage started" in page and "In triage" in page
    assert 'action="/requests/' not in page  # no second "Start triage" button
    again = client.post(f"/requests/{request_x.pk}/start-triage/")
    assert again.status_code == 302
    assert request_x.history.count() == 2
    assert "Triage has already started" in client.get(again["Location"]).content.decode()


def test_business_support_cannot_start_triage(business_support_x, request_x):
    # Business support keep the panel's administration (seed 002); triage is the team leader's.
    response = client_for(business_support_x).post(f"/requests/{request_x.pk}/start-triage/")
    assert response.status_code == 403
    request_x.refresh_from_db()
    assert request_x.status == SupportRequest.Status.RECEIVED
    assert request_x.history.count() == 1


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/requests/").status_code == 200
    return len(captured.captured_queries)


def test_queue_query_count_does_not_grow_with_requests(leader_x, area_x):
    client = client_for(leader_x)
    for _ in range(3):
        SupportRequestChildFactory(support_request=SupportRequestFactory(area=area_x))
    few = _queue_queries(client)
    for _ in range(27):
        SupportRequestChildFactory(support_request=SupportRequestFactory(area=area_x))
    assert SupportRequest.objects.count() == 30
    assert _queue_queries(client) == few
