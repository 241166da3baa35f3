"""Browser journey for the directory's staff pages (issue 14): an administrator (who keeps the
directory and may import feeds) signs in, searches the directory, opens a service, changes its
description, adds a location with its address and postcode, adds a contact with two phone
numbers (the second refused once for a bad number, the input kept), and sees the public find
support page show them; then checks a small Open Referral UK feed (a dry run) and imports it.
axe checks every page."""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from directory import models as m
from directory.standard import ROOT
from directory.tests.factories import OrganizationFactory, ServiceFactory
from tests.browser import assert_no_axe_violations, sign_in, visit

FEED_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"  # standard/examples/service_full.json


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_directory_staff_journey(live_server, page):
    admin = UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR])
    device = TOTPDeviceFactory(user=admin)
    organisation = OrganizationFactory(name="Family Hubs Trust")
    service = ServiceFactory(
        name="Stay and play",
        description="Play sessions.",
        status="active",
        organization=organisation,
    )
    ServiceFactory(name="Toy library", description="Borrow toys.", status="active")

    visit(page, f"{live_server.url}/directory/")
    sign_in(page, admin, device)
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of services")
    assert_no_axe_violations(page, "the directory")

    page.get_by_label("Name or description").fill("stay")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("1 service found")
    assert_no_axe_violations(page, "the directory, searched")
    page.get_by_role("link", name="Stay and play").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stay and play")
    assert_no_axe_violations(page, "the service")

    # Its description.
    page.get_by_role("link", name="Change the service's details").click()
    assert_no_axe_violations(page, "change the service")
    page.get_by_label("Description").fill("Play sessions for under-fives and their carers.")
    page.get_by_role("button", name="Save service").click()
    expect(page.locator("main")).to_contain_text("Play sessions for under-fives and their carers.")
    assert_no_axe_violations(page, "the service, changed")

    # A location with its address and postcode.
    page.get_by_role("link", name="Add a location").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a location")
    assert_no_axe_violations(page, "add a location")
    page.get_by_label("Name of the place").fill("Market hall")
    page.get_by_label("Address line").fill("1 Market Street")
    page.get_by_label("Town or city").fill("Springfield")
    page.get_by_label("County").fill("West Yorkshire")
    page.get_by_label("Postcode").fill("AB1 2CD")
    page.get_by_role("button", name="Save location").click()
    expect(page.locator("#location ~ .govuk-summary-card").first).to_contain_text("AB1 2CD")
    assert_no_axe_violations(page, "the service with its location")

    # A contact with its first phone; then a second (a bad number first: refused, kept).
    page.get_by_role("link", name="Add a contact").click()
    assert_no_axe_violations(page, "add a contact")
    page.get_by_label("Name", exact=True).fill("Reception")
    page.get_by_label("Phone number").fill("01632 960001")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("main")).to_contain_text("01632 960001")
    assert_no_axe_violations(page, "the service with its contact")
    page.get_by_role("link", name="Add another phone number to contact 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add another phone number")
    assert_no_axe_violations(page, "add another phone number")
    page.get_by_label("Phone number").fill("call us")
    page.get_by_role("button", name="Save phone number").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a telephone number")
    expect(page.get_by_label("Phone number")).to_have_value("call us")
    assert_no_axe_violations(page, "add another phone number: a bad number")
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("About the number").fill("Text only")
    page.get_by_role("button", name="Save phone number").click()
    expect(page.locator("main")).to_contain_text("07700 900982")
    expect(page.get_by_role("link", name="Remove phone 2 of contact 1")).to_be_visible()
    assert_no_axe_violations(page, "the service with two phone numbers")
    numbers = m.Phone.objects.filter(contact__service=service).values_list("number", flat=True)
    assert sorted(numbers) == ["01632 960001", "07700 900982"]

    # The public page shows them.
    visit(page, f"{live_server.url}/find-support/services/{service.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Play sessions for under-fives and their carers.")
    expect(main).to_contain_text("1 Market Street")
    expect(main).to_contain_text("AB1 2CD")
    expect(main).to_contain_text("01632 960001")
    expect(main).to_contain_text("07700 900982 (Text only)")
    assert_no_axe_violations(page, "find support: the service")

    # Import a small feed: a dry run, then the import.
    visit(page, f"{live_server.url}/directory/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a directory feed")
    assert_no_axe_violations(page, "import a feed")
    feed = (ROOT / "examples" / "service_full.json").read_bytes()
    json.loads(feed)  # the example is JSON
    page.get_by_label("Open Referral UK 3.0 feed").set_input_files(
        files=[{"name": "feed.json", "mimeType": "application/json", "buffer": feed}]
    )
    page.get_by_label("Services", exact=True).check()
    page.get_by_role("button", name="Check the feed").click()
    expect(page.locator("main")).to_contain_text("The feed is valid Open Referral UK 3.0")
    assert_no_axe_violations(page, "import: the dry run")
    assert not m.Service.objects.filter(pk=FEED_SERVICE_ID).exists()
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Feed imported")
    assert_no_axe_violations(page, "import: imported")
    assert m.Service.objects.filter(pk=FEED_SERVICE_ID).exists()
