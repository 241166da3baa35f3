"""Assessment pages: scope, audit, the task list, error summaries that keep answers, locking, PDF."""

from html import unescape
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import Assessment, AssessmentSection
from assessments.presenters import child_name
from assessments.sections import SECTIONS
from assessments.tests.conftest import client_for
from assessments.tests.factories import AssessmentFactory, CompletedAssessmentFactory
from consent.tests.factories import ConsentDecisionFactory
from core.models import AuditEvent
from people.tests.factories import family_with_members
from support_requests.models import SafeguardingStop

pytestmark = pytest.mark.django_db


def url(name, assessment, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"assessment_id": assessment.pk, **kwargs})


def section_url(assessment, key, child=None):
    kwargs = {"key": key}
    if child is not None:
        kwargs["child_id"] = child.pk
    return url("section", assessment, **kwargs)


def views_of(assessment):
    return AuditEvent.objects.filter(
        record_type="assessments.assessment", record_id=str(assessment.pk), action="view"
    )


def test_starting_an_assessment_from_the_family(practitioner, family, children):
    client = client_for(practitioner)
    page = client.get(reverse("assessments:start", kwargs={"family_id": family.pk}))
    assert page.status_code == 200
    assert children[0].first_name in unescape(page.content.decode())

    response = client.post(
        reverse("assessments:start", kwargs={"family_id": family.pk}),
        {"children": [str(c.pk) for c in children]},
    )

    assessment = Assessment.objects.get(family=family)
    assert response.status_code == 302 and response["Location"] == url("detail", assessment)
    assert assessment.children.count() == 2


def test_the_task_list_shows_every_section_and_each_child(practitioner, family, children):
    assessment = AssessmentFactory(worker=practitioner, family=family, children=children)
    html = unescape(client_for(practitioner).get(url("detail", assessment)).content.decode())

    assert "govuk-task-list" in html
    for section in SECTIONS:
        assert f"{section.number}. {section.title}" in html
    for child in children:
        assert f"Developmental needs: {child.first_name}" in html
        assert f"Views of the child and when they were seen: {child.first_name}" in html
    assert "13. Consultation after completion" in html and "Cannot start yet" in html
    assert views_of(assessment).filter(detail__page="detail").count() == 1


