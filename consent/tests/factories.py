from datetime import date

import factory

from accounts.tests.factories import UserFactory
from consent.models import ConsentDecision, ConsentOverride, LawfulBasis, Purpose
from people.tests.factories import FamilyFactory


class ConsentDecisionFactory(factory.django.DjangoModelFactory):
    """Consent to a panel referral, given by a parent."""

    class Meta:
        model = ConsentDecision
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    purpose = Purpose.PANEL_REFERRAL
    status = ConsentDecision.Status.GIVEN
    given_by_name = factory.Faker("name", locale="en_GB")
    given_by_relationship = ConsentDecision.Relationship.PARENT_CARER
    lawful_basis = LawfulBasis.CONSENT
    what_may_be_shared = "The assessment and the family's plan."
    decision_date = date(2026, 3, 1)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if extracted:
            self.agencies.set(extracted)


class ConsentOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentOverride

    family = factory.SubFactory(FamilyFactory)
    purpose = Purpose.PANEL_REFERRAL
    reason = "A child is at risk of significant harm; waiting for consent would increase the risk."
    authorised_by = factory.SubFactory(UserFactory)
