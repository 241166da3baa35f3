"""Browser journey for children's centre registration and reach (issue 14): a practitioner of the
early support service registers an under-five at a designated children's centre from the notice
on the child's page, and records a stay and play session, which counts as reach; an early support
team leader loads the under-fives population from a CSV file; a strategic lead opens the reach
figures from Reports, sees the centre's registered and reached numbers (a centre with fewer than
five shown as such, with no percentage), opens the centre's page and downloads the CSV. axe checks
every page."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from children_centres.models import CentreRegistration, ReachContact, UnderFivesPopulation
from children_centres.reach import Period
from children_centres.tests.factories import (
    CentreFactory,
    CentreRegistrationFactory,
    ReachContactFactory,
    child_in_family,
    early_support_team,
)
from core import clock
from core.tests.factories import AreaFactory
from tests.browser import assert_no_axe_violations, fill_date, sign_in, tray_section, visit

# Registered and reached before the journey at the first centre (it adds one of each), and at
# the second centre, too few to show.
REGISTERED_BEFORE, REACHED_BEFORE, SMALL_CENTRE = 11, 6, 2


def _sign_in_at(page: Page, url: str, user, device) -> None:
    page.context.clear_cookies()
    visit(page, url)
    assert_no_axe_violations(page, "sign in")
    sign_in(page, user, device)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_children_centre_reach_journey(live_server, page):
    today = clock.today()
    year_start = Period.financial_year_of(today).start
    # Seen this financial year (and not before the registrations below began).
    seen_before = max(year_start, today - timedelta(days=7))
    area = AreaFactory(code="north-vale", name="North Vale")
    oak = CentreFactory(code="oak-tree", name="Oak Tree Children's Centre", area=area)
    elm = CentreFactory(code="elm-street", name="Elm Street Children's Centre", area=area)
    team = early_support_team()
    team.area = area
    team.save(update_fields=["area"])
    worker = UserFactory(
        username="centre.worker", team=team, roles=[Role.PRACTITIONER], first_name="Pat"
    )
    leader = UserFactory(username="es.leader", team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    strategic = UserFactory(username="strategic.lead", roles=[Role.STRATEGIC_LEAD])
    devices = {user: TOTPDeviceFactory(user=user) for user in (worker, leader, strategic)}
    for number in range(REGISTERED_BEFORE):
        registration = CentreRegistrationFactory(
            centre=oak, registered_by=worker, registered_on=date(2025, 6, 1)
        )
        if number < REACHED_BEFORE:
            ReachContactFactory(
                child=registration.child, centre=oak, seen_on=seen_before, recorded_by=worker
            )
    for _ in range(SMALL_CENTRE):
        CentreRegistrationFactory(centre=elm, registered_by=worker, registered_on=date(2025, 6, 1))
    child = child_in_family(
        team=team, first_name="Ava", last_name="Shaw", date_of_birth=date(2023, 9, 14)
    )

    # ---- The centre worker: their work tray lists the registered children not seen for months
    # at their area's centres (the five at Oak Tree and the two at Elm Street never seen).
    _sign_in_at(page, f"{live_server.url}/", worker, devices[worker])
    not_seen = tray_section(page, "children_centre_not_seen")
    expect(not_seen.get_by_role("heading")).to_have_text(
        "Registered children not seen at their children's centre in the last 3 months "
        f"{REGISTERED_BEFORE - REACHED_BEFORE + SMALL_CENTRE}"
    )
    assert_no_axe_violations(page, "the centre worker's home page")

    # The child's page says she is not registered; register her.
    person_url = reverse("people:person_detail", kwargs={"person_id": child.pk})
    visit(page, f"{live_server.url}{person_url}")
    expect(page.get_by_role("heading", name="Ava Shaw")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Not registered at a children's centre.")
    assert_no_axe_violations(page, "the child's page")
    page.get_by_role("link", name="Register at a children's centre").click()
    expect(
        page.get_by_role("heading", name="Register a child at a children's centre")
    ).to_be_visible()
    assert_no_axe_violations(page, "the register form")
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a children's centre")
    assert_no_axe_violations(page, "the register form with errors")
    page.get_by_label("Children's centre").select_option(
        label="Oak Tree Children's Centre (North Vale)"
    )
    fill_date(page, "^Date of registration", today)
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Child registered at the children's centre"
    )
    expect(page.locator("[data-registrations]")).to_contain_text("Oak Tree Children's Centre")
    assert_no_axe_violations(page, "the child's children's centres page")
    registration = CentreRegistration.objects.get(child=child)
    assert (registration.centre, registration.registered_on, registration.ended_on) == (
        oak,
        today,
        None,
    )

    # Back on the child's page the notice now offers a contact at her centre.
    page.get_by_role("link", name="Back to Ava Shaw").click()
    expect(page.locator("main")).to_contain_text("Registered at Oak Tree Children's Centre since")
    assert_no_axe_violations(page, "the child's page, registered")
    page.get_by_role("link", name="Record a children's centre contact").click()
    expect(page.get_by_role("heading", name="Record a children's centre contact")).to_be_visible()
    assert_no_axe_violations(page, "the contact form")
    expect(page.get_by_label("Children's centre")).to_have_value(str(oak.pk))
    fill_date(page, "^When was the child seen", today)
    page.get_by_label("Stay and play", exact=True).check()
    page.get_by_label("Note (optional)").fill("Came with her dad")
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Contact recorded")
    expect(page.locator("[data-contacts]")).to_contain_text("Stay and play")
    expect(page.locator("[data-contacts]")).not_to_contain_text("not counted as reach")
    assert_no_axe_violations(page, "the child's page with the contact")
    contact = ReachContact.objects.get(child=child)
    assert (contact.centre, contact.seen_on, contact.kind) == (oak, today, "stay_and_play")

    # ---- The team leader loads this year's under-fives population.
    year = year_start.year
    _sign_in_at(page, f"{live_server.url}/children-centres/", leader, devices[leader])
    expect(
        page.get_by_role("heading", name="Children's centre registration and reach")
    ).to_be_visible()
    assert_no_axe_violations(page, "the reach page, no population")
    page.get_by_role("link", name="Load the under-fives population").click()
    expect(page.get_by_role("heading", name="Load the under-fives population")).to_be_visible()
    assert_no_axe_violations(page, "the population page")
    page.get_by_label("Under-fives population (CSV file)").set_input_files(
        files=[
            {
                "name": "under-fives.csv",
                "mimeType": "text/csv",
                "buffer": (
                    f"year,centre,area,under_fives\n{year},oak-tree,,240\n{year},elm-street,,120\n"
                ).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Load the file").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Loaded 2 centre and 0 area figures for {year}"
    )
    expect(page.locator("[data-years]")).to_contain_text(str(year))
    assert_no_axe_violations(page, "the population page, loaded")
    assert sorted(
        UnderFivesPopulation.objects.values_list("year", "centre__code", "under_fives")
    ) == [(year, "elm-street", 120), (year, "oak-tree", 240)]

    # ---- The strategic lead: Reports, then the reach figures.
    _sign_in_at(page, f"{live_server.url}/", strategic, devices[strategic])
    page.get_by_role("navigation").get_by_role("link", name="Reports", exact=True).click()
    assert_no_axe_violations(page, "reports")
    page.get_by_role("link", name="Children's centre reach").click()
    expect(
        page.get_by_role("heading", name="Children's centre registration and reach")
    ).to_be_visible()
    assert_no_axe_violations(page, "the reach page")
    registered, reached = REGISTERED_BEFORE + 1, REACHED_BEFORE + 1
    oak_row = page.locator(f'[data-row="centre-{oak.pk}"]')
    expect(oak_row.locator("td")).to_have_text(
        [
            "Oak Tree Children's Centre",
            "240",
            str(registered),
            "5.0%",
            str(reached),
            "2.9%",
            "58.3%",
        ]
    )
    # Two registered, none reached: the two is too few to show, and no percentage is worked out
    # from it (none reached is 0%).
    expect(page.locator(f'[data-row="centre-{elm.pk}"]').locator("td")).to_have_text(
        ["Elm Street Children's Centre", "120", "Fewer than 5", "–", "0", "0.0%", "–"]
    )
    area_row = page.locator(f'[data-row="area-{area.pk}"]')
    expect(area_row.locator("td")).to_have_text(
        [
            "360 (sum of centres)",
            str(registered + SMALL_CENTRE),
            "3.9%",
            str(reached),
            "1.9%",
            "50.0%",
        ]
    )

    # The centre's own page: the figures, and no child named to a strategic lead.
    page.get_by_role("link", name="Oak Tree Children's Centre").click()
    expect(page.get_by_role("heading", name="Oak Tree Children's Centre")).to_be_visible()
    expect(page.locator("[data-registered]")).to_have_text(f"{registered} (5.0%)")
    expect(page.locator("[data-reached]")).to_have_text(
        f"{reached} (2.9%), 58.3% of those registered"
    )
    expect(page.locator("main")).not_to_contain_text("Ava Shaw")
    expect(page.locator("[data-others]")).to_contain_text(
        f"{registered} registered children whose records you cannot see"
    )
    assert_no_axe_violations(page, "the centre page")
    page.get_by_role("link", name="Back to registration and reach").click()
    assert_no_axe_violations(page, "the reach page again")

    # The CSV download holds the same figures.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"childrens-centre-reach-{year_start:%Y-%m-%d}-to-{year + 1}-03-31.csv"
    )
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    by_centre = {row["Centre"]: row for row in rows}
    assert {
        key: by_centre["Oak Tree Children's Centre"][key]
        for key in ("Under-fives population", "Registered under-fives", "Reached under-fives")
    } == {
        "Under-fives population": "240",
        "Registered under-fives": str(registered),
        "Reached under-fives": str(reached),
    }
    assert by_centre["Elm Street Children's Centre"]["Registered under-fives"] == "Fewer than 5"
    assert by_centre["Elm Street Children's Centre"]["Registered %"] == ""
    assert "Ava Shaw" not in open(download.path(), encoding="utf-8-sig").read()
