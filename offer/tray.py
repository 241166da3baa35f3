"""The offer's part of the work tray.

- Those who manage programmes (team leaders; the staff of a programme's team): "Places free with
  families waiting" (a place to fill from the list: the first on it is named), and "Waiting
  beyond N weeks" (the pack's threshold).
- Referrers: "Signposts to follow up": families they signposted whose uptake is not recorded.
- A group's facilitators: "Attendance to record": sessions held with no attendance yet (one
  query of its own).

One query over referrals answers all three when nothing waits; places are worked out only for
programmes with someone waiting.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.dateformat import format as format_date

from core import clock, scope, worktray
from core.worktray import TrayItem, TraySection
from offer import rules as offer_rules
from offer import selectors
from offer.models import Referral

Status = Referral.Status


def _cut(items: list, limit: int | None) -> list:
    # The tray's own limit for this render (home page, a section's page, or counts only).
    shown = worktray._limit.get() if limit is None else limit
    return items[:shown]


def _attendance_due(user) -> list[TraySection]:
    """A group's facilitators: sessions held with no attendance recorded yet."""
    due = selectors.sessions_awaiting_attendance(user)
    if not due:
        return []
    return [
        TraySection(
            key="offer_attendance_due",
            title="Attendance to record",
            count=len(due),
            items=[
                TrayItem(
                    text=f"{s.group.programme.service.name}: {s.group.name}, session {s.number}",
                    url=reverse(
                        "offer:attendance", kwargs={"group_id": s.group_id, "session_id": s.pk}
                    ),
                    hint=f"Held on {format_date(s.held_on, 'j F Y')}",
                    overdue=s.held_on < clock.today(),
                )
                for s in _cut(due, None)
            ],
            more_url=reverse("offer:index"),
            more_text="See the offer",
        )
    ]


def tray(user) -> list[TraySection]:
    if not offer_rules.sees_offer(user):
        return []
    attendance = _attendance_due(user)
    if not offer_rules.may_refer(user):
        return attendance
    # Which programmes they manage: every one (team leaders), or their teams' (one query at most).
    team_ids = None if offer_rules.is_team_leader(user) else scope.team_ids_in_scope(user)
    rows = selectors.tray_referrals(user, team_ids=team_ids)
    sections: list[TraySection] = []
    today = clock.today()
    waiting = [r for r in rows if r.status == Status.WAITING]
    if waiting:
        current = selectors.policy()
        codes = [p["code"] for p in current.priorities]
        rank = {code: index for index, code in enumerate(codes)}
        # The waiting list's order: the pack's priority, then the date added, then id.
        waiting.sort(key=lambda r: (rank.get(r.priority, len(codes)), r.waiting_since, r.pk))
        first_of: dict[int, Referral] = {}
        for referral in waiting:
            first_of.setdefault(referral.programme_id, referral)
        programmes = selectors.programmes_with_places(user, set(first_of))
        items = []
        for programme, places in programmes:
            if not places.free:
                continue
            first = first_of[programme.pk]
            items.append(
                TrayItem(
                    text=programme.service.name,
                    url=reverse("offer:programme", kwargs={"programme_id": programme.pk}),
                    hint=(
                        f"{places.free} place{'s' if places.free != 1 else ''} free — first on "
                        f"the waiting list: {first.family.reference}"
                    ),
                )
            )
        sections.append(
            TraySection(
                key="offer_places_free",
                title="Places free with families waiting",
                count=len(items),
                items=_cut(items, None),
                more_url=reverse("offer:index"),
                more_text="See the offer",
            )
        )
        weeks = current.waiting_flag_weeks
        since = today - timedelta(days=7 * weeks)
        long = sorted(
            (r for r in waiting if r.waiting_since < since), key=lambda r: (r.waiting_since, r.pk)
        )
        sections.append(
            TraySection(
                key="offer_long_waits",
                title=f"Waiting beyond {weeks} weeks",
                count=len(long),
                items=[
                    TrayItem(
                        text=r.programme.service.name,
                        url=reverse("offer:referral", kwargs={"referral_id": r.pk}),
                        hint=f"Waiting since {format_date(r.waiting_since, 'j F Y')}",
                        overdue=True,
                    )
                    for r in _cut(long, None)
                ],
                more_url=reverse("offer:index"),
                more_text="See the offer",
            )
        )
    signposts = [r for r in rows if r.status == Status.HANDED_OVER]
    sections.append(
        TraySection(
            key="offer_signposts",
            title="Signposts to follow up",
            count=len(signposts),
            items=[
                TrayItem(
                    text=r.service.name,
                    url=reverse("offer:referral", kwargs={"referral_id": r.pk}),
                    hint=f"Signposted on {format_date(r.made_on, 'j F Y')}: record the uptake",
                )
                for r in _cut(signposts, None)
            ],
            more_url=reverse("offer:mine"),
            more_text="See your referrals",
        )
    )
    return sections + attendance
