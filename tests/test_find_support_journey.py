"""Browser journey for the public find support pages (issue 14, Build 2): someone not signed in
opens the search, ticks a need, gives a child's age and a postcode with a distance, sees the
nearest service first with its distance and cost, opens it and finds how to get in touch, when
it runs, what it costs and its accessibility; an unknown postcode gives a GOV.UK error with the
input kept. axe checks every page."""

import pytest
from playwright.sync_api import expect

from core.tests.factories import AreaFactory
from directory.tests.factories import (
    AccessibilityFactory,
    AddressFactory,
    AttributeFactory,
    ContactFactory,
    CostOptionFactory,
    LocationFactory,
    PhoneFactory,
    PostcodeCentroidFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.browser import assert_no_axe_violations, visit

LAT, LON = 53.6458, -1.7850


def _service(name, lat, term, *, minimum_age=0, maximum_age=18):
    service = ServiceFactory(
        name=name,
        description=f"{name} for local families. Drop in.",
        minimum_age=minimum_age,
        maximum_age=maximum_age,
    )
    location = LocationFactory(name=f"{name} hall", latitude=lat, longitude=LON)
    AddressFactory(location=location, address_1="1 High Street", city="Huddersfield")
    AccessibilityFactory(location=location, description="Step-free entrance")
    ServiceAtLocationFactory(service=service, location=location)
    AttributeFactory(link_id=service.pk, taxonomy_term=term)
    return service


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_find_support_journey(live_server, page):
    AreaFactory(name="Huddersfield")
    PostcodeCentroidFactory(postcode="HD1 2AB", latitude=LAT, longitude=LON)
    play = TaxonomyTermFactory(name="Play and activities")
    TaxonomyTermFactory(name="Unused need")
    near = _service("Stay and play", LAT + 0.01, play)  # 0.7 miles
    _service("Toddler time", LAT + 0.03, play)  # 2.1 miles
    _service("Teen club", LAT + 0.005, play, minimum_age=11)  # too old for a 3-year-old
    _service("Far play", LAT + 0.2, play)  # 13.8 miles: beyond 5
    contact = ContactFactory(service=near, name="Reception", title="Bookings")
    PhoneFactory(contact=contact, number="01632 960123")
    ScheduleFactory(service=near, freq="WEEKLY", byday="TU", opens_at="10:00", closes_at="12:00")
    CostOptionFactory(service=near, amount=1, option="Per family")

    visit(page, f"{live_server.url}/find-support/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find support for your family")
    assert_no_axe_violations(page, "find support")

    # An unknown postcode: a GOV.UK error, the input kept.
    page.get_by_label("Postcode (optional)").fill("ZZ9 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("We do not know where")
    expect(page.get_by_label("Postcode (optional)")).to_have_value("ZZ9 9ZZ")
    assert_no_axe_violations(page, "find support: unknown postcode")

    page.get_by_label("Play and activities").check()
    page.get_by_label("Age of the child or person").fill("3")
    page.get_by_label("Postcode (optional)").fill("hd1 2ab")
    page.get_by_label("Distance (optional)").select_option("5")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_contain_text("2 services found")
    results = page.locator("main h3")
    expect(results).to_have_text(["Stay and play", "Toddler time"])
    expect(page.locator("main")).to_contain_text("0.7 miles")
    expect(page.locator("main")).to_contain_text("£1")
    assert_no_axe_violations(page, "find support: results")

    page.get_by_role("link", name="Stay and play").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stay and play")
    main = page.locator("main")
    expect(main).to_contain_text("01632 960123")
    expect(main).to_contain_text("Tuesdays, 10am to midday")
    expect(main).to_contain_text("£1 (Per family)")
    expect(main).to_contain_text("Step-free entrance")
    expect(main).to_contain_text("0.7 miles from HD1 2AB")
    assert_no_axe_violations(page, "find support: a service")

    page.get_by_role("link", name="Back to search results").click()
    expect(page.locator("#results")).to_contain_text("2 services found")
