"""Background work (ADR 0018): messages sent by workers and tried again when the provider fails;
scheduled jobs run once per period however many schedulers and workers there are."""

import threading
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from core import notify, schedule
from core.models import AuditEvent, OutboundMessage, ScheduledRun

pytestmark = pytest.mark.django_db

SAFE = {
    "reference": "ESMAP-2027-0001",
    "outcome": "Lead agency: Family Support",
    "meeting_date": "6 January 2027",
    "sign_in_url": "https://example.org/",
}
START = datetime(2027, 1, 6, 9, 0, 30, tzinfo=UTC)
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class FlakyProvider:
    """Refuses the first ``failures`` messages, then takes them (a provider's outage)."""

    failures = 0
    sent: list = []

    def send(self, message, template):
        if FlakyProvider.failures > 0:
            FlakyProvider.failures -= 1
            raise ConnectionError(f"could not reach the provider for {message.to}")
        FlakyProvider.sent.append(message.pk)
        return f"flaky-{message.pk}"


@pytest.fixture(autouse=True)
def _flaky(settings):
    settings.NOTIFY_BACKEND = "core.tests.test_background_work.FlakyProvider"
    FlakyProvider.failures = 0
    FlakyProvider.sent = []
    notify.LoggingBackend.outbox.clear()


def _send(django_capture_on_commit_callbacks, reference="ESMAP-2027-0001"):
    with django_capture_on_commit_callbacks(execute=True):
        return notify.send_email(
            to="someone@example.org",
            template="panel_outcome",
            personalisation={**SAFE, "reference": reference},
            reference=reference,
        )


class _Worker(Worker):
    def run(self):
        # The worker closes the database connection between tasks, as a long-running process
        # should; inside a test's transaction that would close the test's own connection.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            return super().run()


def _worker(name: str) -> Worker:
    return _Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=name,
        excluded_queue_names=[],
    )


