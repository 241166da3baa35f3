"""Readiness (/readyz, core.health) and gunicorn's JSON log lines (ADR 0020)."""

import json
import logging
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core import clock, health
from core.logging import GunicornJsonLogger
from core.tasks import deliver_message

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
READY = {
    "status": "ready",
    "checks": {"database": "ok", "migrations": "ok", "queue": "ok"},
    "tasks_waiting_over_5_minutes": 0,
}


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY
    assert "no-cache" in response["Cache-Control"]
    assert reverse("core:readyz") == "/readyz"


@pytest.mark.django_db
def test_readyz_is_get_only(client):
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_readyz_needs_no_sign_in_and_no_second_factor(client):
    # Signed in with a password only: every other page sends them to give their security code.
    client.force_login(UserFactory())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_not_ready_when_the_database_does_not_answer(client, caplog):
    failure = OperationalError('could not connect to server: host "db-secret.internal"')
    with mock.patch.object(health, "database_answers", side_effect=failure):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "unavailable", "migrations": "not checked", "queue": "not checked"},
    }
    assert b"db-secret" not in response.content
    (record,) = [r for r in caplog.records if r.name == "earlyhelp.health"]
    assert (record.check, record.error) == ("database", "OperationalError")
    assert "db-secret" not in caplog.text


@pytest.mark.django_db
def test_not_ready_when_a_migration_is_unapplied(client):
    executor = mock.Mock()
    executor.migration_plan.return_value = [("core.Migration", False)]
    with mock.patch.object(health, "MigrationExecutor", return_value=executor):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "unapplied", "queue": "ok"},
        "tasks_waiting_over_5_minutes": 0,
    }


@pytest.mark.django_db
def test_not_ready_when_the_queue_cannot_be_read(client):
    with mock.patch.object(health, "tasks_waiting_too_long", side_effect=OperationalError("x")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "ok", "queue": "unavailable"},
    }


@pytest.mark.django_db
def test_tasks_waiting_too_long_are_counted_but_the_instance_stays_ready(settings):
    settings.TASKS = DATABASE_QUEUE
    with time_machine.travel(clock.now() - timedelta(minutes=10), tick=False):
        deliver_message.enqueue(message_id=1)
        deliver_message.enqueue(message_id=2)
    deliver_message.enqueue(message_id=3)  # just queued: a worker will take it

    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {**READY, "tasks_waiting_over_5_minutes": 2}


# --- gunicorn's log lines ----------------------------------------------------------------


def _gunicorn_logger(**cfg) -> GunicornJsonLogger:
    from gunicorn.config import Config

    config = Config()
    for name, value in cfg.items():
        config.set(name, value)
    return GunicornJsonLogger(config)


def test_gunicorn_error_lines_are_json(capsys):
    logger = _gunicorn_logger(errorlog="-")
    logger.info("Booting worker with pid: %s", 42)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "INFO",
        "gunicorn.error",
        "Booting worker with pid: 42",
    )
    assert "request_id" in line


def test_gunicorn_access_line_is_json_without_path_or_query(capsys):
    logger = _gunicorn_logger(accesslog="-")
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "abc123")], sent=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/people/search/",
        "QUERY_STRING": "q=Quarrington-Fothergill",
        "RAW_URI": "/people/search/?q=Quarrington-Fothergill",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    out = capsys.readouterr().out
    line = json.loads(out.strip().splitlines()[-1])
    assert {key: line[key] for key in ("logger", "message", "method", "status", "request_id")} == {
        "logger": "gunicorn.access",
        "message": "request",
        "method": "GET",
        "status": 200,
        "request_id": "abc123",
    }
    assert line["duration_ms"] == 12.0
    assert "Quarrington" not in out
    assert "/people/" not in out


@pytest.fixture(autouse=True)
def _forget_gunicorn_handlers():
    yield
    for name in ("gunicorn.error", "gunicorn.access"):
        log = logging.getLogger(name)
        for handler in list(log.handlers):
            if getattr(handler, "_gunicorn", False):
                log.removeHandler(handler)
