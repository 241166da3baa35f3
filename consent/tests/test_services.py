from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from consent import selectors, services
from consent.models import ConsentDecision, ConsentOverride, LawfulBasis, Purpose
from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
from core import clock
from core.models import AuditEvent
from people.models import FamilyMember
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

GIVEN = ConsentDecision.Status.GIVEN
REFUSED = ConsentDecision.Status.REFUSED
WITHDRAWN = ConsentDecision.Status.WITHDRAWN
NOT_SOUGHT = ConsentDecision.Status.NOT_SOUGHT


def record(actor, family, **overrides):
    kwargs = {
        "purpose": Purpose.PANEL_REFERRAL,
        "status": GIVEN,
        "decision_date": date(2026, 3, 1),
        "lawful_basis": LawfulBasis.CONSENT,
        "given_by_name": "Jane Smith",
        "given_by_relationship": ConsentDecision.Relationship.PARENT_CARER,
        **overrides,
    }
    return services.consent_record_decision(actor=actor, family=family, **kwargs)


def override(actor, family, purpose=Purpose.PANEL_REFERRAL):
    return services.consent_record_override(
        actor=actor,
        family=family,
        purpose=purpose,
        reason="Safeguarding: risk of significant harm.",
    )


def test_a_decision_is_recorded_with_its_agencies_and_audited(practitioner, family, agencies):
    mother = family.members.get(role=FamilyMember.Role.PARENT_CARER).person
    decision = record(
        practitioner, family, agencies=agencies, person=mother, what_may_be_shared="The assessment"
    )
    assert decision.recorded_by == practitioner
    assert set(decision.agencies.all()) == set(agencies)
    event = AuditEvent.objects.get(
        record_type="consent.consentdecision", record_id=str(decision.pk)
    )
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == practitioner
    assert event.detail == {
        "family": str(family.pk),
        "purpose": "panel_referral",
        "status": "given",
        "lawful_basis": "consent",
        "agencies": 2,
    }
    # No names or reasons in the audit trail.
    assert "Jane" not in str(event.detail)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (REFUSED, "Enter why consent was refused"),
        (WITHDRAWN, "Enter why consent was withdrawn"),
        (NOT_SOUGHT, "Enter why consent was not sought"),
    ],
)
def test_a_reason_is_required_unless_consent_is_given(practitioner, family, status, message):
    with pytest.raises(ValidationError) as error:
        record(practitioner, family, status=status, reason="   ")
    assert error.value.message_dict["reason"] == [message]
    assert not ConsentDecision.objects.exists()


def test_consent_given_needs_a_lawful_basis_and_who_gave_it(practitioner, family):
    with pytest.raises(ValidationError) as error:
        record(practitioner, family, lawful_basis="", given_by_name="", given_by_relationship="")
    assert set(error.value.message_dict) == {
        "lawful_basis",
        "given_by_name",
        "given_by_relationship",
    }


def test_the_person_must_be_in_the_family_and_the_date_not_in_the_future(practitioner, family):
    with pytest.raises(ValidationError) as error:
        record(
            practitioner,
            family,
            person=PersonFactory(),
            decision_date=clock.today() + timedelta(days=1),
        )
    assert error.value.message_dict["person"] == ["Select someone who is a member of this family"]
    assert error.value.message_dict["decision_date"] == [
        "Date of the decision must be today or in the past"
    ]


def test_business_support_cannot_record_consent(business_support, family):
    with pytest.raises(PermissionDenied):
        record(business_support, family)


def test_decisions_and_overrides_are_append_only(practitioner, family):
    decision = record(practitioner, family)
    decision.status = REFUSED
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()
    with pytest.raises(PermissionError):
        ConsentDecision.objects.filter(pk=decision.pk).update(status=REFUSED)
    with pytest.raises(PermissionError):
        ConsentDecision.objects.all().delete()
    made = ConsentOverrideFactory(family=family)
    with pytest.raises(PermissionError):
        made.save()
    with pytest.raises(PermissionError):
        made.delete()
    with pytest.raises(PermissionError):
        ConsentOverride.objects.update(reason="changed")
    decision.refresh_from_db()
    assert decision.status == GIVEN


