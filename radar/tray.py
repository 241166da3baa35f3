"""The radar's part of the work tray (``core.worktray``): "Drifting cases", the flags on the
user's radar nobody has acknowledged yet. Items name the family and the rule, never the facts'
details; reading the tray is not reading a record, so nothing here is audited."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from core.worktray import TrayItem, TraySection, first
from radar import selectors
from radar.models import RuleCode


def _label(flag) -> str:
    family = flag.family
    who = f"{family.name} ({family.reference})" if family else "A request not yet linked"
    return f"{who}: {RuleCode(flag.rule).label}"


def tray(user) -> list[TraySection]:
    if not (
        rules.has_perm("casework.lead_episodes", user)
        or rules.has_perm("casework.view_team_caseload", user)
    ):
        return []
    count, flags = first(selectors.raised_flags_for(user))
    return [
        TraySection(
            key="drifting_cases",
            title="Drifting cases",
            count=count,
            items=[
                TrayItem(
                    text=_label(flag),
                    url=reverse("radar:flag_detail", kwargs={"flag_id": flag.pk}),
                    hint=f"Since {format_date(flag.since, 'j F Y')}",
                    due=flag.since,
                    overdue=True,
                )
                for flag in flags
            ],
            more_url=reverse("radar:radar"),
            more_text="See the radar",
        )
    ]
