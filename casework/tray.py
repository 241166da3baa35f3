"""Casework's part of the work tray (``core.worktray``): what a lead professional must do next on
the families they lead (reviews, actions and the contacts they planned), and, for those who
oversee a team caseload, the reviews their teams have let slip.

Items name the family as the caseload does (its name and reference) with a date and where it
stands; nothing a family said or what an action is. Reading the tray is not reading a family's
record, so nothing here is audited.
"""

from __future__ import annotations

from datetime import date, timedelta

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from casework import selectors
from core import clock
from core.worktray import TrayItem, TraySection, first

# Work due within this many days shows, as well as anything already late.
DUE_WITHIN_DAYS = 14


def _day(value: date) -> str:
    return format_date(value, "j F Y")


def _family(family) -> str:
    return f"{family.name} ({family.reference})"


def _reviews_due(episodes, today: date) -> TraySection:
    count, reviews = first(
        selectors.next_reviews_due(episodes, due_by=today + timedelta(days=DUE_WITHIN_DAYS))
    )
    return TraySection(
        key="reviews_due",
        title="Plan reviews due",
        count=count,
        items=[
            TrayItem(
                text=_family(review.episode.family),
                url=reverse("casework:plan_review", kwargs={"episode_id": review.episode_id}),
                hint=f"Review due {_day(review.due_on)}",
                due=review.due_on,
                overdue=review.due_on < today,
            )
            for review in reviews
        ],
        more_url=reverse("casework:caseload"),
        more_text="See your caseload",
    )


def _actions_due(episodes, today: date) -> TraySection:
    count, actions = first(
        selectors.open_actions_due(episodes, due_by=today + timedelta(days=DUE_WITHIN_DAYS))
    )
    return TraySection(
        key="actions_due",
        title="Plan actions due",
        count=count,
        items=[
            TrayItem(
                text=_family(action.outcome.plan.episode.family),
                url=reverse("casework:plan", kwargs={"episode_id": action.outcome.plan.episode_id}),
                hint=f"Action due {_day(action.by_when)}",
                due=action.by_when,
                overdue=action.by_when < today,
            )
            for action in actions
        ],
        more_url=reverse("casework:caseload"),
        more_text="See your caseload",
    )


def _contacts_due(episodes, today: date) -> TraySection:
    count, due = first(
        selectors.contacts_due(episodes, due_by=today + timedelta(days=DUE_WITHIN_DAYS))
    )
    return TraySection(
        key="contacts_due",
        title="Contacts due",
        count=count,
        items=[
            TrayItem(
                text=_family(episode.family),
                url=reverse("casework:episode_contact_new", kwargs={"episode_id": episode.pk}),
                hint=f"Contact planned for {_day(episode.next_contact_on)}",
                due=episode.next_contact_on,
                overdue=episode.next_contact_on < today,
            )
            for episode in due
        ],
        more_url=reverse("casework:caseload"),
        more_text="See your caseload",
    )


def _sent_on(episode) -> str:
    if episode.sent_to_panel_at is None:
        return "Sent to the panel"
    return f"Sent to the panel {_day(clock.local(episode.sent_to_panel_at).date())}"


def _closures_waiting(episodes) -> TraySection:
    count, waiting = first(selectors.closures_with_the_panel(episodes))
    return TraySection(
        key="my_closures_waiting",
        title="Closures waiting for the panel",
        count=count,
        items=[
            TrayItem(
                text=_family(episode.family),
                url=reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
                hint=_sent_on(episode),
            )
            for episode in waiting
        ],
        more_url=reverse("casework:caseload"),
        more_text="See your caseload",
    )


def _team_reviews_overdue(user, today: date) -> TraySection:
    count, reviews = first(
        selectors.next_reviews_due(
            selectors.team_open_episodes(user), due_by=today - timedelta(days=1)
        )
    )
    return TraySection(
        key="team_reviews_overdue",
        title="Overdue reviews in your teams",
        count=count,
        items=[
            TrayItem(
                text=_family(review.episode.family),
                url=reverse("casework:episode_detail", kwargs={"episode_id": review.episode_id}),
                hint=f"Review due {_day(review.due_on)}",
                due=review.due_on,
                overdue=True,
            )
            for review in reviews
        ],
        more_url=reverse("casework:team_caseload"),
        more_text="See your team’s caseload",
    )


def tray(user) -> list[TraySection]:
    today = clock.today()
    sections: list[TraySection] = []
    if rules.has_perm("casework.lead_episodes", user):
        mine = selectors.led_open_episodes(user)
        sections += [
            _reviews_due(mine, today),
            _actions_due(mine, today),
            _contacts_due(mine, today),
            _closures_waiting(mine),
        ]
    if rules.has_perm("casework.view_team_caseload", user):
        sections.append(_team_reviews_overdue(user, today))
    return sections
