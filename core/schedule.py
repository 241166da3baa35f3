"""Scheduled jobs: work the product does by the clock rather than because someone asked.

Each app registers its jobs once, in its ``AppConfig.ready`` (``register``), as the tray and the
chronology links do, so core runs them without importing any app. A job is a plain function of the
period it runs for, returning what it did as counts (``{"marked_held": 2}``), never personal data.

``tick`` is called every half minute by ``manage.py run_scheduler`` (any number of them, on any
number of machines). For each job it works out the latest period that is due and inserts one
``ScheduledRun`` row for it; the row is unique per job and period, so only the first scheduler to
get there queues the work, and a job runs once per period however many schedulers and workers
there are. A scheduler that was down catches up the latest missed period only, never a backlog.
The work itself runs on a worker (``core.tasks.scheduled_job``), which records when it started,
finished, what it did or which error stopped it: the service's "Background work" page shows it.
ADR 0018 says why the engine is django-tasks with its database queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import clock
from core.concurrency import lock

logger = logging.getLogger("earlyhelp.schedule")

EVERY = ("minute", "hour", "day")


@dataclass(frozen=True)
class Job:
    key: str  # stable: "panel.settle_past_meetings"
    title: str  # for the page: "Mark past panel meetings held or not held"
    run: Callable[[datetime], dict]
    every: str  # one of EVERY
    # For a daily job, the local time (Europe/London) from which that day's run is due.
    at: time | None = None


_jobs: dict[str, Job] = {}


def register(
    *, key: str, title: str, run: Callable[[datetime], dict], every: str, at: time | None = None
) -> None:
    """Add a job (registering a key again replaces it: Django may call ``ready`` twice)."""
    if every not in EVERY:
        raise ValueError(f"{key}: every must be one of {EVERY}")
    if every == "day" and at is None:
        at = time(0, 0)
    _jobs[key] = Job(key=key, title=title, run=run, every=every, at=at)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.key)


def job(key: str) -> Job | None:
    return _jobs.get(key)


def due_period(job: Job, now: datetime) -> datetime:
    """The start of the latest period of ``job`` that is due at ``now`` (aware, in London time)."""
    local = timezone.localtime(now, clock.LONDON)
    if job.every == "minute":
        return local.replace(second=0, microsecond=0)
    if job.every == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.date() if local.time() >= job.at else local.date() - timedelta(days=1)
    return datetime.combine(day, job.at, tzinfo=clock.LONDON)


def tick(*, now: datetime | None = None) -> list:
    """Queue every job whose current period has no run yet; returns the runs this call queued."""
    from core.models import ScheduledRun
    from core.tasks import scheduled_job

    now = now or clock.now()
    queued = []
    for each in jobs():
        period = due_period(each, now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=each.key, period=period)
        except IntegrityError:
            continue  # another scheduler queued this period first
        queued.append(run)
        transaction.on_commit(lambda run_id=run.pk: scheduled_job.enqueue(run_id=run_id))
    return queued


def run_now(run_id: int) -> None:
    """Run one queued run (on a worker): the job's work and its record in one transaction."""
    from core.models import ScheduledRun

    with transaction.atomic():
        run = lock(ScheduledRun, run_id)
        if run.status != ScheduledRun.Status.QUEUED:
            return  # a task delivered twice runs once
        ScheduledRun.objects.filter(pk=run.pk).update(
            status=ScheduledRun.Status.RUNNING, started_at=clock.now()
        )
    spec = job(run.job)
    try:
        if spec is None:
            raise LookupError("no such job")
        with transaction.atomic():
            summary = spec.run(run.period) or {}
            ScheduledRun.objects.filter(pk=run.pk).update(
                status=ScheduledRun.Status.DONE, finished_at=clock.now(), summary=summary
            )
    except Exception as error:  # recorded for the page; the next period runs regardless
        logger.exception("scheduled job failed", extra={"job": run.job, "run_id": run.pk})
        ScheduledRun.objects.filter(pk=run.pk).update(
            status=ScheduledRun.Status.FAILED,
            finished_at=clock.now(),
            error=type(error).__name__,
        )
