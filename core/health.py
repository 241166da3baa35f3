"""Readiness: may this instance take traffic? (``/readyz``; ADR 0020.)

``/healthz`` (core.views) answers whether the process is up; ``/readyz`` whether it can do its
work: the database answers, every migration this code knows of is applied to it, and the task
queue (django-tasks-db's table, ADR 0018) can be read. The answer names each check and its state,
never an error message, a host or a record: it is public, like ``/healthz``.

Tasks that have waited more than a few minutes are counted (a stopped worker shows here) but do not
make the instance unready: the pages still work while the queue waits.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from core import clock

logger = logging.getLogger("earlyhelp.health")

# A ready task older than this is counted as waiting too long (a worker should take it in seconds).
QUEUE_WAIT_LIMIT = timedelta(minutes=5)

OK = "ok"
NOT_CHECKED = "not checked"


def database_answers() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def unapplied_migrations() -> int:
    """How many of this code's migrations the database has not applied."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def tasks_waiting_too_long() -> int:
    """Tasks ready to run that were queued more than QUEUE_WAIT_LIMIT ago."""
    since = clock.now() - QUEUE_WAIT_LIMIT
    return DBTaskResult.objects.ready().filter(enqueued_at__lt=since).count()


def _failed(check: str, exc: Exception) -> None:
    # The exception's class only: its message may name the database host or a value.
    logger.warning("readiness check failed", extra={"check": check, "error": type(exc).__name__})


def readiness() -> tuple[bool, dict]:
    checks = {"database": NOT_CHECKED, "migrations": NOT_CHECKED, "queue": NOT_CHECKED}
    body: dict = {"checks": checks}
    try:
        database_answers()
        checks["database"] = OK
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = "unavailable"
        _failed("database", exc)
        return False, body
    try:
        checks["migrations"] = OK if unapplied_migrations() == 0 else "unapplied"
    except Exception as exc:  # noqa: BLE001
        checks["migrations"] = "unavailable"
        _failed("migrations", exc)
    try:
        body["tasks_waiting_over_5_minutes"] = tasks_waiting_too_long()
        checks["queue"] = OK
    except Exception as exc:  # noqa: BLE001
        checks["queue"] = "unavailable"
        _failed("queue", exc)
    return all(state == OK for state in checks.values()), body


@never_cache
@require_GET
@transaction.non_atomic_requests
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when ready for traffic, 503 naming the check that failed. No sign-in needed."""
    ready, body = readiness()
    return JsonResponse(
        {"status": "ready" if ready else "not ready", **body}, status=200 if ready else 503
    )
