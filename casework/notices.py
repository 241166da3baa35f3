"""Casework's links on lower apps' pages (``core.notices``): the request for support page
(``"triage"``), the assessment page (``"assessment"``) and the panel case page (``"panel_case"``)
link to the family's episodes that came from them, so each record of the case links to the others
(issue 10, ADR 0016). An episode comes from a panel case and its assessment; a step up and a later
step down keep the same case, so a case may link to a chain of episodes, oldest first.

A link is given only for an episode the reader may open (``selectors.episodes_for``, the episode
page's own scope). Each provider answers for any number of records in one query and writes no
audit row: a link is not a read of the family's record.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse

from casework import selectors
from core.notices import Notice

# After the patterns other apps spot, the assessment and the panel case: the episode.
ORDER = 82


def _notice(episode) -> Notice:
    lines = [f"Started {episode.started_on:%-d %B %Y}: {episode.get_status_display()}"]
    if episode.lead_professional_id:
        lines.append(f"Lead professional: {episode.lead_professional.get_full_name()}")
    return Notice(
        key="linked_episode",
        title="Episode of early help",
        lines=tuple(lines),
        url=reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
        link_text="View the episode",
        kind="information",
    )


def _episodes(user, by_assessment: Q, by_case: Q, **origins):
    return (
        selectors.episodes_for(user)
        .filter(by_assessment | by_case)
        .select_related("lead_professional")
        .annotate(**origins)
        .order_by("started_on", "created_at", "pk")
    )


def _found(episodes, *origins) -> dict:
    """``{record pk: [notice]}``, an episode counted once per record however it is linked."""
    found: dict = {}
    for episode in episodes:
        notice = _notice(episode)
        for pk in {getattr(episode, origin) for origin in origins} - {None}:
            found.setdefault(pk, []).append(notice)
    return found


def triage(user, requests: list) -> dict:
    ids = [record.pk for record in requests]
    episodes = _episodes(
        user,
        Q(assessment__support_request_id__in=ids),
        Q(panel_case__referral__assessment__support_request_id__in=ids),
        via_assessment=F("assessment__support_request_id"),
        via_case=F("panel_case__referral__assessment__support_request_id"),
    )
    return _keep(_found(episodes, "via_assessment", "via_case"), ids)


def assessment(user, assessments: list) -> dict:
    ids = [record.pk for record in assessments]
    episodes = _episodes(
        user,
        Q(assessment_id__in=ids),
        Q(panel_case__referral__assessment_id__in=ids),
        via_assessment=F("assessment_id"),
        via_case=F("panel_case__referral__assessment_id"),
    )
    return _keep(_found(episodes, "via_assessment", "via_case"), ids)


def panel_case(user, cases: list) -> dict:
    ids = [record.pk for record in cases]
    episodes = (
        selectors.episodes_for(user)
        .filter(panel_case_id__in=ids)
        .select_related("lead_professional")
        .order_by("started_on", "created_at", "pk")
    )
    return _found(episodes, "panel_case_id")


def _keep(found: dict, ids: list) -> dict:
    """Only the records asked about (an episode reached one way may name another record)."""
    wanted = set(ids)
    return {pk: notices for pk, notices in found.items() if pk in wanted}
