"""Browser journeys for a lead professional's work tray: a plan review gone overdue, and a contact
they planned and have not yet made, wait on their home page, marked overdue; one click opens the
page where the work is done, and once it is recorded the item leaves. axe checks every page
visited.

Time is not frozen: the episode is dated back from today, so its first review (six weeks after
the plan starts) is already late whatever day the journey runs.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from casework import plans
from casework.models import Contact, FamilyPlan, PlanReview
from casework.tests.factories import ContactFactory
from casework.tests.factories_plans import make_episode
from core import clock
from core.tests.factories import TeamFactory
from tests.browser import assert_no_axe_violations, fill_date, sign_in, tray_section, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_lead_professional_journey(live_server, page):
    """An overdue plan review waits in its lead professional's tray; recorded, it leaves."""
    lead = UserFactory(
        username="lead.professional",
        team=TeamFactory(),
        roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER],
    )
    device = TOTPDeviceFactory(user=lead)
    today = clock.today()
    # The plan started sixty days ago, so its first review fell due eighteen days ago.
    episode = make_episode(lead_professional=lead, started_on=today - timedelta(days=60))
    plan = plans.plan_start(actor=lead, episode=episode)
    plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=plan.version,
        need="Attendance at school is low",
        outcome_family_words="The children go to school every day",
    )
    review = PlanReview.objects.get(episode=episode, held_on__isnull=True)
    assert review.due_on == today - timedelta(days=18)
    family = episode.family
    label = f"{family.name} ({family.reference})"

    # The overdue review waits on the lead professional's home page.
    visit(page, f"{live_server.url}/")
    sign_in(page, lead, device)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    tray = tray_section(page, "reviews_due")
    expect(tray).to_contain_text("Plan reviews due")
    item = tray.locator("li").filter(has_text=label)
    expect(item).to_contain_text(f"Review due {review.due_on:%-d %B %Y}")
    expect(item).to_contain_text("Overdue")
    assert_no_axe_violations(page, "home page with an overdue review")

    # One click from home to the review page, then record the review.
    tray.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    assert_no_axe_violations(page, "review page")
    fill_date(page, "When was the review held", today)
    page.get_by_role("group", name=re.compile("^Outcome 1:")).get_by_label("Some progress").check()
    page.get_by_label("The family’s views").fill("Mornings are calmer.")
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Review recorded")
    assert_no_axe_violations(page, "plan after the review")
    review.refresh_from_db()
    assert review.held_on == today
    # The next review is six weeks away: outside the tray's fortnight.
    next_review = PlanReview.objects.get(episode=episode, held_on__isnull=True)
    assert next_review.due_on == today + timedelta(weeks=6)
    assert FamilyPlan.objects.get(episode=episode).outcomes.count() == 1

    # Done, it has left the tray.
    visit(page, f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(tray_section(page, "reviews_due")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(label)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_work_tray_lead_professional_contacts_journey(live_server, page):
    """A contact the lead professional planned for yesterday waits in their tray, overdue; made,
    with the next one planned a month away, it leaves."""
    lead = UserFactory(team=TeamFactory(), roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])
    device = TOTPDeviceFactory(user=lead)
    today = clock.today()
    episode = make_episode(lead_professional=lead, started_on=today - timedelta(days=30))
    ContactFactory(
        episode=episode,
        happened_on=today - timedelta(days=10),
        next_planned_on=today - timedelta(days=1),
    )
    family = episode.family
    label = f"{family.name} ({family.reference})"

    visit(page, f"{live_server.url}/")
    sign_in(page, lead, device)
    tray = tray_section(page, "contacts_due")
    expect(tray).to_contain_text("Contacts due")
    item = tray.locator("li").filter(has_text=label)
    expect(item).to_contain_text(f"Contact planned for {today - timedelta(days=1):%-d %B %Y}")
    expect(item).to_contain_text("Overdue")
    assert_no_axe_violations(page, "home page with a contact overdue")

    # One click from home to the contact form; record the visit and plan the next.
    tray.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    assert_no_axe_violations(page, "record a contact page")
    fill_date(page, "Date of the contact", today)
    page.get_by_label("Home visit").check()
    fill_date(page, "When is the next contact planned", today + timedelta(days=30))
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Contact recorded")
    expect(page.locator("main")).to_contain_text(
        f"Next contact planned for {today + timedelta(days=30):%-d %B %Y}."
    )
    assert_no_axe_violations(page, "episode after the contact")
    latest = Contact.objects.filter(episode=episode).order_by("-happened_on", "-pk").first()
    assert (latest.happened_on, latest.kind, latest.next_planned_on) == (
        today,
        Contact.Kind.HOME_VISIT,
        today + timedelta(days=30),
    )

    # A month away is outside the tray's fortnight: the family has left it.
    visit(page, f"{live_server.url}/")
    expect(tray_section(page, "contacts_due")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(label)
