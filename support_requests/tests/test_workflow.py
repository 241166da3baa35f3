"""A request's workflow: every status is reachable, a move the table does not hold is refused
(409 in the API, a message on the page), and the pages offer only the moves the table allows."""

import pytest
from django.core.exceptions import PermissionDenied

from core import workflow
from core.models import AuditEvent
from support_requests import services
from support_requests.models import SupportRequest, SupportRequestHistory
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
API = "/api/v1/support-requests/"


def test_every_status_is_reachable_from_received():
    assert services.REQUEST_WORKFLOW.unreachable() == set()
    assert services.REQUEST_WORKFLOW.initial == {Status.RECEIVED}


def test_only_open_requests_and_those_following_a_case_can_move():
    assert services.REQUEST_WORKFLOW.terminal == {
        Status.SIGNPOSTED,
        Status.SINGLE_AGENCY,
        Status.REFERRED_TO_DUTY_TEAM,
        Status.CLOSED,
        Status.SUPPORT_ENDED,
    }
    assert services.REQUEST_WORKFLOW.allowed(Status.RECEIVED) == {Status.IN_TRIAGE, Status.CLOSED}
    assert services.REQUEST_WORKFLOW.allowed(Status.IN_TRIAGE) == services.TRIAGE_OUTCOMES | {
        Status.CLOSED
    }


def test_after_triage_a_request_only_moves_forward_with_its_case():
    allowed = services.REQUEST_WORKFLOW.allowed
    assert allowed(Status.ASSESSMENT) == {
        Status.ASSESSMENT_STARTED,
        Status.PANEL_REFERRAL,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        Status.SUPPORT_ENDED,
    }
    assert allowed(Status.ASSESSMENT_STARTED) == {
        Status.PANEL_REFERRAL,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        Status.SUPPORT_ENDED,
    }
    assert allowed(Status.PANEL_REFERRAL) == {
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        Status.SUPPORT_ENDED,
    }
    assert allowed(Status.LEAD_PROFESSIONAL_ALLOCATED) == {Status.SUPPORT_ENDED}
    assert services.FOLLOW_TARGETS == {
        Status.ASSESSMENT_STARTED,
        Status.PANEL_REFERRAL,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        Status.SUPPORT_ENDED,
    }


def test_the_refusals_are_the_shared_ones():
    # Callers keep importing them from the services; the API and pages map them once.
    assert services.TransitionNotAllowed is workflow.TransitionNotAllowed
    assert issubclass(services.NotAllowedToTriage, PermissionDenied)
    assert issubclass(services.NotAllowedToRequest, PermissionDenied)


def test_a_wrong_move_in_the_api_is_409_and_changes_nothing(leader_x, area_x):
    closed = SupportRequestFactory(area=area_x, status=Status.CLOSED)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count()

    response = client_for(leader_x).post(
        f"{API}{closed.pk}/start-triage/", {}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "A request that is closed cannot become in triage"}
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED
    assert not SupportRequestHistory.objects.filter(support_request=closed).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count() == before


def test_a_wrong_move_on_the_page_is_a_message_not_an_error(leader_x, area_x):
    closed = SupportRequestFactory(area=area_x, status=Status.CLOSED)
    client = client_for(leader_x)

    response = client.post(f"/requests/{closed.pk}/start-triage/", follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Triage has already started on this request"
    ]
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_a_move_writes_history_and_the_shared_audit_detail(leader_x, area_x):
    received = SupportRequestFactory(area=area_x)

    services.support_request_start_triage(
        actor=leader_x, support_request=received, reason="Picked up"
    )

    history = SupportRequestHistory.objects.get(support_request=received)
    assert (history.actor, history.from_status, history.to_status, history.reason) == (
        leader_x,
        Status.RECEIVED,
        Status.IN_TRIAGE,
        "Picked up",
    )
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.UPDATE, record_id=str(received.pk), actor=leader_x
    )
    assert event.detail == {"fields": ["status"], "from_status": "received", "status": "in_triage"}


@pytest.mark.parametrize(
    ("status", "offered"),
    [(Status.RECEIVED, True), (Status.IN_TRIAGE, False), (Status.CLOSED, False)],
)
def test_the_detail_page_offers_start_triage_only_where_the_table_allows(
    leader_x, area_x, status, offered
):
    support_request = SupportRequestFactory(area=area_x, status=status)

    response = client_for(leader_x).get(f"/requests/{support_request.pk}/")

    assert response.status_code == 200
    assert response.context["can_start_triage"] is offered
    start = f'action="/requests/{support_request.pk}/start-triage/"'
    assert (start in response.content.decode()) is offered
