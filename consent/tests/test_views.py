import re
from datetime import date

import pytest
from django.urls import reverse

from consent.models import ConsentDecision, ConsentOverride, Purpose
from consent.tests.conftest import client_for
from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
from core.models import Agency, AuditEvent

pytestmark = pytest.mark.django_db


def url(name, family, **query):
    from urllib.parse import urlencode

    path = reverse(f"consent:{name}", kwargs={"family_id": family.pk})
    return f"{path}?{urlencode(query)}" if query else path


def views_of(family):
    return AuditEvent.objects.filter(
        record_type="people.family", record_id=str(family.pk), action=AuditEvent.Action.VIEW
    )


def decision_post(**overrides):
    data = {
        "purpose": Purpose.PANEL_REFERRAL,
        "status": ConsentDecision.Status.GIVEN,
        "reason": "",
        "given_by_name": "Jane Smith",
        "given_by_relationship": ConsentDecision.Relationship.PARENT_CARER,
        "person": "",
        "lawful_basis": "consent",
        "what_may_be_shared": "The assessment",
        "decision_date_0": "1",
        "decision_date_1": "3",
        "decision_date_2": "2026",
    }
    data.update(overrides)
    return data


def test_the_summary_shows_each_purpose_the_history_and_is_audited(
    practitioner_client, family, manager
):
    ConsentDecisionFactory(family=family, given_by_name="Jane Smith")
    ConsentOverrideFactory(
        family=family, purpose=Purpose.INFORMATION_SHARING, authorised_by=manager
    )
    response = practitioner_client.get(url("family", family))
    assert response.status_code == 200
    html = response.content.decode()
    for purpose in Purpose:
        assert purpose.label in html
    assert "Jane Smith" in html
    assert "Authorised without consent" in html
    assert "can be submitted" in html
    assert views_of(family).count() == 1
    assert views_of(family).get().detail == {"page": "consent"}


def test_out_of_scope_family_is_not_found(practitioner_client, other_family):
    for name in ("family", "record", "override"):
        assert practitioner_client.get(url(name, other_family)).status_code == 404
    response = practitioner_client.post(url("record", other_family), decision_post())
    assert response.status_code == 404
    assert not ConsentDecision.objects.exists()


def test_administrators_cannot_see_consent(system_admin, family):
    assert client_for(system_admin).get(url("family", family)).status_code == 403


def test_recording_a_decision(practitioner_client, practitioner, family, agencies):
    response = practitioner_client.post(
        url("record", family), decision_post(agencies=[str(a.pk) for a in agencies])
    )
    assert response.status_code == 302
    assert response.url == url("family", family)
    decision = ConsentDecision.objects.get()
    assert (decision.family, decision.recorded_by, decision.decision_date) == (
        family,
        practitioner,
        date(2026, 3, 1),
    )
    assert set(decision.agencies.all()) == set(agencies)


def test_return_to_sends_the_user_back_and_must_be_local(practitioner_client, family):
    response = practitioner_client.post(
        url("record", family), decision_post(return_to="/assessments/x/tasks/")
    )
    assert response.url == "/assessments/x/tasks/"
    response = practitioner_client.post(
        url("record", family), decision_post(return_to="https://evil.example/")
    )
    assert response.url == url("family", family)
    response = practitioner_client.post(
        url("record", family), decision_post(return_to="//evil.example/")
    )
    assert response.url == url("family", family)
    page = practitioner_client.get(
        url("record", family, return_to="/assessments/x/tasks/", purpose="assessment")
    )
    assert re.search(r'value="assessment"\s*checked', page.content.decode())
    assert 'value="/assessments/x/tasks/"' in page.content.decode()


