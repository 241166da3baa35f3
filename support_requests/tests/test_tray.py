"""The requests app's part of the work tray: requests waiting for an early support team leader
to triage, from the moment they arrive until they are triaged or closed."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock, worktray
from core.tests.factories import NeedLevelFactory
from support_requests import services, tray
from support_requests.models import SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

# 3 March 2027, mid-morning in London (GMT).
ARRIVED = datetime(2027, 3, 3, 10, 30, tzinfo=UTC)


def _section(user):
    """The user's "requests to triage" section as the home page gets it, or None."""
    sections = [s for s in worktray.tray_for(user) if s.key == "requests_to_triage"]
    return sections[0] if sections else None


def _arrive(area, *, address="192.0.2.10") -> SupportRequest:
    return services.support_request_submit_public(
        area=area,
        requester_name="Jo Parent",
        requester_relationship=SupportRequest.Relationship.PARENT_CARER,
        requester_phone="07700 900982",
        can_call=True,
        can_leave_message=False,
        safe_to_write=False,
        children=[services.ChildDetails(first_name="Amy", age_years=7)],
        what_is_happening="Amy will not go to school.",
        consent_to_contact_agencies=SupportRequest.Consent.YES,
        client_address=address,
    )


def _detail_url(support_request) -> str:
    return reverse("support_requests:detail", kwargs={"request_id": support_request.pk})


def test_a_new_request_waits_for_the_areas_team_leader_until_it_is_triaged(leader_x, area_x):
    with time_machine.travel(ARRIVED, tick=False):
        support_request = _arrive(area_x)

    section = _section(leader_x)
    assert section.title == "Requests to triage"
    assert section.count == 1
    assert section.more_url == reverse("support_requests:queue")
    [item] = section.items
    assert item.text == support_request.reference
    assert item.url == _detail_url(support_request)
    assert item.hint == "Received 3 March 2027"

    services.support_request_start_triage(actor=leader_x, support_request=support_request)
    [item] = _section(leader_x).items
    assert item.hint == "Received 3 March 2027, in triage"

    services.triage_record_decision(
        actor=leader_x,
        support_request=support_request,
        answers=services.TriageAnswers(
            conversation_date=clock.today(),
            conversation_with="Jo Parent",
            conversation_summary="Talked it through.",
            cin_cp_concern=False,
            need_level=NeedLevelFactory(level=2, name="Early help"),
            decision=Triage.Decision.ASSESSMENT,
        ),
    )
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ASSESSMENT
    assert _section(leader_x) is None


def test_a_closed_request_leaves_the_tray(leader_x, area_x):
    support_request = _arrive(area_x)
    assert _section(leader_x).count == 1

    services.support_request_close(
        actor=leader_x, support_request=support_request, reason="A duplicate of another request"
    )

    assert _section(leader_x) is None


def test_oldest_first_and_only_the_first_few_are_listed(leader_x, area_x):
    requests = []
    for day in range(1, 8):
        with time_machine.travel(datetime(2027, 3, day, 9, 0, tzinfo=UTC), tick=False):
            requests.append(SupportRequestFactory(area=area_x))

    section = _section(leader_x)

    assert section.count == 7
    assert [i.url for i in section.items] == [_detail_url(r) for r in requests[: worktray.SHOWN]]
    assert section.more == 7 - worktray.SHOWN


def test_roles_that_do_not_triage_and_other_areas_get_no_section(
    area_x, leader_x, leader_y, business_support_x, school_practitioner, system_admin
):
    support_request = _arrive(area_x)
    assert [i.url for i in _section(leader_x).items] == [_detail_url(support_request)]

    # Business support see the queue but do not triage; the other area's leader never sees it.
    assert tray.tray(business_support_x) == []
    assert tray.tray(school_practitioner) == []
    assert tray.tray(system_admin) == []
    assert _section(leader_y) is None
    assert [s.count for s in tray.tray(leader_y)] == [0]


def test_the_home_page_links_the_team_leader_to_the_request(council, leader_x, area_x):
    support_request = _arrive(area_x)

    response = client_for(leader_x).get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tray-requests_to_triage"' in html
    assert f'href="{_detail_url(support_request)}"' in html
    assert support_request.reference in html


def test_the_home_page_costs_the_same_queries_for_2_or_12_requests(council, leader_x, area_x):
    client = client_for(leader_x)
    SupportRequestFactory.create_batch(2, area=area_x)
    client.get(reverse("core:home"))  # a first visit may fill caches; measure the second

    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("core:home")).status_code == 200
    SupportRequestFactory.create_batch(10, area=area_x)
    with CaptureQueriesContext(connection) as twelve:
        response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert _section(leader_x).count == 12
    assert len(twelve.captured_queries) == len(two.captured_queries)
