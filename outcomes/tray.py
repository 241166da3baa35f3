"""Outcomes' part of the work tray (``core.worktray``): "Outcomes to check as sustained", the
sustained checks due for the episodes a lead professional leads or their team manager manages.
Items name the family, never the outcomes; reading the tray is not reading a record, so nothing
here is audited."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from core import clock
from core.worktray import TrayItem, TraySection, first
from outcomes import selectors


def tray(user) -> list[TraySection]:
    if not (
        rules.has_perm("casework.lead_episodes", user)
        or rules.has_perm("casework.view_team_caseload", user)
    ):
        return []
    count, checks = first(selectors.due_checks_for(user))
    if not count:
        return []
    today = clock.today()
    return [
        TraySection(
            key="outcomes_sustained",
            title="Outcomes to check as sustained",
            count=count,
            items=[
                TrayItem(
                    text=f"{check.episode.family.name} ({check.episode.family.reference})",
                    url=reverse("outcomes:check", kwargs={"check_id": check.pk}),
                    hint=f"Due {format_date(check.due_on, 'j F Y')}",
                    due=check.due_on,
                    overdue=check.due_on < today,
                )
                for check in checks
            ],
        )
    ]
