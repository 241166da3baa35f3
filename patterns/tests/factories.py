"""Factories for the patterns app: a record of disguised compliance (current, or withdrawn), and
helpers for the records the patterns are worked out from."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factory

from casework.tests.factories import ContactFactory, EpisodeFactory
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from people.models import ChronologyEntry
from people.tests.factories import ChronologyEntryFactory
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory


class DisguisedComplianceRecordFactory(factory.django.DjangoModelFactory):
    """A current record on a contact of an open episode."""

    class Meta:
        model = DisguisedComplianceRecord

    episode = factory.SubFactory(EpisodeFactory)
    contact = factory.LazyAttribute(lambda r: ContactFactory(episode=r.episode))
    occurred_on = factory.LazyAttribute(lambda r: r.contact.happened_on)
    agreed = "Mum agreed to take Amy to the dentist by the end of the month."
    not_done = "No appointment was made."
    family_says = "Mum says the appointment is booked and they are going."
    evidence = "The dental practice has no booking (phoned on the day)."
    recorded_by = factory.LazyAttribute(lambda r: r.episode.lead_professional)

    class Params:
        withdrawn = factory.Trait(
            status=DisguisedComplianceRecord.Status.WITHDRAWN,
            withdrawn_reason="Recorded on the wrong family.",
            withdrawn_by=factory.SelfAttribute("recorded_by"),
            withdrawn_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
        )


class DisguisedComplianceHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisguisedComplianceHistory

    record = factory.SubFactory(DisguisedComplianceRecordFactory)
    actor = factory.LazyAttribute(lambda h: h.record.recorded_by)
    from_status = ""
    to_status = DisguisedComplianceRecord.Status.CURRENT
    reason = "Recorded"


def injury(person, on: date, summary="Bruise on the forearm, said to be a fall.", source="School"):
    return ChronologyEntryFactory(
        person=person,
        occurred_on=on,
        category=ChronologyEntry.Category.ACCIDENT_INJURY,
        summary=summary,
        source=source,
    )


def request_for(*, area, first_name: str, born: date, at: datetime, family=None, **kwargs):
    """A request made at ``at`` about one child (first name and date of birth as described)."""
    support_request = SupportRequestFactory(area=area, family=family, **kwargs)
    SupportRequestChildFactory(
        support_request=support_request, first_name=first_name, date_of_birth=born, age_years=None
    )
    SupportRequest.objects.filter(pk=support_request.pk).update(created_at=at)
    support_request.refresh_from_db()
    return support_request
