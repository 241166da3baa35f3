"""Browser journeys for the early support assessment.

1. A school practitioner's request is triaged by the area's early support team leader, who
   decides on an assessment; the practitioner completes all fourteen sections for a family
   with two children (one seen alone, one not, with the reason), records the family's
   consent, submits; the team leader signs it off; the practitioner refers to the panel.
2. Child protection concerns recorded mid-assessment stop the early help path.

axe-core checks every page visited (tests.browser.visit and assert_no_axe_violations).
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from assessments.models import Assessment, AssessmentSection, PanelReferral
from core.council_pack import load_council_pack
from core.models import Agency, Area, AuditEvent, Council, Team
from core.tests.factories import TeamFactory
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory
from support_requests.models import SafeguardingStop, SupportRequest
from support_requests.tests.factories import SupportRequestFactory
from tests.browser import assert_no_axe_violations, totp_code, visit


def _code(device) -> str:
    return totp_code(device)


def _sign_in(page: Page, user, device) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()


def _switch_user(page: Page, url: str, user, device) -> None:
    # Let the last page finish every request first: a response still in flight after the cookies
    # are cleared would set the previous user's session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    visit(page, url)
    _sign_in(page, user, device)


def _date(page: Page, group: str, value: date) -> None:
    fieldset = page.get_by_role("group", name=re.compile(group))
    fieldset.get_by_label("Day").fill(str(value.day))
    fieldset.get_by_label("Month").fill(str(value.month))
    fieldset.get_by_label("Year").fill(str(value.year))


def _radio(page: Page, group: str, label: str) -> None:
    page.get_by_role("group", name=re.compile(group)).get_by_label(label, exact=True).check()


def _open_task(page: Page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert_no_axe_violations(page, title)


def _complete(page: Page, label: str) -> None:
    _radio(page, "Have you completed this section", "Yes, I’ve completed this section")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as completed")
    assert_no_axe_violations(page, f"task list after {label}")


def _family(area, team):
    family = FamilyFactory(name="Khan family", reference="FAM-00101", area=area, team=team)
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Samina", last_name="Khan"),
        role=FamilyMember.Role.PARENT_CARER,
    )
    zara = PersonFactory(first_name="Zara", last_name="Khan", date_of_birth=date(2017, 5, 1))
    ali = PersonFactory(first_name="Ali", last_name="Khan", date_of_birth=date(2024, 9, 1))
    FamilyMemberFactory(family=family, person=zara, role=FamilyMember.Role.CHILD)
    FamilyMemberFactory(family=family, person=ali, role=FamilyMember.Role.CHILD)
    return family


def _people():
    load_council_pack("core/tests/packs/tiny.yaml")
    Council.objects.update(assessment_sign_off_required=True)
    north = Area.objects.get(code="north-vale")
    school_team = TeamFactory(
        code="north-vale-primary",
        name="North Vale Primary School",
        agency=Agency.objects.get(code="vale-schools"),
        area=north,
    )
    practitioner = UserFactory(
        username="school.practitioner", team=school_team, roles=[Role.PRACTITIONER], is_demo=False
    )
    leader = UserFactory(
        username="north.leader",
        team=Team.objects.get(code="family-help-north"),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
        is_demo=False,
    )
    return north, school_team, practitioner, leader


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_assessment_and_panel_referral_journey(live_server, page):
    north, school_team, practitioner, leader = _people()
    family = _family(north, school_team)
    support_request = SupportRequestFactory(
        source=SupportRequest.Source.PRACTITIONER,
        area=north,
        family=family,
        requester=practitioner,
        requester_team=school_team,
        requester_agency=school_team.agency,
        requester_name="",
        what_is_happening="Zara is missing school most Mondays and seems withdrawn.",
        family_knows_and_consents=True,
        safeguarding_concern=False,
    )
    practitioner_device = TOTPDeviceFactory(user=practitioner)
    leader_device = TOTPDeviceFactory(user=leader)
    today = date.today()

    # ---- Triage: the team leader decides on an assessment.
    visit(page, f"{live_server.url}/requests/{support_request.pk}/")
    _sign_in(page, leader, leader_device)
    page.get_by_role("button", name="Start triage").click()
    page.get_by_role("button", name="Record triage").click()
    expect(page.get_by_role("heading", name="Triage", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "triage")
    _date(page, "^Date$", today)
    page.get_by_label("Who did you speak to?").fill("Class teacher, North Vale Primary")
    page.get_by_label("Summary of the conversation").fill(
        "Attendance has fallen; mum is struggling."
    )
    page.get_by_role("group", name=re.compile("section 17")).get_by_label("No").check()
    page.get_by_role("group", name="What is the level of need?").get_by_label(
        re.compile("Extra help")
    ).check()
    page.get_by_role("group", name="What happens next?").get_by_label(
        "Start an early support assessment"
    ).check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name=re.compile(support_request.reference))).to_contain_text(
        "Assessment agreed"
    )
    assert_no_axe_violations(page, "request after triage")

    # ---- The practitioner starts the assessment from the family's record.
    _switch_user(
        page, f"{live_server.url}/people/families/{family.pk}/", practitioner, practitioner_device
    )
    page.get_by_role("link", name="Early support assessments").click()
    assert_no_axe_violations(page, "family assessments")
    page.get_by_role("link", name="Start an assessment").click()
    expect(page.get_by_role("heading", name="Start an early support assessment")).to_be_visible()
    assert_no_axe_violations(page, "start page")
    expect(page.get_by_label("Zara Khan")).to_be_checked()
    expect(page.get_by_label("Ali Khan")).to_be_checked()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.locator(".govuk-task-list")).to_be_visible()
    assert_no_axe_violations(page, "task list")
    assessment = Assessment.objects.get(family=family)
    assert assessment.support_request == support_request

    # 1. What the family record already holds is shown, not asked again.
    _open_task(page, "1. Family, household and significant people")
    expect(page.locator("main")).to_contain_text("Samina")
    _radio(page, "Is the family’s information", "Yes")
    page.get_by_label("Your role or job title").fill("Pastoral lead")
    _complete(page, "section 1")

    _open_task(page, "2. Referral to the multi-agency panel")
    _radio(page, "Are you referring this family", "Yes")
    _date(page, "Date of referral", today)
    page.get_by_label("Presenting reason that brings you to refer to the panel").fill(
        "Needs are beyond what school alone can offer."
    )
    _radio(page, "Will you keep working with the family", "Yes, I will keep working with them")
    _complete(page, "section 2")

    _open_task(page, "3. Professional relationships")
    page.get_by_label("Anyone else who contributed").fill(
        "School nurse, North Vale Primary, 01234 000111"
    )
    _complete(page, "section 3")

    _open_task(page, "4. Assessment details")
    # The reason is offered from the request: the family is not asked again.
    expect(page.get_by_label("Reason for this assessment and the presenting issues")).to_have_value(
        "Zara is missing school most Mondays and seems withdrawn."
    )
    _date(page, "Date the assessment started", today)
    _complete(page, "section 4")

    for name in ("Zara Khan", "Ali Khan"):
        _open_task(page, f"5. Developmental needs: {name}")
        for label in (
            "Health",
            "Education",
            "Emotional and behavioural development",
            "Identity, family and social relationships",
            "Self-care skills and social presentation",
        ):
            page.get_by_label(label, exact=True).fill(
                f"{label} for {name}: going well, some worries."
            )
        _complete(page, f"section 5 for {name}")

    _open_task(page, "6. Parental capacity")
    for label in (
        "Basic care and ensuring safety",
        "Emotional warmth and stimulation",
        "Guidance, boundaries and stability",
    ):
        page.get_by_label(label).fill(f"{label}: Samina is loving but exhausted.")
    _complete(page, "section 6")

    _open_task(page, "7. Family and environmental factors")
    for label in (
        "Family history and functioning",
        "Wider family and significant others",
        "Housing, employment and income",
        "The family’s social integration and community resources",
    ):
        page.get_by_label(label).fill(f"{label}: recorded.")
    _complete(page, "section 7")

    _open_task(page, "8. Risks and strengths")
    page.get_by_label("Risks", exact=True).fill(
        "Missed school, missed health appointments for Ali."
    )
    page.get_by_label("Strengths and protective factors").fill(
        "A loving mum and a supportive grandmother."
    )
    _radio(page, "Do you have concerns that a child is in need", "No")
    _complete(page, "section 8")

    _open_task(page, "9. Historical involvement of other professionals and services")
    page.get_by_label("Other significant history").fill("None known")
    _complete(page, "section 9")

    # 10. Zara is seen alone; Ali is not, and the reason is recorded. First, the error summary.
    _open_task(page, "10. Views of the child and when they were seen: Zara Khan")
    page.get_by_label("The child’s views, wishes and feelings").fill(
        "Zara says she misses her friends on Mondays."
    )
    _date(page, "Date the child was first seen", today)
    page.get_by_role("group", name=re.compile("Date the child was first seen")).get_by_label(
        "Day"
    ).fill("32")
    _radio(page, "Was the child seen alone", "Yes")
    _radio(page, "Have you completed this section", "Yes, I’ve completed this section")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date the child was first seen must be a real date")
    expect(summary).to_contain_text("Enter the date the child was seen alone")
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page, "section 10 with errors")
    # Every other answer is kept.
    expect(page.get_by_label("The child’s views, wishes and feelings")).to_have_value(
        "Zara says she misses her friends on Mondays."
    )
    _date(page, "Date the child was first seen", today)
    _date(page, "If yes, the date they were seen alone", today)
    _complete(page, "section 10 for Zara")

    _open_task(page, "10. Views of the child and when they were seen: Ali Khan")
    page.get_by_label("The child’s views, wishes and feelings").fill(
        "Ali (2) played happily; observed with mum."
    )
    _date(page, "Date the child was first seen", today)
    _radio(page, "Was the child seen alone", "No")
    page.get_by_label("If not, the reason the child was not seen alone").fill(
        "Ali is two and was not separated from his mother; observed at home."
    )
    _complete(page, "section 10 for Ali")

    _open_task(page, "10. Views of parents, carers and significant others")
    page.get_by_label("Views of parents, carers and significant others").fill(
        "Samina wants help with routines."
    )
    page.get_by_label("Family members seen and spoken to").fill(f"Samina, {today:%-d %B %Y}")
    _complete(page, "section 10 for parents")

    _open_task(page, "11. Analysis and recommendations")
    page.get_by_label("Analysis and professional judgement").fill(
        "Zara's attendance will fall further."
    )
    page.get_by_label("Recommendations and actions").fill(
        "Family support worker; morning routines."
    )
    _complete(page, "section 11")

    _open_task(page, "12. Decision")
    page.get_by_label("Step up to a Team Around the Family meeting").check()
    _date(page, "Date of the decision", today)
    _complete(page, "section 12")

    # 14. Consent: the section cannot be completed until consent to the assessment is recorded.
    _open_task(page, "14. Consent and signatures")
    _radio(page, "Has the family been given", "Yes")
    page.get_by_label("Parent or carer who agreed the declaration").fill("Samina Khan")
    _date(page, "Date the parent or carer agreed", today)
    _date(page, "Date you, the assessor, signed", today)
    _radio(page, "Have you completed this section", "Yes, I’ve completed this section")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Record the family’s consent to the assessment"
    )
    assert_no_axe_violations(page, "section 14 without consent")
    expect(page.get_by_label("Parent or carer who agreed the declaration")).to_have_value(
        "Samina Khan"
    )

    # The family decided about the assessment and the referral in one conversation: one form.
    _record_consent(
        page,
        purposes=("Early support assessment", "Referral to the early support multi-agency panel"),
        today=today,
    )
    # Back on section 14, where the answers typed before are waiting.
    expect(page.get_by_label("Parent or carer who agreed the declaration")).to_have_value(
        "Samina Khan"
    )
    expect(page.locator("main")).to_contain_text(
        "The family’s consent to this assessment is recorded"
    )
    _complete(page, "section 14")

    expect(page.locator("main")).to_contain_text("You have completed 16 of 16 sections")
    page.get_by_role("link", name="Check and submit").click()
    expect(
        page.get_by_role("heading", name="Check your answers before submitting the assessment")
    ).to_be_visible()
    assert_no_axe_violations(page, "check answers")
    expect(page.locator("main")).to_contain_text("Ali is two and was not separated from his mother")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator("main")).to_contain_text("Waiting for a manager to sign off")
    assert_no_axe_violations(page, "awaiting sign-off")

    # ---- The team leader signs it off.
    _switch_user(page, f"{live_server.url}/assessments/{assessment.pk}/", leader, leader_device)
    page.get_by_role("link", name="Review and sign off").click()
    assert_no_axe_violations(page, "sign-off page")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED and assessment.signed_off_by == leader

    # ---- Locked: the practitioner refers to the panel.
    _switch_user(
        page, f"{live_server.url}/assessments/{assessment.pk}/", practitioner, practitioner_device
    )
    expect(page.locator(".govuk-task-list")).to_have_count(0)
    assert_no_axe_violations(page, "completed assessment")
    # The print link is wired up by static/app.js (no inline script under the CSP, ADR 0010).
    page.evaluate("() => { window.print = () => { window.printCalled = true; }; }")
    page.get_by_role("link", name="Print this assessment").click()
    assert page.evaluate("window.printCalled === true")
    page.get_by_role("link", name="Refer to the panel").click()
    assert_no_axe_violations(page, "refer page")
    expect(page.locator("main")).to_contain_text("The family gave consent to the referral")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Referred to the panel")
    assert_no_axe_violations(page, "referred")

    # Section 13: the family's views and the copy they were given, recorded after completion.
    page.get_by_role("link", name=re.compile("Record the family’s views")).click()
    assert_no_axe_violations(page, "consultation")
    page.get_by_label(
        "Views of parents, carers and significant others on the assessment and outcome"
    ).fill("Samina agrees with the plan to refer.")
    _date(page, "Date the assessment was shared with the family", today)
    _date(page, "Date a copy was given to the family", today)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consultation recorded")

    # The PDF downloads with the family's reference, never a name, in its file name.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == "assessment-FAM-00101-v1.pdf"

    # A change makes a new version; the completed one stays as it was.
    page.get_by_role("link", name="Change this assessment (starts a new version)").click()
    assert_no_axe_violations(page, "new version page")
    page.get_by_label("Why does the assessment need to change?").fill("Dad has moved back in.")
    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 2")
    expect(page.locator(".govuk-task-list")).to_be_visible()
    page.get_by_role("link", name="version 1").click()
    expect(page.locator("main")).to_contain_text("This is an earlier version")
    expect(page.locator("main")).to_contain_text("Ali is two and was not separated from his mother")
    assert_no_axe_violations(page, "earlier version")

    referral = PanelReferral.objects.get()
    assert referral.assessment == assessment and referral.consent_basis == "consent"
    child_views = AssessmentSection.objects.filter(assessment=assessment, key="child_views")
    assert sorted(s.answers["seen_alone"] for s in child_views) == ["no", "yes"]
    assert AuditEvent.objects.filter(
        actor=practitioner, action="create", record_id=str(referral.pk)
    ).exists()


def _record_consent(page: Page, *, purposes: tuple[str, ...], today: date) -> None:
    """From section 14, through the family's consent page and back again."""
    page.get_by_role("link", name="Record or check consent and information sharing").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent")
    assert_no_axe_violations(page, "consent page")
    page.get_by_role("link", name="Record a consent decision").click()
    assert_no_axe_violations(page, "record consent")
    for purpose in purposes:
        _radio(page, "What did the family decide about", purpose)
    _radio(page, "What did the family decide", "Consent given")
    page.get_by_label("Name of the person who decided").fill("Samina Khan")
    _radio(page, "Who are they", "Parent or carer")
    page.get_by_role("group", name=re.compile("What is the lawful basis")).get_by_label(
        re.compile("Consent – the family agreed")
    ).check()
    page.get_by_label("What information may be shared?").fill(
        "The assessment and the family's plan."
    )
    _date(page, "Date of the decision", today)
    page.get_by_role("button", name="Save consent decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("14. Consent and signatures")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Consent decisions saved" if len(purposes) > 1 else "Consent decision saved"
    )
    assert_no_axe_violations(page, "back from consent")


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_assessment_safeguarding_stop_journey(live_server, page):
    north, school_team, practitioner, _leader = _people()
    family = _family(north, school_team)
    device = TOTPDeviceFactory(user=practitioner)

    visit(page, f"{live_server.url}/assessments/families/{family.pk}/new/")
    _sign_in(page, practitioner, device)
    page.get_by_role("button", name="Start assessment").click()
    assessment = Assessment.objects.get(family=family)

    _open_task(page, "8. Risks and strengths")
    page.get_by_label("Risks", exact=True).fill(
        "Zara has a bruise on her face and says dad hit her."
    )
    _radio(page, "Do you have concerns that a child is in need", "Yes")
    _radio(page, "Have you completed this section", "No, I’ll come back to it later")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name=re.compile("Stop: contact"))).to_be_visible()
    assert_no_axe_violations(page, "safeguarding stop")
    expect(page.locator("main")).to_contain_text(Council.objects.get().duty_team_phone)
    # The task list cannot be reached until the next step is recorded.
    visit(page, f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Stop: contact"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Continue|Save|Record")).first.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what you have done")
    assert_no_axe_violations(page, "safeguarding stop with an error")
    page.get_by_label("I have phoned the duty team now").check()
    page.get_by_role("button", name=re.compile("Continue|Save|Record")).first.click()
    expect(page.locator("main")).to_contain_text("Stopped: referred to the duty team")
    assert_no_axe_violations(page, "stopped assessment")

    stop = SafeguardingStop.objects.get(assessment=assessment)
    assert stop.next_step == SafeguardingStop.NextStep.PHONED and stop.actor == practitioner
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.STOPPED
    # The answer that raised it is kept on the record.
    assert (
        AssessmentSection.objects.get(assessment=assessment, key="risks").answers["cin_cp_concern"]
        == "yes"
    )
