"""Outcomes' notices on casework's pages (``core.notices``): on an episode, the way to its
outcomes and progress; on a plan review once it is held, the way to record its outcome scores.
Each answers for any number of records without a query: the records are already in the reader's
scope (the page found them through casework's selectors)."""

from __future__ import annotations

from django.urls import reverse

from core.notices import Notice


def _page(episode_id) -> str:
    return reverse("outcomes:episode", kwargs={"episode_id": episode_id})


def episode(user, episodes: list) -> dict:
    return {
        record.pk: [
            Notice(
                key="outcomes",
                title="Outcomes and progress",
                lines=(
                    "Each plan outcome's baseline, its scores at reviews and at closure, "
                    "and the distance travelled.",
                ),
                url=_page(record.pk),
                link_text="See outcomes and progress",
                kind="information",
            )
        ]
        for record in episodes
    }


def plan_review(user, reviews: list) -> dict:
    found = {}
    for review in reviews:
        if review.held_on is None:
            continue
        found[review.pk] = [
            Notice(
                key="outcomes_review",
                title="Outcome scores",
                lines=("Score each plan outcome at this review, with its evidence.",),
                url=f"{_page(review.episode_id)}?review={review.pk}",
                link_text="Record this review's outcome scores",
                kind="information",
            )
        ]
    return found
