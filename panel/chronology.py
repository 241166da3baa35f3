"""A panel case's events on the children's chronology: the panel's decision, the lead
professional's allocation and the confirmed closure."""

from __future__ import annotations

from panel.models import PanelCase
from people.models import ChronologyEntry
from people.selectors import family_children
from people.services import RecordType, chronology_record

Category = ChronologyEntry.Category


def case_event(
    *, actor, case: PanelCase, event: str, summary: str, category=Category.SERVICE
) -> list[ChronologyEntry]:
    """On each child of the referred family."""
    return chronology_record(
        actor=actor,
        people=family_children(case.referral.family),
        summary=summary,
        source="Early support panel",
        record_type=RecordType.PANEL_CASE,
        record_id=case.pk,
        event=event,
        category=category,
    )
