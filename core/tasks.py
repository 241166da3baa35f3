"""The product's background tasks (ADR 0018): small, keyed by id, and safe to run twice.

A task carries only ids, never personal data: the queue's table is not a place for it. Each one
hands straight to the service that does the work, so what a task does is tested where it lives.
"""

from django_tasks import task

from core import notify, schedule


@task()
def deliver_message(*, message_id: int) -> None:
    notify.deliver(message_id)


@task()
def scheduled_job(*, run_id: int) -> None:
    schedule.run_now(run_id)