def test_out_of_scope_assessments_are_404_everywhere(practitioner, other_family):
    assessment = AssessmentFactory(family=other_family)
    client = client_for(practitioner)
    for path in (
        url("detail", assessment),
        section_url(assessment, "parenting"),
        url("submit", assessment),
        url("pdf", assessment),
        url("refer", assessment),
        url("new_version", assessment),
        reverse("assessments:start", kwargs={"family_id": other_family.pk}),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(section_url(assessment, "parenting"), {"basic_care": "x"}).status_code == 404
    assert not AssessmentSection.objects.filter(assessment=assessment).exists()


def test_panel_members_cannot_see_assessments(team, family):
    member = UserFactory(team=team, roles=[Role.PANEL_MEMBER])
    assessment = AssessmentFactory(family=family)
    assert client_for(member).get(url("detail", assessment)).status_code == 404


def test_saving_for_later_keeps_answers_and_audits(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = client_for(practitioner)

    response = client.post(
        section_url(assessment, "parenting"),
        {"basic_care": "Struggling", "version": "0", "completed": "no"},
    )

    assert response.status_code == 302
    row = AssessmentSection.objects.get(assessment=assessment, key="parenting")
    assert row.answers["basic_care"] == "Struggling" and row.status == "in_progress"
    saved = AuditEvent.objects.filter(
        record_type="assessments.assessment", record_id=str(assessment.pk)
    )
    assert list(saved.values_list("actor", "action", "detail")) == [
        (
            practitioner.pk,
            "update",
            {
                "section": "parenting",
                "child": None,
                "fields": ["basic_care"],
                "status": "in_progress",
            },
        )
    ]
    page = client.get(section_url(assessment, "parenting")).content.decode()
    assert "Struggling" in page
    assert list(saved.order_by("pk").values_list("actor", "action", "detail"))[1:] == [
        (practitioner.pk, "view", {"page": "section", "section": "parenting"})
    ]


def test_an_invalid_date_and_a_missing_answer_show_the_error_summary_and_keep_every_answer(
    practitioner, family
):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    child = assessment.children.get()
    client = client_for(practitioner)

    response = client.post(
        section_url(assessment, "child_views", child),
        {
            "child_views": "Likes football, worries about mum",
            "first_seen_on_0": "31",
            "first_seen_on_1": "2",
            "first_seen_on_2": "2026",
            "seen_alone": "no",
            "not_seen_alone_reason": "",
            "completed": "yes",
            "version": "0",
        },
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "<title>Error: " in html
    assert "Date the child was first seen must be a real date" in html
    assert "Enter the reason the child was not seen alone" in html
    # What was typed is still on the page...
    assert "Likes football, worries about mum" in html
    assert 'name="first_seen_on_0" type="text" value="31"' in html or 'value="31"' in html
    # ...and the answers that passed are saved as a draft, the section not completed.
    row = AssessmentSection.objects.get(assessment=assessment, key="child_views", child=child)
    assert row.answers["child_views"] == "Likes football, worries about mum"
    assert row.answers["seen_alone"] == "no"
    assert "first_seen_on" not in row.answers
    assert row.status == AssessmentSection.Status.IN_PROGRESS


def test_seen_alone_needs_a_date_and_completes(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    child = assessment.children.get()
    client = client_for(practitioner)
    data = {
        "child_views": "Happy at school",
        "first_seen_on_0": "5",
        "first_seen_on_1": "10",
        "first_seen_on_2": "2026",
        "seen_alone": "yes",
        "completed": "yes",
        "version": "0",
    }
    response = client.post(section_url(assessment, "child_views", child), data)
    assert "Enter the date the child was seen alone" in unescape(response.content.decode())

    data.update(
        {"seen_alone_on_0": "5", "seen_alone_on_1": "10", "seen_alone_on_2": "2026", "version": "1"}
    )
    response = client.post(section_url(assessment, "child_views", child), data)
    assert response.status_code == 302
    row = AssessmentSection.objects.get(assessment=assessment, key="child_views", child=child)
    assert (
        row.status == AssessmentSection.Status.COMPLETED
        and row.answers["seen_alone_on"] == "2026-10-05"
    )


def test_a_stale_section_keeps_what_was_typed_and_shows_the_saved_answers(practitioner, family):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = client_for(practitioner)
    client.post(
        section_url(assessment, "parenting"),
        {"basic_care": "First", "version": "0", "completed": "no"},
    )

    response = client.post(
        section_url(assessment, "parenting"),
        {"basic_care": "Second", "version": "0", "completed": "no"},
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in html
    assert "Second" in html and "First" in html
    assert (
        AssessmentSection.objects.get(assessment=assessment, key="parenting").answers["basic_care"]
        == "First"
    )


def test_a_completed_assessment_is_read_only_and_cannot_be_posted_to(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    client = client_for(practitioner)
    before = AssessmentSection.objects.get(assessment=assessment, key="parenting").answers

    page = unescape(client.get(url("detail", assessment)).content.decode())
    response = client.post(
        section_url(assessment, "parenting"),
        {"basic_care": "Changed", "version": "1", "completed": "yes"},
    )

    assert "govuk-task-list" not in page and "Change this assessment (starts a new version)" in page
    assert response.status_code == 302 and response["Location"] == url("detail", assessment)
    assert AssessmentSection.objects.get(assessment=assessment, key="parenting").answers == before


def test_cp_concerns_in_section_8_go_straight_to_the_stop(practitioner, family, council):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    client = client_for(practitioner)

    response = client.post(
        section_url(assessment, "risks"),
        {
            "risks": "Unexplained bruising",
            "cin_cp_concern": "yes",
            "completed": "no",
            "version": "0",
        },
    )

    assert response.status_code == 302 and response["Location"] == url(
        "safeguarding_stop", assessment
    )
    stop = SafeguardingStop.objects.get(assessment=assessment)
    assert stop.trigger == SafeguardingStop.Trigger.ASSESSMENT_CONCERN
    # Nothing else can be done until the next step is recorded.
    assert client.get(url("detail", assessment))["Location"] == url("safeguarding_stop", assessment)
    assert client.get(section_url(assessment, "parenting"))["Location"] == url(
        "safeguarding_stop", assessment
    )
    page = unescape(client.get(url("safeguarding_stop", assessment)).content.decode())
    assert council.duty_team_phone in page
    client.post(url("safeguarding_stop", assessment), {"next_step": "phoned_duty_team"})
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.STOPPED


def test_refer_page_refuses_without_consent(practitioner, family):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)
    client = client_for(practitioner)

    page = unescape(client.get(url("refer", assessment)).content.decode())
    response = client.post(url("refer", assessment))

    assert "You cannot refer this family to the panel without their consent" in page
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not hasattr(Assessment.objects.get(pk=assessment.pk), "panel_referral")

    ConsentDecisionFactory(family=family)
    assert client.post(url("refer", assessment)).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).panel_referral.submitted_by == practitioner


def test_the_pdf_of_a_two_child_assessment_holds_every_section(practitioner):
    family = family_with_members(team=practitioner.team, children=2, adults=1)
    children = [m.person for m in family.members.filter(role="child")]
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family, children=children)

    response = client_for(practitioner).get(url("pdf", assessment))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert family.reference in response["Content-Disposition"]
    for child in children:
        assert child.first_name not in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    for section in SECTIONS:
        assert f"{section.number}. {section.title}" in flat, section.title
    assert "13. Consultation after completion" in flat
    for child in children:
        assert f"Developmental needs: {child.first_name}" in flat
    assert "Too young to be seen apart from their parent" in flat
    assert AuditEvent.objects.filter(record_id=str(assessment.pk), action="export").exists()


def test_the_pdf_holds_section_10_for_every_child(practitioner):
    family = family_with_members(team=practitioner.team, children=3, adults=1)
    children = [m.person for m in family.members.filter(role="child").order_by("pk")]
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family, children=children)
    # Each child's views are their own, so a missing child cannot hide behind another's answers.
    own_views = {}
    for row in AssessmentSection.objects.filter(
        assessment=assessment, key="child_views"
    ).select_related("child__person"):
        own_views[row.child.person.pk] = f"Views of child {row.child.position}: likes drawing"
        row.answers = {**row.answers, "child_views": own_views[row.child.person.pk]}
        row.save()

    response = client_for(practitioner).get(url("pdf", assessment))

    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    title = next(section.title for section in SECTIONS if section.key == "child_views")
    for child in children:
        heading = f"10. {title}: {child_name(child)}"
        assert flat.count(heading) == 1, heading
        after_heading = flat[flat.index(heading) + len(heading) :]
        ends = [
            at for at in (after_heading.find(f"10. {title}"), after_heading.find("11. ")) if at >= 0
        ]
        assert own_views[child.pk] in after_heading[: min(ends)], heading


def test_a_professional_added_from_section_3_goes_on_the_record_and_comes_back(
    practitioner, family, children
):
    assessment = AssessmentFactory(worker=practitioner, family=family, children=children)
    client = client_for(practitioner)
    section = section_url(assessment, "professionals")
    page = unescape(client.get(section).content.decode())
    add_url = reverse("people:professional_add", kwargs={"person_id": children[0].pk})
    assert f"{add_url}?return_to=" in page

    response = client.post(
        add_url,
        {
            "name": "Jo Bloggs",
            "role": "School nurse",
            "organisation": "Vale School Nursing",
            "return_to": section,
        },
    )

    assert response.status_code == 302 and response["Location"] == section
    assert children[0].professionals.filter(name="Jo Bloggs").exists()
    html = unescape(client.get(section).content.decode())
    assert "Has Jo Bloggs (School nurse, Vale School Nursing) contributed?" in html


def test_return_to_elsewhere_is_ignored(practitioner, family, children):
    client = client_for(practitioner)
    add_url = reverse("people:professional_add", kwargs={"person_id": children[0].pk})
    response = client.post(
        add_url,
        {
            "name": "Jo Bloggs",
            "role": "School nurse",
            "organisation": "Vale",
            "return_to": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse(
        "people:person_detail", kwargs={"person_id": children[0].pk}
    )


def test_the_referrer_sees_the_esmap_number_and_the_panels_meeting(practitioner, team):
    from panel import services as panel_services
    from panel.tests.factories import PanelFactory, panel_referral

    panel = PanelFactory()
    referral = panel_referral(panel, submitted_by=practitioner)
    referral.family.team_links.create(team=team, started_on=referral.family.created_at.date())
    assessment = referral.assessment
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    page = unescape(client_for(practitioner).get(url("detail", assessment)).content.decode())
    assert "Waiting to be logged by the panel’s business support" in page

    case = panel_services.panel_case_log(actor=staff, referral=referral)

    page = unescape(client_for(practitioner).get(url("detail", assessment)).content.decode())
    assert case.esmap_number in page and case.get_status_display() in page
