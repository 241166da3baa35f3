"""A neglect concern's events on the child's chronology: recorded and ended. The summaries are
the service's own words (the categories and the end reason, from their choices), never what a
worker typed."""

from __future__ import annotations

from neglect.models import NeglectConcern
from people.models import ChronologyEntry
from people.services import chronology_record

RECORD_TYPE = "neglect_concern"
SOURCE = "Neglect"


def recorded(*, actor, concern: NeglectConcern, categories: str) -> None:
    chronology_record(
        actor=actor,
        people=[concern.child],
        summary=f"Neglect concern recorded: {categories}",
        source=SOURCE,
        record_type=RECORD_TYPE,
        record_id=concern.pk,
        event="neglect_recorded",
        category=ChronologyEntry.Category.SAFEGUARDING,
        occurred_on=concern.identified_on,
    )


def ended(*, actor, concern: NeglectConcern) -> None:
    reason = NeglectConcern.EndReason(concern.end_reason).label
    chronology_record(
        actor=actor,
        people=[concern.child],
        summary=f"Neglect concern ended: {reason[:1].lower()}{reason[1:]}",
        source=SOURCE,
        record_type=RECORD_TYPE,
        record_id=concern.pk,
        event="neglect_ended",
        category=ChronologyEntry.Category.SAFEGUARDING,
        occurred_on=concern.ended_on,
    )
