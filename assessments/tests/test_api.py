"""The assessments API: the same selectors, services and section forms as the pages."""

import json
from io import BytesIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.models import Assessment, AssessmentSection, PanelReferral
from assessments.sections import SECTIONS
from assessments.tests.factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    ReadyAssessmentFactory,
    complete_answers,
)
from consent.tests.factories import ConsentDecisionFactory
from core.models import AuditEvent
from support_requests.models import SafeguardingStop

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessments/"


def api_for(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


def detail_url(assessment, suffix=""):
    return f"{BASE}{assessment.pk}/{suffix}"


def section_url(assessment, key, child=None):
    if child is not None:
        return detail_url(assessment, f"sections/{key}/children/{child.pk}/")
    return detail_url(assessment, f"sections/{key}/")


def audits(assessment, action="update"):
    return AuditEvent.objects.filter(
        record_type="assessments.assessment", record_id=str(assessment.pk), action=action
    )


# ---------------------------------------------------------------- reads


def test_start_an_assessment(practitioner, family, children):
    client = api_for(practitioner)

    response = client.post(
        BASE, {"family": str(family.pk), "children": [str(c.pk) for c in children]}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assessment = Assessment.objects.get(family=family)
    assert body["id"] == str(assessment.pk)
    assert body["status"] == "draft" and body["number"] == 1 and body["family"] == str(family.pk)
    assert [c["person"] for c in body["children"]] == [str(c.pk) for c in children]
    assert audits(assessment, "create").count() == 1
    # Two children: the per-child sections appear once for each.
    per_child = sum(1 for s in SECTIONS if s.per_child)
    assert len(body["sections"]) == len(SECTIONS) + per_child
    assert {s["section_status"] for s in body["sections"]} == {"not_started"}

    again = client.post(
        BASE, {"family": str(family.pk), "children": [str(children[0].pk)]}, format="json"
    )
    assert again.status_code == 400
    assert again.json() == {"children": ["This family already has an assessment in progress"]}


def test_start_needs_children_of_the_family(practitioner, family, other_family):
    client = api_for(practitioner)
    outsider = other_family.members.first().person
    response = client.post(
        BASE, {"family": str(family.pk), "children": [str(outsider.pk)]}, format="json"
    )
    assert response.status_code == 400 and "children" in response.json()
    assert not Assessment.objects.exists()


def test_list_retrieve_and_audit(practitioner, family, children):
    assessment = AssessmentFactory(worker=practitioner, family=family, children=children)
    client = api_for(practitioner)

    listed = client.get(BASE, {"family": str(family.pk)})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [str(assessment.pk)]

    response = client.get(detail_url(assessment))
    assert response.status_code == 200
    body = response.json()
    assert body["children"][0]["name"] == f"{children[0].first_name} {children[0].last_name}"
    assert body["previous_version"] is None and body["next_version"] is None
    assert body["safeguarding_stop"] is None
    assert audits(assessment, "view").count() == 1


def test_out_of_scope_is_404_everywhere(practitioner, other_family):
    assessment = AssessmentFactory(family=other_family)
    client = api_for(practitioner)

    assert client.get(detail_url(assessment)).status_code == 404
    assert client.get(BASE, {"family": str(other_family.pk)}).status_code == 404
    assert client.get(detail_url(assessment, "pdf/")).status_code == 404
    assert (
        client.put(
            section_url(assessment, "parenting"),
            {"answers": {}, "completed": False, "version": None},
            format="json",
        ).status_code
        == 404
    )
    for suffix in ("submit/", "sign-off/", "refer-to-panel/", "new-version/", "consultation/"):
        assert client.post(detail_url(assessment, suffix), {}, format="json").status_code == 404, (
            suffix
        )
    child = other_family.members.first().person
    started = client.post(
        BASE, {"family": str(other_family.pk), "children": [str(child.pk)]}, format="json"
    )
    assert started.status_code == 404
    assert client.get(f"{BASE}not-a-uuid/").status_code == 404
    assert client.get(BASE).json()["results"] == []


def test_panel_members_and_administrators_get_404(panel_member, team, family):
    assessment = CompletedAssessmentFactory(family=family)
    admin = UserFactory(team=team, roles=[Role.SYSTEM_ADMINISTRATOR])
    for user in (panel_member, admin):
        client = api_for(user)
        assert client.get(detail_url(assessment)).status_code == 404
        assert client.get(BASE).json()["results"] == []
        assert client.post(detail_url(assessment, "refer-to-panel/")).status_code == 404
    assert not PanelReferral.objects.exists()


def test_anonymous_is_refused(family):
    assessment = AssessmentFactory(family=family)
    assert APIClient().get(detail_url(assessment)).status_code == 401


# ---------------------------------------------------------------- sections


def test_save_a_draft_then_complete(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    draft = client.put(
        section_url(assessment, "parenting"),
        {"answers": {"basic_care": "Struggling"}, "completed": False, "version": None},
        format="json",
    )
    assert draft.status_code == 200, draft.json()
    assert draft.json()["section_status"] == "in_progress" and draft.json()["version"] == 1
    assert draft.json()["answers"]["basic_care"] == "Struggling"

    done = client.put(
        section_url(assessment, "parenting"),
        {"answers": complete_answers("parenting"), "completed": True, "version": 1},
        format="json",
    )
    assert done.status_code == 200, done.json()
    row = AssessmentSection.objects.get(assessment=assessment, key="parenting")
    assert row.status == AssessmentSection.Status.COMPLETED and row.version == 2
    assert audits(assessment).filter(detail__section="parenting").count() == 2


def test_iso_dates_are_checked_by_the_section_form(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    child = assessment.children.get()
    client = api_for(practitioner)

    response = client.put(
        section_url(assessment, "child_views", child),
        {"answers": complete_answers("child_views"), "completed": True, "version": None},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["answers"]["first_seen_on"] == "2026-10-05"
    assert response.json()["section_status"] == "completed"

    bad = client.put(
        section_url(assessment, "child_views", child),
        {
            "answers": {
                **complete_answers("child_views"),
                "first_seen_on": "2026-02-30",
                "last_seen_on": "soon",
            },
            "completed": False,
            "version": 1,
        },
        format="json",
    )
    assert bad.status_code == 400
    errors = bad.json()["answers"]
    assert errors["first_seen_on"] == ["Date the child was first seen must be a real date"]
    assert "last_seen_on" in errors
    # The date that failed keeps its saved value; the rest is saved as a draft.
    saved = AssessmentSection.objects.get(assessment=assessment, key="child_views", child=child)
    assert saved.answers["first_seen_on"] == "2026-10-05" and saved.status == "in_progress"


def test_completing_with_gaps_is_400_and_keeps_the_valid_answers(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    response = client.put(
        section_url(assessment, "parenting"),
        {"answers": {"basic_care": "Struggling", "warmth": ""}, "completed": True, "version": None},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body["answers"]) == {"warmth", "guidance"}
    assert body["section"]["answers"]["basic_care"] == "Struggling"
    assert body["section"]["section_status"] == "in_progress"
    row = AssessmentSection.objects.get(assessment=assessment, key="parenting")
    assert row.answers["basic_care"] == "Struggling" and row.status == "in_progress"
    assert audits(assessment).filter(detail__section="parenting").count() == 1


def test_unknown_questions_and_wrong_sections(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    child = assessment.children.get()
    client = api_for(practitioner)
    body = {"answers": {"nonsense": "x"}, "completed": False, "version": None}

    assert client.put(section_url(assessment, "parenting"), body, format="json").status_code == 400
    ok = {"answers": {}, "completed": False, "version": None}
    assert client.put(section_url(assessment, "no_such"), ok, format="json").status_code == 404
    assert client.put(section_url(assessment, "development"), ok, format="json").status_code == 404
    assert (
        client.put(section_url(assessment, "parenting", child), ok, format="json").status_code
        == 404
    )
    assert not AssessmentSection.objects.exists()


def test_a_stale_version_is_409(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)
    url = section_url(assessment, "parenting")
    client.put(
        url,
        {"answers": {"basic_care": "First"}, "completed": False, "version": None},
        format="json",
    )

    response = client.put(
        url,
        {"answers": {"basic_care": "Second"}, "completed": False, "version": None},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    assert (
        AssessmentSection.objects.get(assessment=assessment, key="parenting").answers["basic_care"]
        == "First"
    )


def test_a_completed_assessment_is_locked(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    row = AssessmentSection.objects.get(assessment=assessment, key="parenting")

    response = api_for(practitioner).put(
        section_url(assessment, "parenting"),
        {"answers": {"basic_care": "Changed"}, "completed": False, "version": row.version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "This assessment can no longer be changed"
    row.refresh_from_db()
    assert row.answers["basic_care"] != "Changed"


def test_readers_who_cannot_write_get_403(team, family):
    assessment = AssessmentFactory(family=family)
    reader = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    response = api_for(reader).put(
        section_url(assessment, "parenting"),
        {"answers": {}, "completed": False, "version": None},
        format="json",
    )
    assert response.status_code == 403
    assert api_for(reader).get(detail_url(assessment)).status_code == 200


def test_a_cp_concern_raises_the_stop_and_answers_409(practitioner, family, council):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    response = client.put(
        section_url(assessment, "risks"),
        {
            "answers": {**complete_answers("risks"), "cin_cp_concern": "yes"},
            "completed": True,
            "version": None,
        },
        format="json",
    )

    assert response.status_code == 409
    body = response.json()
    assert council.duty_team_phone in body["detail"]
    assert (body["duty_team"]["name"], body["duty_team"]["phone"]) == (
        council.duty_team_name,
        council.duty_team_phone,
    )
    stop = SafeguardingStop.objects.get(assessment=assessment)
    assert stop.trigger == SafeguardingStop.Trigger.ASSESSMENT_CONCERN
    assert body["safeguarding_stop"]["id"] == stop.pk
    # The answers were saved with the stop, and nothing else can change until the next step.
    assert (
        AssessmentSection.objects.get(assessment=assessment, key="risks").answers["cin_cp_concern"]
        == "yes"
    )
    blocked = client.put(
        section_url(assessment, "parenting"),
        {"answers": {}, "completed": False, "version": None},
        format="json",
    )
    assert blocked.status_code == 409 and "safeguarding_stop" in blocked.json()
    assert client.get(detail_url(assessment)).json()["safeguarding_stop"]["id"] == stop.pk

    wrong = client.post(
        detail_url(assessment, "safeguarding-stop/"), {"next_step": "was_wrong"}, format="json"
    )
    assert wrong.status_code == 400 and "reason" in wrong.json()
    phoned = client.post(
        detail_url(assessment, "safeguarding-stop/"),
        {"next_step": "phoned_duty_team"},
        format="json",
    )
    assert phoned.status_code == 200
    assert phoned.json()["status"] == "stopped"
    assert (
        client.post(
            detail_url(assessment, "safeguarding-stop/"),
            {"next_step": "phoned_duty_team"},
            format="json",
        ).status_code
        == 409
    )


def test_a_social_care_decision_raises_the_stop(practitioner, family, council):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    response = api_for(practitioner).put(
        section_url(assessment, "decision"),
        {
            "answers": {"decision": "social_care", "decision_date": "2026-10-19"},
            "completed": True,
            "version": None,
        },
        format="json",
    )
    assert response.status_code == 409
    assert (
        SafeguardingStop.objects.get(assessment=assessment).trigger
        == SafeguardingStop.Trigger.ASSESSMENT_DECISION
    )


def test_the_consent_section_needs_consent_recorded(practitioner, family):
    from consent.models import Purpose

    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)
    body = {"answers": complete_answers("consent"), "completed": True, "version": None}

    refused = client.put(section_url(assessment, "consent"), body, format="json")
    assert refused.status_code == 400 and refused.json()["non_field_errors"]

    ConsentDecisionFactory(family=family, purpose=Purpose.ASSESSMENT)
    body["version"] = 1
    assert client.put(section_url(assessment, "consent"), body, format="json").status_code == 200


# ---------------------------------------------------------------- submission and sign-off


def test_submitting_an_incomplete_assessment_is_409_listing_what_is_left(practitioner, family):
    # The request is fine; the assessment's state (sections not completed) refuses it.
    assessment = AssessmentFactory(worker=practitioner, family=family)

    response = api_for(practitioner).post(detail_url(assessment, "submit/"))

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Complete every section before you submit the assessment."
    assert "4. Assessment details" in body["incomplete_sections"]
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_submit_then_sign_off_by_a_manager(practitioner, manager, family, sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner, family=family)

    submitted = api_for(practitioner).post(detail_url(assessment, "submit/"))
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "awaiting_sign_off"
    assert audits(assessment).filter(detail__status="awaiting_sign_off").exists()

    assert api_for(practitioner).post(detail_url(assessment, "sign-off/")).status_code == 403
    signed = api_for(manager).post(detail_url(assessment, "sign-off/"))
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "completed" and signed.json()["decision"] == "taf"
    assert audits(assessment).filter(actor=manager, detail__status="completed").exists()
    assert api_for(manager).post(detail_url(assessment, "sign-off/")).status_code == 409


def test_a_manager_returns_it_with_a_reason(practitioner, manager, family, sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner, family=family)
    api_for(practitioner).post(detail_url(assessment, "submit/"))
    client = api_for(manager)

    assert (
        client.post(detail_url(assessment, "return/"), {"reason": " "}, format="json").status_code
        == 400
    )
    response = client.post(
        detail_url(assessment, "return/"), {"reason": "Add the school's view"}, format="json"
    )

    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert audits(assessment).filter(actor=manager, detail__status="draft").exists()


def test_submitting_with_a_cp_concern_stops(practitioner, family, no_sign_off_council):
    assessment = ReadyAssessmentFactory(worker=practitioner, family=family)
    row = AssessmentSection.objects.get(assessment=assessment, key="risks")
    row.answers = {**row.answers, "cin_cp_concern": "yes"}
    row.save()

    response = api_for(practitioner).post(detail_url(assessment, "submit/"))

    assert response.status_code == 409
    assert response.json()["duty_team"]["phone"] == no_sign_off_council.duty_team_phone
    assert SafeguardingStop.objects.filter(assessment=assessment).exists()


def test_new_version_and_consultation(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    consultation = client.post(
        detail_url(assessment, "consultation/"),
        {
            "child_views": "Happy",
            "parent_views": "Agreed",
            "shared_on": "2026-10-20",
            "version": None,
        },
        format="json",
    )
    assert consultation.status_code == 200, consultation.json()
    assert consultation.json()["version"] == 1
    stale = client.post(
        detail_url(assessment, "consultation/"),
        {"child_views": "x", "version": None},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert audits(assessment).filter(detail__section="consultation").count() == 1

    assert (
        client.post(
            detail_url(assessment, "new-version/"), {"reason": ""}, format="json"
        ).status_code
        == 400
    )
    response = client.post(
        detail_url(assessment, "new-version/"), {"reason": "New school"}, format="json"
    )
    assert response.status_code == 201, response.json()
    new = Assessment.objects.get(pk=response.json()["id"])
    assert new.number == 2 and new.previous_id == assessment.pk
    assert response.json()["previous_version"] == str(assessment.pk)
    assert client.get(detail_url(assessment)).json()["next_version"] == str(new.pk)
    assert audits(new, "create").count() == 1
    assert (
        client.post(
            detail_url(assessment, "new-version/"), {"reason": "Again"}, format="json"
        ).status_code
        == 409
    )


# ---------------------------------------------------------------- the panel


def test_referring_without_consent_is_409_and_with_consent_201(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    refused = client.post(detail_url(assessment, "refer-to-panel/"))
    assert refused.status_code == 409
    assert "consent" in refused.json()["detail"]
    assert not PanelReferral.objects.exists()

    ConsentDecisionFactory(family=family)
    response = client.post(detail_url(assessment, "refer-to-panel/"))
    assert response.status_code == 201, response.json()
    referral = PanelReferral.objects.get()
    assert (
        response.json()["id"] == str(referral.pk) and response.json()["consent_basis"] == "consent"
    )
    assert AuditEvent.objects.filter(
        record_type="assessments.panelreferral", record_id=str(referral.pk), action="create"
    ).exists()
    assert client.post(detail_url(assessment, "refer-to-panel/")).status_code == 409


# ---------------------------------------------------------------- PDF and schema


def test_the_pdf_is_a_pdf_and_audited_as_an_export(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    client = api_for(practitioner)

    for headers in ({}, {"HTTP_ACCEPT": "application/pdf"}):
        response = client.get(detail_url(assessment, "pdf/"), **headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert family.reference in response["Content-Disposition"]
        assert PdfReader(BytesIO(response.content)).pages
    assert audits(assessment, "export").count() == 2


def test_the_schema_lists_the_endpoints(client, tmp_path):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for path, method in (
        ("/api/v1/assessments/", "get"),
        ("/api/v1/assessments/", "post"),
        ("/api/v1/assessments/{id}/", "get"),
        ("/api/v1/assessments/{id}/sections/{key}/", "put"),
        ("/api/v1/assessments/{id}/sections/{key}/children/{child_id}/", "put"),
        ("/api/v1/assessments/{id}/submit/", "post"),
        ("/api/v1/assessments/{id}/sign-off/", "post"),
        ("/api/v1/assessments/{id}/return/", "post"),
        ("/api/v1/assessments/{id}/new-version/", "post"),
        ("/api/v1/assessments/{id}/consultation/", "post"),
        ("/api/v1/assessments/{id}/refer-to-panel/", "post"),
        ("/api/v1/assessments/{id}/safeguarding-stop/", "post"),
        ("/api/v1/assessments/{id}/pdf/", "get"),
    ):
        assert method in schema["paths"][path], (path, method)
        assert schema["paths"][path][method]["tags"] == ["assessments"]
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