# ---------------------------------------------------------------- the panel referral check


def test_no_decision_means_no_referral(family):
    permission = services.panel_referral_permission(family)
    assert (permission.allowed, permission.basis) == (False, None)
    assert "No one has recorded" in permission.explanation
    with pytest.raises(services.ConsentRequired) as error:
        services.require_panel_referral_permission(family)
    assert error.value.explanation == permission.explanation


def test_consent_given_allows_the_referral(practitioner, family):
    record(practitioner, family)
    permission = services.require_panel_referral_permission(family)
    assert (permission.allowed, permission.basis) == (True, "consent")
    assert "1 March 2026" in permission.explanation


def test_consent_for_another_purpose_does_not_count(practitioner, family):
    record(practitioner, family, purpose=Purpose.ASSESSMENT)
    assert not services.panel_referral_permission(family).allowed


def test_refusal_stops_the_referral(practitioner, family):
    record(practitioner, family, status=REFUSED, reason="Dad does not want the school told")
    permission = services.panel_referral_permission(family)
    assert not permission.allowed
    assert "refused" in permission.explanation


def test_withdrawal_after_consent_stops_the_referral(practitioner, family):
    record(practitioner, family)
    record(practitioner, family, status=WITHDRAWN, reason="Changed their mind")
    permission = services.panel_referral_permission(family)
    assert not permission.allowed
    assert "withdrew" in permission.explanation


def test_an_override_after_refusal_allows_the_referral(practitioner, team_leader, family):
    record(practitioner, family, status=REFUSED, reason="Does not want it")
    override(team_leader, family)
    permission = services.panel_referral_permission(family)
    assert (permission.allowed, permission.basis) == (True, "override")


def test_an_override_with_no_decision_allows_the_referral(manager, family):
    override(manager, family)
    assert services.panel_referral_permission(family).basis == "override"


def test_a_decision_after_the_override_replaces_it(practitioner, team_leader, family):
    override(team_leader, family)
    record(practitioner, family, status=WITHDRAWN, reason="Changed their mind")
    assert not services.panel_referral_permission(family).allowed
    # Authorising again, after the withdrawal, stands.
    override(team_leader, family)
    assert services.panel_referral_permission(family).basis == "override"


def test_an_override_for_another_purpose_does_not_count(practitioner, team_leader, family):
    record(practitioner, family, status=REFUSED, reason="No")
    override(team_leader, family, purpose=Purpose.INFORMATION_SHARING)
    assert not services.panel_referral_permission(family).allowed


def test_only_authorised_roles_may_override(practitioner, business_support, family):
    for user in (practitioner, business_support):
        with pytest.raises(PermissionDenied):
            override(user, family)
    assert not ConsentOverride.objects.exists()


