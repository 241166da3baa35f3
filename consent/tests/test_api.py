import pytest

from consent.models import ConsentDecision, ConsentOverride
from consent.tests.conftest import client_for
from consent.tests.factories import ConsentDecisionFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/consent-decisions/"
OVERRIDES = "/api/v1/consent-overrides/"
PERMISSION = "/api/v1/consent-decisions/panel-referral-permission/"


def payload(family, **overrides):
    return {
        "family": str(family.pk),
        "purpose": "panel_referral",
        "status": "given",
        "decision_date": "2026-03-01",
        "lawful_basis": "consent",
        "given_by_name": "Jane Smith",
        "given_by_relationship": "parent_carer",
        **overrides,
    }


def test_create_a_decision(practitioner_client, family, agencies):
    response = practitioner_client.post(
        DECISIONS,
        payload(family, agencies=[a.pk for a in agencies]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "given"
    assert body["family"] == str(family.pk)
    assert {a["name"] for a in body["agencies"]} == {a.name for a in agencies}
    assert ConsentDecision.objects.get().family == family


def test_validation_errors_are_400_by_field(practitioner_client, family):
    response = practitioner_client.post(
        DECISIONS, payload(family, status="refused", reason=""), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Enter why consent was refused"]}
    response = practitioner_client.post(
        DECISIONS, payload(family, agencies=[999999]), content_type="application/json"
    )
    assert response.status_code == 400
    assert "agencies" in response.json()


def test_out_of_scope_family_is_404(practitioner_client, other_family):
    response = practitioner_client.post(
        DECISIONS, payload(other_family), content_type="application/json"
    )
    assert response.status_code == 404
    assert practitioner_client.get(DECISIONS, {"family": str(other_family.pk)}).status_code == 404
    assert practitioner_client.get(PERMISSION, {"family": str(other_family.pk)}).status_code == 404
    decision = ConsentDecisionFactory(family=other_family)
    assert practitioner_client.get(f"{DECISIONS}{decision.pk}/").status_code == 404
    assert practitioner_client.get(DECISIONS).json()["results"] == []


def test_list_and_retrieve_are_scoped_and_audited(practitioner_client, family, other_family):
    mine = ConsentDecisionFactory(family=family)
    ConsentDecisionFactory(family=other_family)
    body = practitioner_client.get(DECISIONS, {"family": str(family.pk)}).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert practitioner_client.get(f"{DECISIONS}{mine.pk}/").json()["id"] == mine.pk
    assert (
        AuditEvent.objects.filter(record_type="consent.consentdecision", action="view").count() == 2
    )


def test_a_practitioner_override_is_403(practitioner_client, family):
    response = practitioner_client.post(
        OVERRIDES,
        {"family": str(family.pk), "purpose": "panel_referral", "reason": "Safeguarding"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ConsentOverride.objects.exists()


def test_a_manager_override_and_the_permission_check(manager_client, family):
    assert manager_client.get(PERMISSION, {"family": str(family.pk)}).json()["allowed"] is False
    response = manager_client.post(
        OVERRIDES,
        {"family": str(family.pk), "purpose": "panel_referral", "reason": "Safeguarding"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = manager_client.get(PERMISSION, {"family": str(family.pk)}).json()
    assert (body["allowed"], body["basis"]) == (True, "override")
    assert len(manager_client.get(OVERRIDES, {"family": str(family.pk)}).json()["results"]) == 1


def test_administrators_see_nothing(system_admin, family):
    ConsentDecisionFactory(family=family)
    client = client_for(system_admin)
    assert client.get(DECISIONS).json()["results"] == []
    assert client.get(DECISIONS, {"family": str(family.pk)}).status_code == 404


def test_the_schema_documents_consent(practitioner_client):
    response = practitioner_client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/consent-decisions/" in text
    assert "/api/v1/consent-overrides/" in text
