"""The episode page's notices from this app (``core.notices`` place "episode"): when the case was
last discussed in supervision, and by whom (never what was said: that stays with the worker and
their supervisor), and the open escalations about the family's work. Two queries for any number
of episodes; the reader has already been shown the episode (it is in their scope)."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.dateformat import format as format_date

from core.notices import Notice
from oversight.models import Escalation, SupervisionCase


def _day(value) -> str:
    return format_date(value, "j M Y")


def _name(user) -> str:
    return user.get_full_name() or user.username


def episode_notices(user, episodes) -> dict:
    ids = [e.pk for e in episodes]
    found: dict = {}
    last: dict = {}
    for case in (
        SupervisionCase.objects.filter(episode_id__in=ids)
        .select_related("supervision__supervisor")
        .order_by("episode_id", "-supervision__held_on", "-supervision_id")
    ):
        last.setdefault(case.episode_id, case)
    for episode_id, case in last.items():
        supervision = case.supervision
        mine = user.pk in (supervision.worker_id, supervision.supervisor_id)
        found.setdefault(episode_id, []).append(
            Notice(
                key="supervision",
                title="Discussed in supervision",
                lines=(
                    f"Discussed in supervision on {_day(supervision.held_on)} by "
                    f"{_name(supervision.supervisor)}",
                ),
                url=reverse("oversight:detail", kwargs={"supervision_id": supervision.pk})
                if mine
                else "",
                link_text="View the supervision" if mine else "",
                kind="information",
            )
        )
    for escalation in (
        Escalation.objects.filter(episode_id__in=ids, status=Escalation.Status.OPEN)
        .select_related("agency")
        .order_by("raised_on", "id")
    ):
        found.setdefault(escalation.episode_id, []).append(
            Notice(
                key="escalation",
                title="Professional challenge open",
                lines=(
                    f"Escalated to {escalation.agency.name} on {_day(escalation.raised_on)}: "
                    f"stage {escalation.get_stage_display()}",
                ),
                url=reverse("oversight:escalation", kwargs={"escalation_id": escalation.pk}),
                link_text="View the escalation",
            )
        )
    _offer_escalation(user, episodes, found)
    return found


def _offer_escalation(user, episodes, found) -> None:
    """A way to raise a professional challenge, for whoever may (checked per episode: the
    episode page asks for one)."""
    for episode in episodes[:1]:
        if not (
            rules.has_perm("oversight.escalate", user)
            and rules.has_perm("oversight.escalate_episode", user, episode)
        ):
            continue
        found.setdefault(episode.pk, []).append(
            Notice(
                key="escalate",
                title="Professional challenge",
                lines=("If an agency is not doing what it agreed, record an escalation.",),
                url=reverse("oversight:escalation_new", kwargs={"episode_id": episode.pk}),
                link_text="Escalate a concern about an agency",
                kind="information",
            )
        )
