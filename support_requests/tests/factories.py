import factory

from core import clock
from core.tests.factories import AreaFactory
from support_requests import services
from support_requests.models import (
    SupportRequest,
    SupportRequestChild,
    SupportRequestHistory,
    ThrottleHit,
)
from support_requests.throttle import client_hash


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A public request, as support_request_submit_public would save it (without children)."""

    class Meta:
        model = SupportRequest

    reference = factory.LazyFunction(services.new_reference)
    source = SupportRequest.Source.PUBLIC
    status = SupportRequest.Status.RECEIVED
    area = factory.SubFactory(AreaFactory)
    requester_name = factory.Faker("name", locale="en_GB")
    requester_relationship = SupportRequest.Relationship.PARENT_CARER
    requester_phone = "07700 900982"
    requester_email = factory.Sequence(lambda n: f"parent{n}@example.org")
    can_call = True
    can_leave_message = True
    safe_to_write = True
    what_is_happening = "We are struggling with our son's behaviour at home and at school."
    help_wanted = "Someone to talk to."
    consent_to_contact_agencies = SupportRequest.Consent.YES
    submitted_ip_hash = factory.LazyFunction(lambda: client_hash("192.0.2.1"))


class SupportRequestChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequestChild

    support_request = factory.SubFactory(SupportRequestFactory)
    position = factory.Sequence(lambda n: n + 1)
    first_name = factory.Faker("first_name", locale="en_GB")
    age_years = 7


class SupportRequestHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequestHistory

    support_request = factory.SubFactory(SupportRequestFactory)
    actor = None
    from_status = ""
    to_status = SupportRequest.Status.RECEIVED
    reason = "Sent by a member of the public"


class ThrottleHitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThrottleHit

    bucket = "ask_for_help_post"
    client_hash = factory.LazyFunction(lambda: client_hash("192.0.2.1"))
    at = factory.LazyFunction(clock.now)
