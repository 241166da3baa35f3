"""An assessment's events on the chronology of the children it is about: started, completed,
stopped for safeguarding, referred to the panel."""

from __future__ import annotations

from assessments.models import Assessment
from people.models import ChronologyEntry, Person
from people.services import RecordType, chronology_record

Category = ChronologyEntry.Category

# What a move of the assessment's status says on the chronology (the other moves, to and from
# sign-off, are steps within the work rather than events in the child's life).
STATUS_EVENTS = {
    Assessment.Status.COMPLETED: ("assessment_completed", "Assessment completed", Category.SERVICE),
    Assessment.Status.STOPPED: (
        "safeguarding_stop",
        "Safeguarding stop: the assessment stopped and concerns for a child’s safety were "
        "passed to the duty team",
        Category.SAFEGUARDING,
    ),
}


def assessment_event(
    *, actor, assessment: Assessment, event: str, summary: str, category=Category.SERVICE
) -> list[ChronologyEntry]:
    """On each child the assessment is about (one query for them, one insert)."""
    return chronology_record(
        actor=actor,
        people=Person.objects.filter(pk__in=assessment.children.values("person_id")),
        summary=summary,
        source="Early help assessment",
        record_type=RecordType.ASSESSMENT,
        record_id=assessment.pk,
        event=event,
        category=category,
    )


def status_event(*, actor, assessment: Assessment, to_status: str) -> None:
    if to_status in STATUS_EVENTS:
        event, summary, category = STATUS_EVENTS[to_status]
        assessment_event(
            actor=actor, assessment=assessment, event=event, summary=summary, category=category
        )
