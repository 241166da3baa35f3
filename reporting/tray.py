"""Reporting's part of the work tray (``core.worktray``): "Neglect booklet to issue" for strategic
leads, from the day after a quarter ends until its booklet is issued for the board (seed 003:
"produce performance booklet to be analysed quarterly"). One query; names no one."""

from __future__ import annotations

from datetime import timedelta

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from core import clock
from core.worktray import TrayItem, TraySection
from reporting import selectors
from reporting.booklet import quarter_label
from reporting.forms import latest_complete_quarter
from reporting.indicators import Period

# A quarter's booklet is late once the board would have met on it (to confirm with the council).
DUE_AFTER_DAYS = 42


def tray(user) -> list[TraySection]:
    if not rules.has_perm("reporting.issue_booklet", user):
        return []
    today = clock.today()
    year, number = (int(part) for part in latest_complete_quarter(today).split("-"))
    if selectors.quarter_issued(year, number):
        return []
    due = Period.quarter(year, number).end + timedelta(days=DUE_AFTER_DAYS)
    return [
        TraySection(
            key="booklet_to_issue",
            title="Neglect booklet to issue",
            count=1,
            items=[
                TrayItem(
                    text=f"Neglect performance indicator booklet, {quarter_label(year, number)}",
                    url=reverse("reporting:booklets"),
                    hint=f"For the board by {format_date(due, 'j F Y')}",
                    due=due,
                    overdue=due < today,
                )
            ],
        )
    ]
