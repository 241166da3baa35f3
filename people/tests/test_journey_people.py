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
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "02-search-error")

    page.get_by_label("Name").fill("Zoe Kahn")
    page.get_by_role("button", name="Search").click()
    assert "/people/search/" == page.url.removeprefix(live_server.url)  # no terms in the address
    assert page.get_by_role("link", name="Zoë Khan").is_visible()
    check(page, "03-search-results")

    page.get_by_label("Name").fill("Bilal Khan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add a new person").click()
    assert page.get_by_role("heading", name="Is this one of these people?").is_visible()
    check(page, "04-add-person")

    page.get_by_role("button", name="Add person").click()
    assert page.locator(".govuk-error-summary").is_visible()
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

    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert page.get_by_role("heading", name="Bilal Khan", level=1).is_visible()
    check(page, "06-person")
    bilal = Person.objects.get(first_name="Bilal")
    assert bilal.family_memberships.get().family.name == "Bilal's family"

    page.get_by_role("link", name="Change details").first.click()
    check(page, "07-edit")
    page.get_by_label("Preferred name").fill("Bil")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Details saved").is_visible()

    page.get_by_role("link", name="Add chronology entry").first.click()
    check(page, "08-chronology-add")
    page.locator("#id_occurred_on_0").fill("2")
    page.locator("#id_occurred_on_1").fill("2")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Was not brought to an appointment").check()
    page.get_by_label("What happened?").fill("Was not brought to the health visitor check.")
    page.get_by_role("button", name="Add entry").click()
    assert page.get_by_text("Was not brought to the health visitor check.").is_visible()

    page.get_by_role("link", name="Add professional").first.click()
    check(page, "09-professional-add")

    page.goto(live_server.url + "/people/families/")
    check(page, "10-family-list")
    page.get_by_role("link", name="Khan family").click()
    assert page.get_by_role("heading", name="Khan family", level=1).is_visible()
    check(page, "11-family")
