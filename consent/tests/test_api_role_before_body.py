"""Recording consent and overriding it: the role is settled before the body is read (the
error contract: 404 out of scope, then 403, then 400), by the rules the services use
(consent.rules), so a role that may not is 403 whatever it sent."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consent import services
from consent.models import ConsentDecision, ConsentOverride
from consent.tests.conftest import client_for

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/consent-decisions/"
OVERRIDES = "/api/v1/consent-overrides/"
NO_CASE_ACCESS = [
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.STRATEGIC_LEAD,
    Role.SYSTEM_ADMINISTRATOR,
]


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _decision(family):
    return {
        "family": str(family.pk),
        "purpose": "panel_referral",
        "status": "given",
        "decision_date": "2026-03-01",
        "lawful_basis": "consent",
        "given_by_name": "Jane Smith",
        "given_by_relationship": "parent_carer",
    }


def _override(family):
    return {"family": str(family.pk), "purpose": "panel_referral", "reason": "Safeguarding"}


@pytest.mark.parametrize("role", [Role.BUSINESS_SUPPORT, *NO_CASE_ACCESS])
def test_a_role_that_may_not_record_consent_gets_403_empty_or_valid(role, team, family):
    client = client_for(UserFactory(team=team, roles=[role]))
    assert _post(client, DECISIONS, {}).status_code == 403
    assert _post(client, DECISIONS, _decision(family)).status_code == 403
    assert not ConsentDecision.objects.exists()


def test_a_practitioner_with_an_empty_decision_gets_400(practitioner_client):
    assert _post(practitioner_client, DECISIONS, {}).status_code == 400
    assert not ConsentDecision.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.LEAD_PROFESSIONAL, Role.BUSINESS_SUPPORT, *NO_CASE_ACCESS]
)
def test_a_role_that_may_not_override_gets_403_empty_or_valid(role, team, family):
    client = client_for(UserFactory(team=team, roles=[role]))
    assert _post(client, OVERRIDES, {}).status_code == 403
    assert _post(client, OVERRIDES, _override(family)).status_code == 403
    assert not ConsentOverride.objects.exists()


def test_a_manager_with_an_empty_override_gets_400(manager_client):
    assert _post(manager_client, OVERRIDES, {}).status_code == 400
    assert not ConsentOverride.objects.exists()


def test_the_services_ask_the_same_rules(team, family):
    practitioner = UserFactory(team=team, roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        services.consent_record_override(
            actor=practitioner, family=family, purpose="panel_referral", reason="Why"
        )
    business_support = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    with pytest.raises(PermissionDenied):
        services.consent_record_decision(
            actor=business_support,
            family=family,
            purpose="panel_referral",
            status="given",
            decision_date=date(2026, 3, 1),
            lawful_basis="consent",
        )
    assert not ConsentOverride.objects.exists() and not ConsentDecision.objects.exists()