def test_an_override_needs_a_reason_and_is_audited(manager, family):
    with pytest.raises(ValidationError) as error:
        services.consent_record_override(
            actor=manager, family=family, purpose=Purpose.PANEL_REFERRAL, reason=" "
        )
    assert "reason" in error.value.message_dict
    made = override(manager, family)
    event = AuditEvent.objects.get(record_type="consent.consentoverride", record_id=str(made.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.detail == {"family": str(family.pk), "purpose": "panel_referral"}


def test_current_decisions_gives_the_latest_per_purpose_and_any_later_override(
    practitioner, team_leader, family
):
    record(practitioner, family, purpose=Purpose.ASSESSMENT)
    record(practitioner, family, status=REFUSED, reason="No")
    override(team_leader, family)
    latest = record(
        practitioner, family, purpose=Purpose.ASSESSMENT, status=WITHDRAWN, reason="Stopped"
    )
    rows = {row.purpose: row for row in selectors.current_decisions(family)}
    assert list(rows) == [Purpose.ASSESSMENT, Purpose.PANEL_REFERRAL, Purpose.INFORMATION_SHARING]
    assert rows[Purpose.ASSESSMENT].decision == latest
    assert rows[Purpose.ASSESSMENT].override is None
    assert rows[Purpose.PANEL_REFERRAL].decision.status == REFUSED
    assert rows[Purpose.PANEL_REFERRAL].override is not None
    assert rows[Purpose.PANEL_REFERRAL].may_go_ahead
    assert rows[Purpose.INFORMATION_SHARING].decision is None
    assert not rows[Purpose.INFORMATION_SHARING].may_go_ahead


def test_a_refused_write_leaves_nothing_behind(practitioner, family):
    with pytest.raises(ValidationError), transaction.atomic():
        record(practitioner, family, status=REFUSED)
    assert not AuditEvent.objects.filter(record_type="consent.consentdecision").exists()


def test_the_factory_makes_a_valid_decision(family):
    assert ConsentDecisionFactory(family=family).status == GIVEN


# ---------------------------------------------------------------- one conversation, asked once


def record_many(actor, family, purposes, **overrides):
    kwargs = {
        "status": GIVEN,
        "decision_date": date(2026, 3, 1),
        "lawful_basis": LawfulBasis.CONSENT,
        "given_by_name": "Jane Smith",
        "given_by_relationship": ConsentDecision.Relationship.PARENT_CARER,
        **overrides,
    }
    return services.consent_record_decisions(
        actor=actor, family=family, purposes=purposes, **kwargs
    )


def test_one_answer_records_a_decision_for_each_purpose_chosen(practitioner, family, agencies):
    decisions = record_many(
        practitioner,
        family,
        [Purpose.ASSESSMENT, Purpose.PANEL_REFERRAL, Purpose.ASSESSMENT],
        agencies=agencies,
        what_may_be_shared="The assessment",
    )

    assert [d.purpose for d in decisions] == ["assessment", "panel_referral"]
    rows = ConsentDecision.objects.order_by("purpose")
    assert [(d.purpose, d.status, d.given_by_name, d.what_may_be_shared) for d in rows] == [
        ("assessment", "given", "Jane Smith", "The assessment"),
        ("panel_referral", "given", "Jane Smith", "The assessment"),
    ]
    assert [set(d.agencies.all()) for d in rows] == [set(agencies), set(agencies)]
    assert sorted(
        AuditEvent.objects.filter(record_type="consent.consentdecision").values_list(
            "detail__purpose", flat=True
        )
    ) == ["assessment", "panel_referral"]
    assert services.panel_referral_permission(family).allowed


@pytest.mark.parametrize("purposes", [[], ["assessment", "marketing"]])
def test_no_purpose_or_one_not_on_the_list_records_nothing(practitioner, family, purposes):
    with pytest.raises(ValidationError) as error:
        record_many(practitioner, family, purposes, given_by_name="")

    assert error.value.message_dict == {
        "purpose": [services.PURPOSE_MISSING],
        "given_by_name": ["Enter the name of the person who gave consent"],
    }
    assert not ConsentDecision.objects.exists()


def test_a_refusal_for_several_purposes_records_none_of_them(practitioner, family):
    with pytest.raises(ValidationError) as error:
        record_many(
            practitioner, family, [Purpose.ASSESSMENT, Purpose.INFORMATION_SHARING], status=REFUSED
        )

    assert error.value.message_dict == {"reason": ["Enter why consent was refused"]}
    assert not ConsentDecision.objects.exists()


def test_business_support_cannot_record_several_decisions_either(business_support, family):
    with pytest.raises(PermissionDenied):
        record_many(business_support, family, [Purpose.ASSESSMENT])
    with pytest.raises(PermissionDenied):
        record_many(business_support, family, [])
    assert not ConsentDecision.objects.exists()
