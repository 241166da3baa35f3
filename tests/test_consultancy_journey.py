"""Browser journey for casework consultancy (issue 14): a partner agency's practitioner goes from
their home page through the Offer to casework consultancy and asks for a consultation about a
family they work with; an early support team leader finds it waiting in their work tray and
assigns a consultant; the consultant finds it in theirs, accepts it and records the outcome; the
practitioner reads the outcome; and the team leader's counts show it. axe checks every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from consultancy.models import ConsultancyRequest
from consultancy.tests.factories import consultant_user
from core.tests.factories import AgencyFactory, EarlySupportAgencyFactory, TeamFactory
from people.tests.factories import FamilyFactory
from tests.browser import assert_no_axe_violations, sign_in, tray_section, visit

Status = ConsultancyRequest.Status


def _home_as(page: Page, url: str, user, device) -> None:
    """Sign out, then sign in as ``user`` from the home page."""
    page.context.clear_cookies()
    visit(page, f"{url}/")
    assert_no_axe_violations(page, "sign in")
    sign_in(page, user, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    assert_no_axe_violations(page, f"home page of {user.username}")


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_consultancy_journey(live_server, page):
    school = AgencyFactory(name="Vale Primary School")
    school_team = TeamFactory(agency=school, name="Vale Primary pastoral team")
    practitioner = UserFactory(
        username="school.practitioner",
        first_name="Sam",
        last_name="Teacher",
        team=school_team,
        roles=[Role.PRACTITIONER],
    )
    es_team = TeamFactory(agency=EarlySupportAgencyFactory(), name="Family help north")
    leader = UserFactory(username="es.leader", team=es_team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    consultant = consultant_user(
        username="es.consultant", first_name="Cara", last_name="Consultant", team=es_team
    )
    devices = {user: TOTPDeviceFactory(user=user) for user in (practitioner, leader, consultant)}
    family = FamilyFactory(team=school_team, name="Barker family")
    FamilyFactory(name="Other family")  # not the practitioner's: not offered to them

    # ---- The practitioner: home, the Offer, casework consultancy, ask.
    _home_as(page, live_server.url, practitioner, devices[practitioner])
    page.get_by_role("navigation").get_by_role("link", name="Offer", exact=True).click()
    expect(page.get_by_role("heading", name="The early help offer")).to_be_visible()
    assert_no_axe_violations(page, "the offer")
    page.get_by_role("link", name="Casework consultancy").click()
    expect(page.get_by_role("heading", name="Casework consultancy", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("You have not asked for consultancy.")
    assert_no_axe_violations(page, "casework consultancy, nothing asked")
    page.get_by_role("link", name="Ask for consultancy").click()
    expect(page.get_by_role("heading", name="Ask for casework consultancy")).to_be_visible()
    assert_no_axe_violations(page, "the ask form")
    family_select = page.get_by_label("Which family is it about? (optional)")
    expect(family_select.locator("option")).to_have_text(
        ["Not about one family", f"Barker family ({family.reference})"]
    )

    # Nothing chosen: the error summary, and what was typed is kept.
    page.get_by_label("What help do you want?").fill("Advice on a boy who will not go to school")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose consultation, coaching or co-working"
    )
    expect(page.get_by_label("What help do you want?")).to_have_value(
        "Advice on a boy who will not go to school"
    )
    assert_no_axe_violations(page, "the ask form with an error")
    page.get_by_label("Consultation", exact=True).check()
    family_select.select_option(label=f"Barker family ({family.reference})")
    page.get_by_label("When would suit you? (optional)").fill("Tuesday mornings")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your request for consultancy has been sent"
    )
    expect(page.locator("#status")).to_have_text("Asked for")
    assert_no_axe_violations(page, "the request, asked for")
    asked = ConsultancyRequest.objects.get(requested_by=practitioner)
    assert (asked.kind, asked.status, asked.family, asked.consultant) == (
        ConsultancyRequest.Kind.CONSULTATION,
        Status.REQUESTED,
        family,
        None,
    )
    assert asked.requester_agency == school

    # ---- The team leader: it waits in their work tray; they assign the consultant.
    _home_as(page, live_server.url, leader, devices[leader])
    waiting = tray_section(page, "consultancy_waiting")
    expect(waiting).to_contain_text("Consultancy requests waiting for a consultant")
    waiting.get_by_role("link", name="Consultation for Vale Primary School").click()
    expect(page.get_by_role("heading", name="Consultation request")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Advice on a boy who will not go to school")
    assert_no_axe_violations(page, "the request, for the team leader")
    page.get_by_role("link", name="Assign a consultant").click()
    expect(page.get_by_role("heading", name="Assign a consultant")).to_be_visible()
    assert_no_axe_violations(page, "the assign form")
    page.get_by_label("Which consultant?").select_option(label="Cara Consultant")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consultant assigned")
    expect(page.locator("main")).to_contain_text("Cara Consultant")
    assert_no_axe_violations(page, "the request, assigned")
    asked.refresh_from_db()
    assert (asked.status, asked.consultant) == (Status.REQUESTED, consultant)

    # ---- The consultant: it waits in their tray to answer; they accept it, then record the
    # outcome.
    _home_as(page, live_server.url, consultant, devices[consultant])
    to_answer = tray_section(page, "consultancy_to_answer")
    expect(to_answer).to_contain_text("Consultancy requests to answer")
    to_answer.get_by_role("link", name="Consultation for Vale Primary School").click()
    expect(page.get_by_role("heading", name="Consultation request")).to_be_visible()
    assert_no_axe_violations(page, "the request, for the consultant")
    page.get_by_role("link", name="Accept", exact=True).click()
    expect(page.get_by_role("heading", name="Accept the request")).to_be_visible()
    assert_no_axe_violations(page, "the accept form")
    page.get_by_label("Anything to tell the person who asked? (optional)").fill(
        "I will ring you on Tuesday"
    )
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Request accepted")
    expect(page.locator("#status")).to_have_text("Accepted")
    assert_no_axe_violations(page, "the request, accepted")
    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("heading", name="Record the outcome")).to_be_visible()
    assert_no_axe_violations(page, "the outcome form")
    page.get_by_label("What was done?").fill("Advice on a graded return to school")
    page.get_by_label("The partner carries on as lead professional").check()
    page.get_by_label("Note (optional)").fill("Review at the next school meeting")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Outcome recorded")
    expect(page.locator("#status")).to_have_text("Completed")
    assert_no_axe_violations(page, "the request, completed")
    asked.refresh_from_db()
    assert asked.status == Status.COMPLETED
    assert asked.what_was_done == "Advice on a graded return to school"
    assert asked.next_step == ConsultancyRequest.NextStep.CARRIES_ON
    assert list(asked.history.values_list("event", flat=True)) == [
        "asked",
        "assigned",
        "accepted",
        "completed",
    ]

    # ---- The practitioner reads the outcome from their tray.
    _home_as(page, live_server.url, practitioner, devices[practitioner])
    answered = tray_section(page, "consultancy_answered")
    expect(answered).to_contain_text("Your consultancy requests answered")
    answered.get_by_role("link", name="Consultation: completed").click()
    main = page.locator("main")
    expect(main).to_contain_text("Advice on a graded return to school")
    expect(main).to_contain_text("The partner carries on as lead professional")
    expect(main).to_contain_text("Review at the next school meeting")
    expect(main).to_contain_text("I will ring you on Tuesday")
    assert_no_axe_violations(page, "the outcome, for the practitioner")

    # ---- The team leader's counts show it.
    _home_as(page, live_server.url, leader, devices[leader])
    visit(page, f"{live_server.url}/consultancy/")
    page.get_by_role("link", name="Counts by kind, agency and outcome").click()
    expect(page.get_by_role("heading", name="Casework consultancy counts")).to_be_visible()
    assert_no_axe_violations(page, "the counts")
    expect(page.get_by_role("heading", name=re.compile(r"Asked for from .*: 1$"))).to_be_visible()
    expect(page.locator("#by-kind").get_by_role("row", name="Consultation")).to_contain_text("1")
    expect(
        page.locator("#by-agency").get_by_role("row", name="Vale Primary School")
    ).to_contain_text("1")
    expect(
        page.locator("#by-outcome").get_by_role(
            "row", name="The partner carries on as lead professional"
        )
    ).to_contain_text("1")
