"""An episode's events on the children's chronology: opened (or stepped down into), stage,
step up, missed appointments, reviews and closure.

Entries go on the children of the family, whose story the chronology tells; a missed appointment
goes on the child who was not brought. Summaries are the service's own words, with nothing typed
by a user beyond what the record holds (an agency's name, the appointment a child missed).
"""

from __future__ import annotations

from collections.abc import Iterable

from casework.models import Episode
from people.models import ChronologyEntry, Person
from people.selectors import family_children
from people.services import RecordType, chronology_record

Category = ChronologyEntry.Category


def episode_event(
    *,
    actor,
    episode: Episode,
    event: str,
    summary: str,
    category=Category.SERVICE,
    people: Iterable[Person] | None = None,
    occurred_on=None,
) -> list[ChronologyEntry]:
    return chronology_record(
        actor=actor,
        people=family_children(episode.family) if people is None else people,
        summary=summary,
        source="Early help episode",
        record_type=RecordType.EPISODE,
        record_id=episode.pk,
        event=event,
        category=category,
        occurred_on=occurred_on,
    )


def stage_words(stage: int) -> str:
    """'stage 3: Maintaining progress' (the label without its number)."""
    label = Episode.Stage(stage).label.split(". ", 1)[-1]
    return f"stage {int(stage)}: {label}"


def opened(*, actor, episode: Episode) -> None:
    if episode.previous_id:
        event, summary = "episode_stepped_down", "Stepped down: a new early help episode opened"
    else:
        event, summary = "episode_opened", "Early help episode opened"
    episode_event(
        actor=actor,
        episode=episode,
        event=event,
        summary=f"{summary}, led by {episode.lead_agency.name}",
        occurred_on=episode.started_on,
    )


def ended(*, actor, episode: Episode) -> None:
    """A closed episode (a step up writes its own entry)."""
    if episode.status != Episode.Status.CLOSED:
        return
    reason = Episode.EndReason(episode.end_reason).label if episode.end_reason else ""
    episode_event(
        actor=actor,
        episode=episode,
        event="episode_closed",
        summary=(
            f"Early help episode closed: {reason[:1].lower()}{reason[1:]}"
            if reason
            else "Early help episode closed"
        ),
        occurred_on=episode.ended_on,
    )
