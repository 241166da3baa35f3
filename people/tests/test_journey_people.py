"""A practitioner's journey through the people pages in a real browser, checked with axe.

Search, find no one, add a person to a new family, change their details, add to their
chronology, then look at the family list and the family page. Every page is checked
against WCAG 2.2 AA. Set PEOPLE_SCREENSHOTS=/some/dir to keep a screenshot of each.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from core.tests.factories import CouncilFactory
from people.models import FamilyMember, Person
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory
from tests.browser import assert_no_axe_violations

SHOTS = os.environ.get("PEOPLE_SCREENSHOTS", "")


def check(page, label: str) -> None:
    assert_no_axe_violations(page, label)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{label}.png"), full_page=True)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_practitioner_finds_adds_and_reads_people_journey(live_server, page):
    page = page
    CouncilFactory()
    user = UserFactory(username="journey.practitioner", roles=[Role.PRACTITIONER], is_demo=True)
    family = FamilyFactory(team=user.team, name="Khan family")
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Ayesha", last_name="Khan", date_of_birth=date(1988, 2, 3)),
        role=FamilyMember.Role.PARENT_CARER,
    )
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Zoë", last_name="Khan", date_of_birth=date(2017, 6, 9)),
        role=FamilyMember.Role.CHILD,
    )

    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Find a person: nothing typed is an error, shown in the summary.
    page.goto(live_server.url + "/people/search/")
    check(page, "01-search")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "02-search-error")

    page.get_by_label("Name").fill("Zoe Kahn")
    page.get_by_role("button", name="Search").click()
    assert "/people/search/" == page.url.removeprefix(live_server.url)  # no terms in the address
    expect(page.get_by_role("link", name="Zoë Khan")).to_be_visible()
    check(page, "03-search-results")

    page.get_by_label("Name").fill("Bilal Khan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add a new person").click()
    expect(page.get_by_role("heading", name="Is this one of these people?")).to_be_visible()
    check(page, "04-add-person")

    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "05-add-person-errors")

    page.get_by_label("Child or young person").first.check()
    page.locator("#id_date_of_birth_0").fill("12")
    page.locator("#id_date_of_birth_1").fill("1")
    page.locator("#id_date_of_birth_2").fill("2020")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("A new family", exact=True).check()
    page.get_by_label("Family name").fill("Bilal's family")
    page.get_by_label("Early help area").select_option(index=1)
    page.locator("#id_role_1").check()
    page.get_by_role("button", name="Add person").click()

    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_role("heading", name="Bilal Khan", level=1)).to_be_visible()
    check(page, "06-person")
    bilal = Person.objects.get(first_name="Bilal")
    assert bilal.family_memberships.get().family.name == "Bilal's family"

    page.get_by_role("link", name="Change details").first.click()
    check(page, "07-edit")
    page.get_by_label("Preferred name").fill("Bil")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Details saved")).to_be_visible()

    page.get_by_role("link", name="Add chronology entry").first.click()
    check(page, "08-chronology-add")
    page.locator("#id_occurred_on_0").fill("2")
    page.locator("#id_occurred_on_1").fill("2")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Was not brought to an appointment").check()
    page.get_by_label("What happened?").fill("Was not brought to the health visitor check.")
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Was not brought to the health visitor check.")).to_be_visible()

    page.get_by_role("link", name="Add professional").first.click()
    check(page, "09-professional-add")

    page.goto(live_server.url + "/people/families/")
    check(page, "10-family-list")
    page.get_by_role("link", name="Khan family").click()
    expect(page.get_by_role("heading", name="Khan family", level=1)).to_be_visible()
    check(page, "11-family")


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_record_family_details_journey(live_server, page):
    """Record an address, a relationship, parental responsibility and two households, with the
    child in both, through the forms on the person and family pages. Every page is checked
    with axe, including an error state."""
    from people.models import HouseholdMember, ParentalResponsibility, PersonAddress, Relationship

    CouncilFactory()
    user = UserFactory(username="journey.recorder", roles=[Role.PRACTITIONER], is_demo=True)
    family = FamilyFactory(team=user.team, name="Khan family")
    mum = AdultFactory(first_name="Ayesha", last_name="Khan", date_of_birth=date(1988, 2, 3))
    dad = AdultFactory(first_name="Imran", last_name="Khan", date_of_birth=date(1986, 7, 1))
    zoe = PersonFactory(first_name="Zoë", last_name="Khan", date_of_birth=date(2017, 6, 9))
    for person, role in (
        (mum, FamilyMember.Role.PARENT_CARER),
        (dad, FamilyMember.Role.PARENT_CARER),
        (zoe, FamilyMember.Role.CHILD),
    ):
        FamilyMemberFactory(family=family, person=person, role=role)

    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # An address for Zoë: first an empty form, to see the errors.
    page.goto(f"{live_server.url}/people/{zoe.pk}/")
    check(page, "20-child")
    page.get_by_role("link", name="Add an address").click()
    check(page, "21-address-add")
    page.get_by_role("button", name="Add address").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("link", name="Enter postcode")).to_be_visible()
    check(page, "22-address-add-errors")
    page.get_by_label("Address line 1").fill("12 Station Road")
    page.get_by_label("Town or city").fill("Huddersfield")
    page.get_by_label("Postcode").fill("hd1 2ab")
    page.locator("#id_moved_in_0").fill("1")
    page.locator("#id_moved_in_1").fill("2")
    page.locator("#id_moved_in_2").fill("2026")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Add address").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_text("12 Station Road, Huddersfield, HD1 2AB")).to_be_visible()
    check(page, "23-child-with-address")
    assert PersonAddress.objects.get(person=zoe).address.postcode == "HD1 2AB"

    # Parental responsibility: Ayesha, as her birth mother.
    page.get_by_role("link", name="Add parental responsibility").click()
    check(page, "24-pr-add")
    page.get_by_label("Ayesha Khan", exact=True).check()
    page.get_by_label("Birth mother", exact=True).check()
    page.get_by_role("button", name="Record parental responsibility").click()
    expect(page.get_by_text("Parental responsibility recorded")).to_be_visible()
    assert ParentalResponsibility.objects.get(child=zoe).adult == mum

    # A relationship, from Ayesha's page: she is Zoë's mother.
    page.goto(f"{live_server.url}/people/{mum.pk}/")
    check(page, "25-mother")
    page.get_by_role("link", name="Add a relationship").click()
    check(page, "26-relationship-add")
    page.get_by_label("Zoë Khan", exact=True).check()
    page.get_by_label("Mother", exact=True).check()
    page.get_by_role("button", name="Add relationship").click()
    expect(page.get_by_text("Relationship added")).to_be_visible()
    expect(page.get_by_text("Mother of")).to_be_visible()
    check(page, "27-mother-with-relationship")
    assert Relationship.objects.get(person=mum).relative == zoe

    # Two households on the family page: Mum's house at Zoë's address, and Dad's flat.
    page.goto(f"{live_server.url}/people/families/{family.pk}/")
    check(page, "28-family")
    page.get_by_role("link", name="Add a household").click()
    check(page, "29-household-add")
    page.get_by_label("Name of the household").fill("Mum's house")
    page.get_by_label("12 Station Road", exact=False).check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Add household").click()
    expect(page.get_by_text("Household added")).to_be_visible()
    page.get_by_role("link", name="Add a household").click()
    page.get_by_label("Name of the household").fill("Dad's flat")
    page.get_by_label("No address or not known").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Add household").click()

    page.get_by_role("link", name="Change who lives here in Mum's house").click()
    check(page, "30-household-members")
    page.get_by_label("Ayesha Khan", exact=True).check()
    page.get_by_label("Zoë Khan", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Who lives here saved")).to_be_visible()

    page.get_by_role("link", name="Change who lives here in Dad's flat").click()
    page.get_by_label("Imran Khan", exact=True).check()
    part_time = page.get_by_label("Zoë Khan stays here only part of the time")
    expect(part_time).to_be_hidden()  # revealed only once Zoë is ticked
    page.get_by_label("Zoë Khan", exact=True).check()
    expect(part_time).to_be_visible()
    part_time.check()
    check(page, "31-household-members-part-time")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Who lives here saved")).to_be_visible()
    check(page, "32-family-with-households")

    households = page.locator("#households")
    assert households.get_by_role("link", name="Zoë Khan").count() == 2  # in both households
    expect(households.get_by_text("(stays part of the time)")).to_be_visible()
    assert set(
        HouseholdMember.objects.filter(person=zoe, to_date__isnull=True).values_list(
            "household__name", "stays_part_time"
        )
    ) == {("Mum's house", False), ("Dad's flat", True)}

    page.goto(f"{live_server.url}/people/{zoe.pk}/")
    families = page.locator("#families")
    expect(families.get_by_text("Mum's house")).to_be_visible()
    expect(families.get_by_text("Dad's flat")).to_be_visible()
    check(page, "33-child-in-two-households")
