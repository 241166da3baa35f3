"""Data protection's records in each meaningful state."""

from datetime import date

import factory

from accounts.tests.factories import AdminFactory
from core import clock
from dataprotection.models import (
    LegalHold,
    RecordType,
    RectificationNote,
    RetentionApplied,
    RetentionRule,
    RetentionRun,
)
from people.tests.factories import FamilyFactory, PersonFactory


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    """Six years after the family's case closed, then anonymise."""

    class Meta:
        model = RetentionRule
        django_get_or_create = ("record_type",)

    record_type = RecordType.CASEWORK
    after = "closed"
    years = 6
    action = "anonymise"


class KeepRuleFactory(RetentionRuleFactory):
    record_type = RecordType.AUDIT
    after = ""
    years = None
    action = "keep"


class RetentionRunFactory(factory.django.DjangoModelFactory):
    """A finished run that found nothing due."""

    class Meta:
        model = RetentionRun

    ran_for = factory.Sequence(lambda n: date.fromordinal(date(2027, 1, 1).toordinal() + n))
    started_at = factory.LazyFunction(clock.now)
    finished_at = factory.LazyFunction(clock.now)
    summary = factory.LazyFunction(dict)


class RetentionAppliedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionApplied

    record_type = RecordType.MESSAGES
    record_key = factory.Sequence(lambda n: f"core.outboundmessage:{n}")
    action = "delete"
    run = factory.SubFactory(RetentionRunFactory)


class LegalHoldFactory(factory.django.DjangoModelFactory):
    """A hold in force on a family's records."""

    class Meta:
        model = LegalHold

    family = factory.SubFactory(FamilyFactory)
    reason = "A claim against the council is being defended."
    placed_by = factory.SubFactory(AdminFactory)


class LiftedLegalHoldFactory(LegalHoldFactory):
    lifted_at = factory.LazyFunction(clock.now)
    lifted_by = factory.SelfAttribute("placed_by")


class RectificationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationNote

    person = factory.SubFactory(PersonFactory)
    what_was_corrected = "The date of birth was a day out; it has been corrected."
    why = "The person showed their birth certificate."
    by = factory.SubFactory(AdminFactory)