def test_an_error_shows_the_summary_and_keeps_what_was_typed(practitioner_client, family):
    response = practitioner_client.post(
        url("record", family),
        decision_post(
            status=ConsentDecision.Status.REFUSED,
            given_by_name="Sam Carer",
            what_may_be_shared="Notes kept",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter why consent was refused" in html
    assert 'value="Sam Carer"' in html
    assert "Notes kept" in html
    assert re.search(r'value="refused"\s*checked', html)
    assert not ConsentDecision.objects.exists()
    # Showing the form again is a view of the family, audited once.
    assert views_of(family).count() == 1


def test_business_support_is_told_they_cannot_record(business_support, family):
    response = client_for(business_support).get(url("record", family))
    assert response.status_code == 403
    assert "You cannot record consent" in response.content.decode()


def test_a_practitioner_may_not_override(practitioner_client, family):
    response = practitioner_client.get(url("override", family))
    assert response.status_code == 403
    assert "Only an early support team leader or a team manager" in response.content.decode()
    response = practitioner_client.post(
        url("override", family), {"purpose": "panel_referral", "reason": "x"}
    )
    assert response.status_code == 403
    assert not ConsentOverride.objects.exists()
    # Nor are they offered the link.
    assert (
        "Authorise going ahead without consent"
        not in practitioner_client.get(url("family", family)).content.decode()
    )


def test_a_manager_may_override(manager_client, manager, family):
    response = manager_client.post(
        url("override", family), {"purpose": "panel_referral", "reason": "Risk of significant harm"}
    )
    assert response.status_code == 302
    override = ConsentOverride.objects.get()
    assert (override.family, override.authorised_by) == (family, manager)


def test_an_override_needs_a_reason(team_leader, family):
    response = client_for(team_leader).post(
        url("override", family), {"purpose": "panel_referral", "reason": ""}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ConsentOverride.objects.exists()


def test_one_form_asks_for_the_agencies_once_for_every_purpose(
    practitioner_client, practitioner, family, agencies
):
    page = practitioner_client.get(url("record", family)).content.decode()
    # One set of agency boxes, and a box for each purpose instead of a form for each.
    assert page.count('name="agencies"') == Agency.objects.count()
    purpose_boxes = re.findall(r'<input[^>]*name="purpose"[^>]*>', page)
    assert len(purpose_boxes) == len(Purpose)
    assert all('type="checkbox"' in box for box in purpose_boxes)

    response = practitioner_client.post(
        url("record", family),
        decision_post(
            purpose=[Purpose.ASSESSMENT, Purpose.INFORMATION_SHARING, Purpose.PANEL_REFERRAL],
            agencies=[str(a.pk) for a in agencies],
        ),
    )

    assert response.status_code == 302
    rows = ConsentDecision.objects.order_by("purpose")
    assert [(d.purpose, d.status, d.recorded_by, d.decision_date) for d in rows] == [
        ("assessment", "given", practitioner, date(2026, 3, 1)),
        ("information_sharing", "given", practitioner, date(2026, 3, 1)),
        ("panel_referral", "given", practitioner, date(2026, 3, 1)),
    ]
    assert all(set(d.agencies.all()) == set(agencies) for d in rows)
    summary = practitioner_client.get(response.url)
    assert "Consent decisions saved" in summary.content.decode()


def test_an_error_keeps_every_purpose_ticked_and_records_none(practitioner_client, family):
    response = practitioner_client.post(
        url("record", family),
        decision_post(
            purpose=[Purpose.ASSESSMENT, Purpose.PANEL_REFERRAL],
            status=ConsentDecision.Status.REFUSED,
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter why consent was refused" in html
    assert re.search(r'value="assessment"\s*checked', html)
    assert re.search(r'value="panel_referral"\s*checked', html)
    assert not re.search(r'value="information_sharing"\s*checked', html)
    assert not ConsentDecision.objects.exists()


def test_no_purpose_ticked_is_refused_on_the_question(practitioner_client, family):
    data = decision_post()
    del data["purpose"]

    response = practitioner_client.post(url("record", family), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors["purpose"]) == ["Select what the consent is for"]
    assert not ConsentDecision.objects.exists()
