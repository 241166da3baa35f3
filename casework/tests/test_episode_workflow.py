"""The episode's status moves: one table, one helper, a history row and an audit row for each,
and a move the table does not hold refused as a conflict (409 through the API)."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from casework import services
from casework.models import Closure, Episode, EpisodeHistory
from casework.services import EPISODE_WORKFLOW
from casework.tests.factories import ContactFactory, EpisodeFactory, agree_step
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = Episode.Status
TODAY = date(2026, 11, 2)


@pytest.fixture
def episode():
    return EpisodeFactory()


def _set(episode, status):
    Episode.objects.filter(pk=episode.pk).update(
        status=status, ended_on=None if status in (Status.OPEN, Status.CLOSURE_REQUESTED) else TODAY
    )
    episode.refresh_from_db()
    return episode


def _status_rows(episode):
    return list(
        EpisodeHistory.objects.filter(episode=episode, change=EpisodeHistory.Change.STATUS)
        .order_by("pk")
        .values_list("from_value", "to_value", "reason")
    )


def test_every_status_can_be_reached():
    assert EPISODE_WORKFLOW.unreachable() == set()


def test_the_table_holds_exactly_the_moves_the_services_make():
    assert dict(EPISODE_WORKFLOW.table) == {
        Status.OPEN: {Status.CLOSURE_REQUESTED, Status.CLOSED, Status.STEPPED_UP},
        Status.CLOSURE_REQUESTED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: set(),
        Status.STEPPED_UP: set(),
    }
    assert EPISODE_WORKFLOW.initial == {Status.OPEN}


def test_step_up_writes_the_status_history_by_label_and_audits(episode):
    lead = episode.lead_professional
    agree_step(episode)

    services.episode_step_up(actor=lead, episode=episode, reason="Threshold met")

    episode.refresh_from_db()
    assert (episode.status, episode.end_reason, episode.ended_on, episode.version) == (
        Status.STEPPED_UP,
        Episode.EndReason.STEP_UP,
        TODAY,
        2,
    )
    assert _status_rows(episode) == [
        ("Open", "Stepped up to children’s social care", "Threshold met")
    ]
    event = AuditEvent.objects.get(record_type="casework.episode", action="update")
    assert event.actor == lead
    assert event.detail == {
        "fields": ["end_reason", "ended_on", "status", "version"],
        "from_status": "open",
        "status": "stepped_up",
        "end_reason": "step_up",
    }


def test_closing_without_a_panel_case_moves_open_to_closed(episode):
    ContactFactory(episode=episode, happened_on=episode.started_on)
    services.episode_send_closure(
        actor=episode.lead_professional,
        episode=episode,
        reason=Episode.EndReason.NEEDS_MET,
        outcomes_achieved="All met",
        exit_plan="School keeps in touch",
    )

    episode.refresh_from_db()
    assert (episode.status, episode.end_reason, episode.ended_on) == (
        Status.CLOSED,
        Episode.EndReason.NEEDS_MET,
        TODAY,
    )
    assert _status_rows(episode) == [("Open", "Closed", services.NO_PANEL_CASE_REASON)]


def test_the_panel_returning_a_closure_reopens_the_episode(episode):
    _set(episode, Status.CLOSURE_REQUESTED)

    services.episode_closure_returned(
        actor=episode.lead_professional, episode=episode, reason="Not yet"
    )

    episode.refresh_from_db()
    assert episode.status == Status.OPEN
    assert _status_rows(episode) == [
        ("Closure sent to the panel", "Open", "Closure returned by the panel: Not yet")
    ]


def test_the_panel_confirming_a_closure_closes_with_the_forms_reason(episode):
    _set(episode, Status.CLOSURE_REQUESTED)
    Closure.objects.create(
        episode=episode,
        reason=Episode.EndReason.MOVED_AWAY,
        outcomes_achieved="Some",
        exit_plan="New area's team",
        sent_by=episode.lead_professional,
    )

    services.episode_close_confirmed(actor=episode.lead_professional, episode=episode)

    episode.refresh_from_db()
    assert (episode.status, episode.end_reason, episode.ended_on) == (
        Status.CLOSED,
        Episode.EndReason.MOVED_AWAY,
        TODAY,
    )
    assert _status_rows(episode) == [
        ("Closure sent to the panel", "Closed", "Closure confirmed by the panel")
    ]


WRONG_MOVES = [
    (
        Status.CLOSED,
        lambda e: services.episode_step_up(actor=e.lead_professional, episode=e, reason="R"),
        "This episode is closed: it cannot be changed now",
    ),
    (
        Status.CLOSURE_REQUESTED,
        lambda e: services.episode_step_up(actor=e.lead_professional, episode=e, reason="R"),
        "This episode is closure sent to the panel: it cannot be changed now",
    ),
    (
        Status.STEPPED_UP,
        lambda e: services.episode_send_closure(
            actor=e.lead_professional,
            episode=e,
            reason=Episode.EndReason.NEEDS_MET,
            outcomes_achieved="O",
            exit_plan="E",
        ),
        "This episode is stepped up to children’s social care: it cannot be changed now",
    ),
    (
        Status.CLOSED,
        lambda e: services.episode_closure_returned(
            actor=e.lead_professional, episode=e, reason="R"
        ),
        "This episode is not waiting for the panel to confirm its closure",
    ),
    (
        Status.STEPPED_UP,
        lambda e: services.episode_close_confirmed(actor=e.lead_professional, episode=e),
        "This episode is stepped up to children’s social care: it cannot be changed now",
    ),
]


@pytest.mark.parametrize(("status", "call", "message"), WRONG_MOVES)
def test_a_move_the_table_does_not_hold_is_refused_and_changes_nothing(
    episode, status, call, message
):
    _set(episode, status)

    with pytest.raises(TransitionNotAllowed) as refused:
        call(episode)

    assert refused.value.messages == [message]
    episode.refresh_from_db()
    assert (episode.status, episode.version) == (status, 1)
    assert _status_rows(episode) == []
    assert not Closure.objects.filter(episode=episode).exists()
    assert not AuditEvent.objects.filter(record_type="casework.episode").exists()


def test_stepping_up_an_ended_episode_through_the_api_is_409(episode):
    _set(episode, Status.CLOSED)
    api = sign_in_verified(APIClient(), episode.lead_professional)

    response = api.post(
        f"/api/v1/episodes/{episode.pk}/step-up/", {"reason": "Threshold met"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "This episode is closed: it cannot be changed now"}
    episode.refresh_from_db()
    assert episode.status == Status.CLOSED
    assert _status_rows(episode) == []


def test_changing_the_stage_of_an_ended_episode_through_the_api_is_409(episode):
    _set(episode, Status.STEPPED_UP)
    api = sign_in_verified(APIClient(), episode.lead_professional)

    response = api.post(f"/api/v1/episodes/{episode.pk}/stage/", {"to_stage": 2}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This episode is stepped up to children’s social care: it cannot be changed now"
    }
    episode.refresh_from_db()
    assert episode.stage == 1
