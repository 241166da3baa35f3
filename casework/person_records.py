"""Casework's part of the person page: the episodes a person is part of, and who leads them.

The lead professional is read from the episode itself, not copied into the person's list of
professionals: the episode is the one place that says who leads the work (a handover or a
closure changes it there), so the person page can never show a lead professional the episode
no longer has.
"""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from casework import selectors
from casework.models import Episode
from core.records import PersonRecord

LEAD_PROFESSIONAL = "Lead professional"


def episodes(user, people: list) -> dict:
    """Episodes of the families each person belongs to that ``user`` may see: one query."""
    rows = (
        selectors.episodes_for(user)
        .filter(family__members__person__in=people)
        .annotate(member_id=F("family__members__person_id"))
        .select_related("lead_professional", "lead_agency")
        .order_by("-started_on", "-created_at")
    )
    found: dict = {}
    for episode in rows:
        lead = episode.lead_professional
        professionals = ()
        if episode.status in (Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED):
            professionals = (
                (
                    lead.get_full_name() or lead.username,
                    LEAD_PROFESSIONAL,
                    episode.lead_agency.name,
                    lead.email,
                ),
            )
        found.setdefault(episode.member_id, []).append(
            PersonRecord(
                kind="Episode",
                title=f"Early help episode led by {episode.lead_agency.name}",
                status=episode.get_status_display(),
                url=reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
                started_on=episode.started_on,
                ended_on=episode.ended_on,
                professionals=professionals,
            )
        )
    return found
