"""Browser journey: a practitioner signs in with a security code, searches for a child,
opens their record and then their family. axe-core checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.models import AuditEvent
from core.tests.factories import CouncilFactory, TeamFactory
from people.models import FamilyMember
from people.tests.factories import (
    AdultFactory,
    ChronologyEntryFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    ProfessionalInvolvementFactory,
)
from tests.browser import assert_no_axe_violations, totp_code, visit


def _code(device) -> str:
    return totp_code(device)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_find_person_and_open_family_journey(live_server, page):
    CouncilFactory()
    team = TeamFactory(name="Family Support North")
    user = UserFactory(
        username="pat.practitioner", team=team, roles=[Role.PRACTITIONER], is_demo=False
    )
    device = TOTPDeviceFactory(user=user)
    family = FamilyFactory(name="Ashworth family", team=team)
    mother = AdultFactory(first_name="Joanne", last_name="Ashworth")
    child = PersonFactory(first_name="Zoë", last_name="Ashworth")
    FamilyMemberFactory(family=family, person=mother, role=FamilyMember.Role.PARENT_CARER)
    FamilyMemberFactory(family=family, person=child, role=FamilyMember.Role.CHILD)
    ChronologyEntryFactory(person=child, summary="Moved to a new primary school.")
    ProfessionalInvolvementFactory(person=child, name="Sam Health", role="School nurse")
    # Someone in another team's family with the same surname must never appear.
    hidden_family = FamilyFactory(name="Other family", team=TeamFactory())
    FamilyMemberFactory(
        family=hidden_family, person=PersonFactory(first_name="Zola", last_name="Ashworth")
    )

    visit(page, f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_no_axe_violations(page, "security code page")
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("link", name="Find a person").first).to_be_visible()
    assert_no_axe_violations(page, "home page")
    page.get_by_role("link", name="Find a person").first.click()

    assert_no_axe_violations(page, "search page")
    page.get_by_label("Name").fill("zoe ashwroth")  # no accent, a typo
    page.get_by_role("button", name=re.compile("Search")).click()
    assert "ashw" not in page.url.lower()  # search terms never go in the address
    assert_no_axe_violations(page, "search results")
    results = page.locator("main")
    expect(results.get_by_role("link", name=re.compile("Zoë Ashworth"))).to_be_visible()
    expect(results.get_by_text("Zola")).to_have_count(0)

    page.get_by_role("link", name=re.compile("Zoë Ashworth")).click()
    expect(page.get_by_role("heading", name=re.compile("Zoë Ashworth"))).to_be_visible()
    assert_no_axe_violations(page, "person page")
    expect(page.get_by_text("Moved to a new primary school.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Ashworth family")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Ashworth family"))).to_be_visible()
    assert_no_axe_violations(page, "family page")
    main = page.locator("main")
    expect(main.get_by_text("Joanne Ashworth").first).to_be_visible()
    expect(main.get_by_text("Sam Health").first).to_be_visible()
    expect(main.get_by_text("Moved to a new primary school.").first).to_be_visible()

    views = AuditEvent.objects.filter(actor=user, action="view")
    assert views.filter(record_type="people.person", record_id=str(child.pk)).count() == 1
    assert views.filter(record_type="people.family", record_id=str(family.pk)).count() == 1

    # Keyboard: the skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
