import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from support_requests import services
from support_requests.models import SupportRequest, SupportRequestHistory, ThrottleHit
from support_requests.services import ChildDetails
from support_requests.tests.factories import (
    SupportRequestChildFactory,
    SupportRequestFactory,
    SupportRequestHistoryFactory,
    ThrottleHitFactory,
)
from support_requests.throttle import PAGE_POSTS, Rate, allow, client_hash

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status


def submit(**overrides) -> SupportRequest:
    kwargs = {
        "area": None,
        "location_given": "Dewsbury",
        "requester_name": "Jo Parent",
        "requester_relationship": SupportRequest.Relationship.PARENT_CARER,
        "requester_phone": "07700 900982",
        "requester_email": "",
        "can_call": True,
        "can_leave_message": False,
        "safe_to_write": False,
        "contact_best_times": "Mornings",
        "contact_safety_notes": "My partner checks my phone in the evening",
        "children": [
            ChildDetails("Amy", age_years=7),
            ChildDetails("Ben", date_of_birth=date(2020, 1, 2)),
        ],
        "what_is_happening": "Amy will not go to school.",
        "help_wanted": "",
        "consent_to_contact_agencies": SupportRequest.Consent.UNSURE,
        "client_address": "203.0.113.9",
    }
    kwargs.update(overrides)
    return services.support_request_submit_public(**kwargs)


def test_submit_public_saves_request_children_history_and_audit(area_x):
    request = submit(area=area_x, location_given="ignored when the area is known")
    request.refresh_from_db()
    assert request.source == SupportRequest.Source.PUBLIC
    assert request.status == Status.RECEIVED
    assert request.area == area_x
    assert request.location_given == ""
    assert (
        request.can_call is True
        and request.can_leave_message is False
        and request.safe_to_write is False
    )
    assert [
        (c.position, c.first_name, c.age_years, c.date_of_birth) for c in request.children.all()
    ] == [
        (1, "Amy", 7, None),
        (2, "Ben", None, date(2020, 1, 2)),
    ]
    (history,) = request.history.all()
    assert (history.actor, history.from_status, history.to_status) == (None, "", Status.RECEIVED)
    (event,) = AuditEvent.objects.filter(record_type="support_requests.supportrequest")
    assert event.actor is None
    assert event.action == AuditEvent.Action.CREATE
    assert event.record_id == str(request.pk)
    assert event.detail == {"source": "public", "children": 2, "area_known": True}
    # The audit detail holds no personal data.
    for word in ("Jo", "Amy", "Ben", "07700", "school", "203.0.113.9"):
        assert word not in str(event.detail)


def test_submit_public_keeps_the_town_when_the_area_is_not_known():
    request = submit(area=None, location_given=" Dewsbury ")
    assert request.area is None
    assert request.location_given == "Dewsbury"


def test_reference_is_random_has_no_vowels_and_never_contains_names():
    references = {submit(client_address=f"198.51.100.{i}").reference for i in range(4)}
    assert len(references) == 4
    for reference in references:
        assert re.fullmatch(r"REQ-[BCDFGHJKLMNPQRSTVWXZ2-9]{6}", reference)
        assert "JO" not in reference and "AMY" not in reference


def test_only_a_keyed_hash_of_the_address_is_stored(settings):
    request = submit(client_address="203.0.113.9")
    assert request.submitted_ip_hash == client_hash("203.0.113.9")
    assert "203.0.113.9" not in request.submitted_ip_hash
    assert len(request.submitted_ip_hash) == 64
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    assert client_hash("203.0.113.9") != request.submitted_ip_hash


def test_ipv6_addresses_are_limited_by_their_64_network():
    assert client_hash("2001:db8:1:2:aaaa::1") == client_hash("2001:db8:1:2:bbbb::2")
    assert client_hash("2001:db8:1:3::1") != client_hash("2001:db8:1:2::1")
    assert client_hash(None) == client_hash("not an address")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"children": []}, "children"),
        ({"children": [ChildDetails("A", age_years=1)] * 7}, "children"),
        ({"children": [ChildDetails("Amy")]}, "children"),
        ({"children": [ChildDetails("Amy", age_years=40)]}, "children"),
        (
            {"children": [ChildDetails("Amy", date_of_birth=date.today() + timedelta(days=2))]},
            "children",
        ),
        ({"area": None, "location_given": " "}, "area"),
        ({"what_is_happening": "  "}, "what_is_happening"),
        ({"requester_relationship": "neighbour"}, "requester_relationship"),
        ({"consent_to_contact_agencies": "maybe"}, "consent_to_contact_agencies"),
        ({"requester_name": " "}, "requester_name"),
        ({"requester_phone": "", "can_call": True}, "requester_phone"),
        ({"requester_phone": "", "can_call": False, "can_leave_message": True}, "requester_phone"),
        ({"requester_email": "", "safe_to_write": True}, "requester_email"),
        (
            {
                "can_call": False,
                "can_leave_message": False,
                "safe_to_write": False,
                "contact_safety_notes": "",
            },
            "contact_safety_notes",
        ),
    ],
)
def test_submit_public_refuses_incomplete_answers(overrides, field):
    with pytest.raises(ValidationError) as error:
        submit(**overrides)
    assert field in error.value.message_dict
    assert not SupportRequest.objects.exists()


