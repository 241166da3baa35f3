"""A consent decision is on the chronology of the family's children, and of the adult who decided
when they are named, linked to the family's consent page."""

from datetime import date

import pytest
from django.urls import reverse

from consent import services
from consent.models import ConsentDecision, LawfulBasis, Purpose
from people.models import ChronologyEntry, FamilyMember

pytestmark = pytest.mark.django_db


def test_consent_given_by_a_named_parent(practitioner, family):
    mother = family.members.get(role=FamilyMember.Role.PARENT_CARER).person
    child = family.members.get(role=FamilyMember.Role.CHILD).person
    services.consent_record_decision(
        actor=practitioner,
        family=family,
        purpose=Purpose.ASSESSMENT,
        status=ConsentDecision.Status.GIVEN,
        decision_date=date(2026, 3, 1),
        lawful_basis=LawfulBasis.CONSENT,
        given_by_name="Jane Smith",
        given_by_relationship=ConsentDecision.Relationship.PARENT_CARER,
        person=mother,
    )
    entries = ChronologyEntry.objects.order_by("person_id")
    assert {e.person for e in entries} == {mother, child}
    assert {(e.event, e.summary, e.occurred_on) for e in entries} == {
        ("consent_given", "Consent given: early support assessment", date(2026, 3, 1))
    }
    url = reverse("consent:family", kwargs={"family_id": family.pk})
    assert {(e.record_type, e.record_id, e.link.url) for e in entries} == {
        ("consent", str(family.pk), url)
    }


def test_consent_refused_is_on_the_childs_chronology(practitioner, family):
    child = family.members.get(role=FamilyMember.Role.CHILD).person
    services.consent_record_decision(
        actor=practitioner,
        family=family,
        purpose=Purpose.PANEL_REFERRAL,
        status=ConsentDecision.Status.REFUSED,
        decision_date=date(2026, 3, 2),
        reason="Private family matter",
    )
    (entry,) = ChronologyEntry.objects.all()
    assert entry.person == child and entry.event == "consent_refused"
    assert entry.summary == ("Consent refused: referral to the early support multi-agency panel")
    assert "Private" not in entry.summary
