"""The oversight app's part of the work tray: for a supervisor, the workers whose supervision is
overdue by the council's cadence (two queries: a count and the first few)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as format_date

from core import clock
from core.worktray import TrayItem, TraySection, first
from oversight import selectors
from oversight.rules import is_supervisor


def _name(user) -> str:
    return user.get_full_name() or user.username


def tray(user) -> list[TraySection]:
    if not is_supervisor(user):
        return []
    today = clock.today()
    count, workers = first(selectors.overdue_workers(user, today=today))
    every = selectors.policy().every_weeks
    return [
        TraySection(
            key="supervision_overdue",
            title="Supervision overdue",
            count=count,
            items=[
                TrayItem(
                    text=_name(worker),
                    url=reverse("oversight:worker", kwargs={"worker_id": worker.pk}),
                    hint=(
                        f"Last supervised {format_date(worker.last_on, 'j F Y')}"
                        if worker.last_on
                        else "Not supervised yet"
                    ),
                    due=selectors.due_date(worker.last_on, every),
                    overdue=True,
                )
                for worker in workers
            ],
            more_url=reverse("oversight:index"),
            more_text="See supervision for your teams",
        )
    ]