def test_sixth_submission_from_one_address_within_the_hour_is_refused():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        for _ in range(services.SUBMISSIONS_PER_HOUR):
            submit(client_address="203.0.113.9")
        traveller.shift(timedelta(minutes=59))
        with pytest.raises(services.TooManySubmissions):
            submit(client_address="203.0.113.9")
        assert SupportRequest.objects.count() == services.SUBMISSIONS_PER_HOUR
        # Another address is not affected, and an hour later the first may send again.
        submit(client_address="203.0.113.10")
        traveller.shift(timedelta(minutes=2))
        submit(client_address="203.0.113.9")


def test_start_triage_moves_status_records_history_and_audits(leader_x):
    request = submit()
    services.support_request_start_triage(actor=leader_x, support_request=request)
    request.refresh_from_db()
    assert request.status == Status.IN_TRIAGE
    latest = request.history.last()
    assert (latest.actor, latest.from_status, latest.to_status, latest.reason) == (
        leader_x,
        Status.RECEIVED,
        Status.IN_TRIAGE,
        "Triage started",
    )
    event = AuditEvent.objects.filter(actor=leader_x, action=AuditEvent.Action.UPDATE).get()
    assert event.detail == {"fields": ["status"], "from_status": "received", "status": "in_triage"}


def test_start_triage_twice_is_refused_and_records_nothing(leader_x, leader_y):
    request = submit()
    services.support_request_start_triage(actor=leader_x, support_request=request)
    stale_copy = SupportRequest.objects.get(pk=request.pk)
    stale_copy.status = Status.RECEIVED  # as if loaded before the first click
    with pytest.raises(services.TransitionNotAllowed), transaction.atomic():
        services.support_request_start_triage(actor=leader_y, support_request=stale_copy)
    assert SupportRequestHistory.objects.filter(support_request=request).count() == 2
    assert not AuditEvent.objects.filter(actor=leader_y).exists()


def test_start_triage_locks_the_row(leader_x):
    request = submit()
    with CaptureQueriesContext(connection) as captured:
        services.support_request_start_triage(actor=leader_x, support_request=request)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in captured.captured_queries)


def test_close_needs_a_reason_and_ends_transitions(leader_x):
    request = submit()
    with pytest.raises(ValidationError):
        services.support_request_close(actor=leader_x, support_request=request, reason=" ")
    services.support_request_close(
        actor=leader_x, support_request=request, reason="Duplicate of another request"
    )
    assert request.status == Status.CLOSED
    with pytest.raises(services.TransitionNotAllowed):
        services.support_request_start_triage(actor=leader_x, support_request=request)


def test_history_is_append_only():
    entry = SupportRequestHistoryFactory()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        SupportRequestHistory.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        SupportRequestHistory.objects.all().delete()


def test_factories_build_valid_rows():
    child = SupportRequestChildFactory()
    assert child.support_request.children.count() == 1
    assert SupportRequestFactory().reference.startswith("REQ-")
    assert ThrottleHitFactory().client_hash


def test_throttle_counts_a_sliding_window_and_does_not_count_refusals():
    rate = Rate(limit=3, window=PAGE_POSTS.window)
    key = client_hash("203.0.113.9")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        assert [allow(bucket="t", key=key, rate=rate) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]
        assert allow(bucket="t", key=client_hash("203.0.113.10"), rate=rate)
        assert allow(bucket="other", key=key, rate=rate)
        assert ThrottleHit.objects.filter(bucket="t", client_hash=key).count() == 3
        # Still inside the window: still refused.
        traveller.shift(rate.window - timedelta(seconds=1))
        assert not allow(bucket="t", key=key, rate=rate)
        # Hits that leave the window stop counting; hits older than a day are removed.
        traveller.shift(timedelta(days=2))
        assert allow(bucket="t", key=key, rate=rate)
        assert ThrottleHit.objects.filter(bucket="t", client_hash=key).count() == 1