def _page(user) -> str:
    client = Client()
    sign_in_verified(client, user)
    response = client.get(reverse("core:background_work"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_message_waits_in_the_database_queue_until_a_worker_sends_it(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    message = _send(django_capture_on_commit_callbacks)

    task = DBTaskResult.objects.get()
    assert (task.status, task.args_kwargs["kwargs"]) == ("READY", {"message_id": message.pk})
    message.refresh_from_db()
    assert (message.status, FlakyProvider.sent) == (OutboundMessage.Status.QUEUED, [])

    _worker("worker-1").run()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id) == (
        OutboundMessage.Status.SENT,
        1,
        f"flaky-{message.pk}",
    )
    assert FlakyProvider.sent == [message.pk]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_message_the_provider_fails_is_tried_again_and_its_status_shown(
    django_capture_on_commit_callbacks,
):
    admin = AdminFactory()
    FlakyProvider.failures = 2
    with time_machine.travel(START, tick=False):
        message = _send(django_capture_on_commit_callbacks)
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (
            OutboundMessage.Status.RETRYING,
            1,
            "ConnectionError",
        )
        assert message.next_attempt_at == START + notify.RETRY_AFTER[0]
        page = _page(admin)
        assert "Waiting to try again: 1" in page
        assert "Last error: ConnectionError" in page
        assert "someone@example.org" not in page  # who it was for is not the page's business

        # Before its wait is over, the retry job leaves it alone.
        with django_capture_on_commit_callbacks(execute=True):
            schedule.tick()
        message.refresh_from_db()
        assert message.status == OutboundMessage.Status.RETRYING

    # A minute on: tried again, fails again, waits longer.
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            schedule.tick()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboundMessage.Status.RETRYING, 2)
        assert message.next_attempt_at == START + timedelta(minutes=1) + notify.RETRY_AFTER[1]

    # Five minutes after that the provider is back: sent.
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            schedule.tick()
    message.refresh_from_db()
    assert (message.status, message.attempts, FlakyProvider.sent) == (
        OutboundMessage.Status.SENT,
        3,
        [message.pk],
    )
    assert "Sent: 1" in _page(admin)


def test_a_message_that_fails_every_try_is_marked_failed_and_can_be_sent_again(
    django_capture_on_commit_callbacks,
):
    admin = AdminFactory()
    FlakyProvider.failures = notify.MAX_ATTEMPTS
    moment = START
    with time_machine.travel(moment, tick=False):
        message = _send(django_capture_on_commit_callbacks)
    for wait in notify.RETRY_AFTER:
        moment += wait
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                schedule.tick()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboundMessage.Status.FAILED,
        notify.MAX_ATTEMPTS,
        None,
    )
    page = _page(admin)
    assert "Failed: 1" in page and "Send again" in page

    client = Client()
    sign_in_verified(client, admin)
    url = reverse("core:message_send_again", kwargs={"message_id": message.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert AuditEvent.objects.filter(
        record_type="core.outboundmessage", record_id=str(message.pk), detail__change="send_again"
    ).exists()
    # Only a failed message can be sent again; a second press is refused with a message.
    again = client.post(url, follow=True)
    assert "only a failed message can be sent again" in again.content.decode()


def test_only_a_system_administrator_sees_the_background_work(django_capture_on_commit_callbacks):
    client = Client()
    sign_in_verified(client, UserFactory())
    assert client.get(reverse("core:background_work")).status_code == 403
    message = _send(django_capture_on_commit_callbacks)
    url = reverse("core:message_send_again", kwargs={"message_id": message.pk})
    assert client.post(url).status_code == 403
    admin = Client()
    sign_in_verified(admin, AdminFactory())
    missing = reverse("core:message_send_again", kwargs={"message_id": message.pk + 999})
    assert admin.post(missing).status_code == 404


# ------------------------------------------------------------------------------- scheduled jobs

CALLS: list = []


def _counting_job(period):
    CALLS.append(period)
    return {"things_done": 1}


@pytest.fixture
def counting_job():
    CALLS.clear()
    saved = dict(schedule._jobs)
    schedule._jobs.clear()
    schedule.register(key="test.count", title="Count", run=_counting_job, every="hour")
    yield
    schedule._jobs.clear()
    schedule._jobs.update(saved)


def test_a_scheduled_job_runs_once_per_period_with_two_schedulers_and_two_workers(
    settings, counting_job, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    moment = datetime(2027, 1, 6, 9, 17, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.tick(now=moment)
        second = schedule.tick(now=moment + timedelta(minutes=20))  # the same hour
    assert (len(first), second) == (1, [])
    _worker("worker-1").run()
    _worker("worker-2").run()
    assert CALLS == [datetime(2027, 1, 6, 9, 0, tzinfo=UTC)]
    run = ScheduledRun.objects.get()
    assert (run.status, run.summary) == (ScheduledRun.Status.DONE, {"things_done": 1})

    # The next hour is a new period: it runs again, once.
    with django_capture_on_commit_callbacks(execute=True):
        schedule.tick(now=moment + timedelta(hours=1))
        schedule.tick(now=moment + timedelta(hours=1, minutes=1))
    _worker("worker-1").run()
    _worker("worker-2").run()
    assert len(CALLS) == 2 and ScheduledRun.objects.count() == 2


def test_a_daily_job_is_due_from_its_time_and_a_stopped_scheduler_catches_up_once():
    job = schedule.Job(key="k", title="t", run=_counting_job, every="day", at=time(2, 0))
    # 1:30 in London: today's 2:00 run is not due yet; yesterday's is the latest due.
    assert schedule.due_period(job, datetime(2027, 6, 10, 0, 30, tzinfo=UTC)) == datetime(
        2027, 6, 9, 1, 0, tzinfo=UTC
    )
    assert schedule.due_period(job, datetime(2027, 6, 10, 1, 0, tzinfo=UTC)) == datetime(
        2027, 6, 10, 1, 0, tzinfo=UTC
    )


def test_a_job_that_fails_is_recorded_and_the_next_period_still_runs(
    counting_job, django_capture_on_commit_callbacks
):
    def broken(period):
        raise ValueError("nope")

    schedule.register(key="test.broken", title="Broken", run=broken, every="hour")
    with django_capture_on_commit_callbacks(execute=True):
        schedule.tick(now=START)
    broken_run = ScheduledRun.objects.get(job="test.broken")
    assert (broken_run.status, broken_run.error) == (ScheduledRun.Status.FAILED, "ValueError")
    assert ScheduledRun.objects.get(job="test.count").status == ScheduledRun.Status.DONE
    page = _page(AdminFactory())
    assert "Stopped by an error (ValueError)" in page
    assert "Things done: 1" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_ticking_at_the_same_moment_queue_one_run(counting_job, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    settings.TASKS = DATABASE_QUEUE
    barrier = threading.Barrier(2)
    queued = []

    def scheduler():
        try:
            barrier.wait()
            queued.extend(schedule.tick(now=START))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(queued) == 1
    assert ScheduledRun.objects.filter(job="test.count").count() == 1
    assert DBTaskResult.objects.count() == 1
