"""Children's centres' part of the work tray (``core.worktray``).

The early support service's staff who register children and record contacts (its team leaders,
practitioners and lead professionals): "Registered children not seen in the last N months", the
children registered at a centre in their team's area (every centre if their team has no area),
under five and in their scope, who have had no contact counted as reach there for the council
pack's ``children_centres.not_seen_months`` (registered before then, so a child just registered is
not in it). Each links to the child's children's centre page, to record a contact or end the
registration.

A fixed number of queries whatever the numbers: the pack's settings, a count, and the first few
only when there are any; none for anyone else.
"""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from children_centres import selectors
from core import clock
from core.worktray import TrayItem, TraySection, first

KEY = "children_centre_not_seen"


def _hint(registration) -> str:
    if registration.last_seen:
        return f"Last seen there {format_date(registration.last_seen, 'j F Y')}"
    return f"Not seen there since registered on {format_date(registration.registered_on, 'j F Y')}"


def tray(user) -> list[TraySection]:
    if not rules.has_perm("children_centres.record", user):
        return []
    settings = selectors.centre_settings()
    today = clock.today()
    count, items = first(selectors.tray_not_seen(user, today=today, settings=settings))
    if not count:
        return []
    months = settings.not_seen_months
    return [
        TraySection(
            key=KEY,
            title=(
                "Registered children not seen at their children's centre in the last "
                + (f"{months} months" if months != 1 else "month")
            ),
            count=count,
            items=[
                TrayItem(
                    text=f"{r.child.full_name} at {r.centre.name}",
                    url=reverse("children_centres:child", kwargs={"person_id": r.child_id}),
                    hint=_hint(r),
                )
                for r in items
            ],
        )
    ]
