"""Browser journey for the early help offer (issue 14): a team leader refers a family to a full
parenting programme, so the family joins its waiting list; a place frees when a participant
leaves; the family is enrolled from the list; attendance is recorded over three sessions (one
missed); the parent completes and an impact measure is recorded; and the public "find support"
page shows the programme. axe checks every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from core import clock
from directory.tests.factories import ServiceFactory
from offer.models import Attendance, Enrolment, ImpactMeasure, Referral
from offer.tests.factories import (
    EnrolmentFactory,
    GroupSessionFactory,
    OfferPolicyFactory,
    ProgrammeFactory,
    ProgrammeGroupFactory,
    member_of,
)
from people.tests.factories import FamilyFactory
from tests.browser import assert_no_axe_violations, sign_in, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_offer_waiting_list_journey(live_server, page):
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    device = TOTPDeviceFactory(user=leader)
    today = clock.today()
    OfferPolicyFactory()
    freedom = ProgrammeFactory(
        service=ServiceFactory(
            name="Freedom",
            description="For women and their families who have experienced domestic abuse.",
        ),
        team=leader.team,
    )
    group = ProgrammeGroupFactory(
        programme=freedom,
        name="Freedom Dewsbury",
        capacity=1,
        starts_on=today - timedelta(days=14),
    )
    for number, days_ago in enumerate((14, 7, 0), start=1):
        GroupSessionFactory(group=group, number=number, held_on=today - timedelta(days=days_ago))
    sitting = EnrolmentFactory(group=group)  # the one place is taken
    family = FamilyFactory(name="Barker family")
    parent = member_of(family)

    visit(page, f"{live_server.url}/offer/")
    sign_in(page, leader, device)
    expect(page.get_by_role("heading", name="The early help offer")).to_be_visible()
    assert_no_axe_violations(page, "the offer")
    page.get_by_role("link", name="Freedom").click()
    expect(page.locator("[data-places]")).to_contain_text("0 places free")
    assert_no_axe_violations(page, "the programme, full")

    # Refer the family: it joins the waiting list.
    page.get_by_role("link", name="Refer a family to this programme").click()
    assert_no_axe_violations(page, "which family")
    page.get_by_label("Family reference").fill(family.reference)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Refer or signpost the family")).to_be_visible()
    assert_no_axe_violations(page, "the referral form")
    expect(page.get_by_label("Which service?")).to_have_value(str(freedom.service_id))
    page.get_by_label(parent.full_name).check()
    page.get_by_label("Urgent").check()
    page.get_by_label("Why are you referring them?").fill("Left an abusive relationship in May")
    page.get_by_label("Who at the service did you hand over to? (optional)").fill(
        "Parenting support worker"
    )
    page.get_by_label("The family agreed to this referral").check()
    page.get_by_role("button", name="Make the referral").click()
    expect(page.locator("[data-referral]")).to_contain_text("On the waiting list position 1")
    assert_no_axe_violations(page, "the referral, waiting")
    referral = Referral.objects.get(family=family)
    assert referral.status == Referral.Status.WAITING

    # A place frees: the participant in the group leaves.
    page.get_by_role("link", name="Back").click()
    expect(page.locator("[data-waiting-list]")).to_contain_text(family.reference)
    assert_no_axe_violations(page, "the programme with its waiting list")
    page.get_by_role("link", name="Freedom Dewsbury").click()
    assert_no_axe_violations(page, "the group")
    page.get_by_role("link", name=f"Completion for {sitting.person.full_name}").click()
    assert_no_axe_violations(page, "completion form")
    page.get_by_label("Left early").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-group-places]")).to_contain_text("1 free")
    page.get_by_role("link", name="Back to Freedom").click()
    expect(page.locator("[data-place-free]")).to_contain_text(
        f"1 place free — first on the waiting list: {family.reference}"
    )
    assert_no_axe_violations(page, "the programme, a place free")

    # Enrol the family from the list.
    page.locator("[data-place-free]").get_by_role("link", name="Enrol them").click()
    assert_no_axe_violations(page, "enrol form")
    page.get_by_label(re.compile(r"Freedom Dewsbury: starts")).check()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("[data-participants]")).to_contain_text(parent.full_name)
    assert_no_axe_violations(page, "the group with the new participant")
    enrolment = Enrolment.objects.get(referral=referral)

    # Attendance at three sessions: the second missed.
    for number, mark in ((1, "Attended"), (2, "Absent"), (3, "Attended")):
        page.get_by_role("link", name=f"Record attendance at session {number}").click()
        assert_no_axe_violations(page, f"attendance at session {number}")
        page.get_by_role("group", name=parent.full_name).get_by_label(mark, exact=True).check()
        page.get_by_role("button", name="Save attendance").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Attendance recorded for session {number}"
        )
    assert_no_axe_violations(page, "the group with attendance")
    assert list(
        Attendance.objects.filter(enrolment=enrolment)
        .order_by("session__number")
        .values_list("status", flat=True)
    ) == ["attended", "absent", "attended"]

    # Completion and an impact measure.
    page.get_by_role("link", name=f"Completion for {parent.full_name}").click()
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name=f"Record an impact for {parent.full_name}").click()
    assert_no_axe_violations(page, "impact form")
    page.get_by_label("Found employment").check()
    page.get_by_label("Notes (optional)").fill("Started work at the library")
    page.get_by_role("button", name="Record the impact").click()
    expect(page.locator("[data-participants]")).to_contain_text("Found employment")
    assert_no_axe_violations(page, "the group after completion")
    enrolment.refresh_from_db()
    referral.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert referral.status == Referral.Status.COMPLETED
    assert ImpactMeasure.objects.get(enrolment=enrolment).measure == "employment"

    # The public find support page shows the programme.
    page.context.clear_cookies()
    url = reverse("directory:find_support_service", kwargs={"id": freedom.service_id})
    visit(page, f"{live_server.url}{url}")
    expect(page.get_by_role("heading", name="Freedom")).to_be_visible()
    expect(page.locator("main")).to_contain_text("experienced domestic abuse")
