"""Factories for casework consultancy (one per model and per state)."""

from datetime import date

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultancy.models import CaseworkConsultant, ConsultancyRequest, ConsultancyRequestHistory
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory

Status = ConsultancyRequest.Status


def consultant_user(**kwargs):
    """A practitioner of the early support service, designated a consultant from 1 January 2026."""
    kwargs.setdefault("team", TeamFactory(agency=EarlySupportAgencyFactory()))
    user = UserFactory(roles=[Role.PRACTITIONER], **kwargs)
    CaseworkConsultantFactory(user=user)
    return user


class CaseworkConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseworkConsultant

    user = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    starts_on = date(2026, 1, 1)
    added_by = factory.SubFactory(UserFactory, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])

    class Params:
        ended = factory.Trait(ends_on=date(2026, 6, 30))


class ConsultancyRequestFactory(factory.django.DjangoModelFactory):
    """Asked for, waiting for a consultant; traits for every later state."""

    class Meta:
        model = ConsultancyRequest

    kind = ConsultancyRequest.Kind.CONSULTATION
    requested_by = factory.SubFactory(UserFactory, roles=[Role.PRACTITIONER])
    requester_agency = factory.LazyAttribute(lambda r: r.requested_by.agency)
    requester_team = factory.LazyAttribute(lambda r: r.requested_by.team)
    help_wanted = "Advice on a teenager’s school refusal"
    preferred_dates = "Tuesday mornings"
    requested_on = date(2026, 10, 20)

    class Params:
        assigned = factory.Trait(consultant=factory.LazyFunction(consultant_user))
        accepted = factory.Trait(
            assigned=True, status=Status.ACCEPTED, first_response_on=date(2026, 10, 22)
        )
        declined = factory.Trait(
            status=Status.DECLINED,
            decline_reason="Better met by the school nurse",
            first_response_on=date(2026, 10, 21),
        )
        completed = factory.Trait(
            accepted=True,
            status=Status.COMPLETED,
            what_was_done="Advice on a graded return to school",
            next_step=ConsultancyRequest.NextStep.CARRIES_ON,
            outcome_note="Review in six weeks",
            completed_on=date(2026, 10, 30),
        )
        withdrawn = factory.Trait(status=Status.WITHDRAWN)


class ConsultancyRequestHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultancyRequestHistory

    request = factory.SubFactory(ConsultancyRequestFactory)
    actor = factory.LazyAttribute(lambda h: h.request.requested_by)
    event = ConsultancyRequestHistory.Event.ASKED
    to_status = Status.REQUESTED


def matrix_records(*, requester_in, consultant_in, requester_out) -> dict:
    """The authorisation matrix's records: a request the in-scope practitioner made, assigned to
    the in-scope consultant and not answered yet, and an accepted one someone else made, with
    another consultant; a consultant designation of each (both for team leaders to change)."""
    other = consultant_user(username="matrix.consultant2")
    inside = ConsultancyRequestFactory(requested_by=requester_in, consultant=consultant_in)
    outside = ConsultancyRequestFactory(
        requested_by=requester_out,
        consultant=other,
        status=Status.ACCEPTED,
        first_response_on=date(2026, 10, 22),
    )
    period_in = CaseworkConsultant.objects.filter(user=consultant_in).order_by("pk").first()
    period_out = CaseworkConsultant.objects.get(user=other)
    return {
        "consultancy_request": (inside.pk, outside.pk),
        "casework_consultant": (period_in.pk, period_out.pk),
    }
