"""The public find support pages: search by need, age, area and postcode (with distance),
paging, the empty and error states, a service's page, closed and defunct services, and
pinned query counts. Distances are worked by hand: 0.01 degrees of latitude is 0.6909 miles."""

import datetime
import math
import re
import uuid
from html import escape

import pytest
import time_machine
from django.urls import reverse

from core.models import Area
from directory import presenters
from directory.geo import Point, bounding_box, miles_between, normalise_postcode
from directory.models import ServiceStatus
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
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db

URL = "/find-support/"
LAT, LON = 53.6458, -1.7850  # the centroid of the test postcode HD1 2AB


def _service(name, *, lat=None, lon=None, city="Huddersfield", **kwargs):
    service = ServiceFactory(name=name, description=f"About {name}. More words.", **kwargs)
    if lat is not None:
        location = LocationFactory(name=f"{name} venue", latitude=lat, longitude=lon)
        AddressFactory(location=location, city=city, address_1="1 High Street")
        ServiceAtLocationFactory(service=service, location=location)
    return service


def _names(response) -> list[str]:
    body = response.content.decode()
    return re.findall(
        r'class="govuk-heading-s govuk-!-margin-bottom-1">\s*<a [^>]*>([^<]+)</a>', body
    )


@pytest.fixture
def centroid():
    PostcodeCentroidFactory(postcode="HD1 2AB", latitude=LAT, longitude=LON)
    PostcodeCentroidFactory(postcode="HD1 4CD", latitude=LAT + 0.02, longitude=LON)


# ------------------------------------------------------------------ postcodes and distances


def test_postcodes_are_normalised_and_outward_codes_kept():
    assert normalise_postcode(" hd12ab ") == "HD1 2AB"
    assert normalise_postcode("WF13 1AB") == "WF13 1AB"
    assert normalise_postcode("hd1") == "HD1"
    assert normalise_postcode("not a postcode") == ""
    assert normalise_postcode("HD1 2A") == ""


def test_haversine_worked_by_hand():
    # 0.01 degrees of latitude: 0.01 * pi / 180 * 3958.7613 = 0.69093 miles.
    assert miles_between(Point(LAT, LON), Point(LAT + 0.01, LON)) == pytest.approx(0.69093, 1e-4)
    assert miles_between(Point(LAT, LON), Point(LAT, LON)) == 0


def test_the_bounding_box_holds_the_whole_circle():
    south, north, west, east = bounding_box(Point(LAT, LON), 1)
    # Due north, south, east and west at exactly a mile are inside the box.
    for bearing in range(0, 360, 15):
        lat = LAT + math.cos(math.radians(bearing)) / 69.0934
        lon = LON + math.sin(math.radians(bearing)) / (69.0934 * math.cos(math.radians(lat)))
        if miles_between(Point(LAT, LON), Point(lat, lon)) <= 1:
            assert south <= lat <= north and west <= lon <= east


def test_an_unknown_full_postcode_falls_back_to_its_outward_codes_mean(centroid):
    from directory import selectors

    point = selectors.postcode_point("HD1 9ZZ")
    assert point == Point(pytest.approx(LAT + 0.01), pytest.approx(LON))
    assert selectors.postcode_point("HD1 2AB") == Point(LAT, LON)
    assert selectors.postcode_point("ZZ9 9ZZ") is None


# ------------------------------------------------------------------ the search


def test_the_page_opens_without_signing_in_and_lists_active_services(client):
    _service("Alpha group")
    _service("Closed group", status=ServiceStatus.INACTIVE)
    _service("Gone group", status=ServiceStatus.DEFUNCT)
    response = client.get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Alpha group"]
    assert "1 service" in response.content.decode()
    assert 'class="govuk-service-navigation__list"' not in response.content.decode()


def test_search_by_need_keeps_services_with_any_of_the_needs(client):
    food, money = TaxonomyTermFactory(name="Food"), TaxonomyTermFactory(name="Money")
    a, b = _service("A food bank"), _service("B money advice")
    play = _service("C play group")
    AttributeFactory(link_id=a.pk, taxonomy_term=food)
    AttributeFactory(link_id=b.pk, taxonomy_term=money)
    response = client.get(URL, {"need": [str(food.pk)]})
    assert _names(response) == ["A food bank"]
    response = client.get(URL, {"need": [str(food.pk), str(money.pk)]})
    assert _names(response) == ["A food bank", "B money advice"]
    # Every service with no need chosen; a need not offered is an error, not a crash.
    assert play.name in _names(client.get(URL, {"need": []}))
    assert client.get(URL, {"need": [str(uuid.uuid4())]}).status_code == 400


def test_the_needs_offered_are_those_of_active_services(client):
    used, unused = TaxonomyTermFactory(name="Used need"), TaxonomyTermFactory(name="Unused need")
    closed = TaxonomyTermFactory(name="Closed need")
    AttributeFactory(link_id=_service("Open").pk, taxonomy_term=used)
    AttributeFactory(
        link_id=_service("Shut", status=ServiceStatus.INACTIVE).pk, taxonomy_term=closed
    )
    body = client.get(URL).content.decode()
    assert "Used need" in body and "Unused need" not in body and "Closed need" not in body
    assert unused.pk


def test_search_by_age_keeps_services_that_take_that_age(client):
    _service("Babies", minimum_age=0, maximum_age=2)
    _service("Children", minimum_age=5, maximum_age=11)
    _service("Anyone", minimum_age=None, maximum_age=None)
    _service("Adults", minimum_age=18, maximum_age=None)
    assert _names(client.get(URL, {"age": "2"})) == ["Anyone", "Babies"]
    assert _names(client.get(URL, {"age": "11"})) == ["Anyone", "Children"]
    assert _names(client.get(URL, {"age": "40"})) == ["Adults", "Anyone"]
    response = client.get(URL, {"age": "seven"})
    assert response.status_code == 400
    assert "Age must be a whole number of years" in response.content.decode()
    assert 'value="seven"' in response.content.decode()


def test_search_by_area_by_service_area_council_or_address(client):
    from core.models import Council

    Council.objects.update_or_create(code="kirklees", defaults={"name": "Kirklees Council"})
    area = Area.objects.create(code="hudds", name="Huddersfield")
    Area.objects.create(code="dews", name="Dewsbury & Mirfield")
    named = _service("A named area")
    ServiceAreaFactory(service=named, name="Huddersfield")
    everywhere = _service("B council wide")
    ServiceAreaFactory(service=everywhere, name="Kirklees Council")
    _service("C by address", lat=LAT, lon=LON, city="Huddersfield")
    elsewhere = _service("D elsewhere", lat=53.69, lon=-1.63, city="Dewsbury")
    ServiceAreaFactory(service=elsewhere, name="Dewsbury & Mirfield")
    assert _names(client.get(URL, {"area": area.code})) == [
        "A named area",
        "B council wide",
        "C by address",
    ]
    assert _names(client.get(URL, {"area": "dews"})) == ["B council wide", "D elsewhere"]


def test_search_by_postcode_orders_nearest_first_and_distance_cuts_off(client, centroid):
    _service("Far", lat=LAT + 0.1, lon=LON)  # 6.91 miles
    _service("Near", lat=LAT + 0.01, lon=LON)  # 0.69 miles
    _service("Middle", lat=LAT - 0.05, lon=LON)  # 3.45 miles
    _service("Nowhere")  # no location: last, with no distance
    response = client.get(URL, {"postcode": "hd1 2ab"})
    assert _names(response) == ["Near", "Middle", "Far", "Nowhere"]
    body = response.content.decode()
    assert "0.7 miles" in body and "3.5 miles" in body and "6.9 miles" in body
    assert "from HD1 2AB" in body
    assert _names(client.get(URL, {"postcode": "HD1 2AB", "distance": "5"})) == ["Near", "Middle"]
    assert _names(client.get(URL, {"postcode": "HD1 2AB", "distance": "1"})) == ["Near"]


def test_the_bounding_box_edge_is_decided_by_the_exact_distance(client, centroid):
    # 1 mile: the box is +-0.014473 degrees of latitude, +-0.02443 of longitude here.
    _service("Just inside", lat=LAT + 0.0144, lon=LON)  # 0.9949 miles
    _service("Just outside", lat=LAT + 0.0146, lon=LON)  # 1.0088 miles
    _service("In the box's corner", lat=LAT + 0.012, lon=LON + 0.020)  # 1.165 miles
    _service("Outside the box", lat=LAT, lon=LON + 0.03)
    assert _names(client.get(URL, {"postcode": "HD1 2AB", "distance": "1"})) == ["Just inside"]


def test_an_unknown_postcode_is_a_clear_error_with_the_input_kept(client, centroid):
    _service("Anything", lat=LAT, lon=LON)
    response = client.get(URL, {"postcode": "ZZ9 9ZZ", "age": "4"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "We do not know where that postcode is" in body
    assert 'value="ZZ9 9ZZ"' in body and 'value="4"' in body
    assert _names(response) == []
    assert "<title>Error: " in body
    bad = client.get(URL, {"postcode": "not real"})
    assert "Enter a real postcode" in bad.content.decode()
    needs_postcode = client.get(URL, {"distance": "5"})
    assert "Enter a postcode to search within a distance" in needs_postcode.content.decode()


def test_no_results_says_what_to_try(client):
    _service("Babies", minimum_age=0, maximum_age=2)
    body = client.get(URL, {"age": "15"}).content.decode()
    assert "0 services found" in body
    assert "No services match your search" in body


def test_results_are_paged_with_a_count(client):
    for n in range(25):
        _service(f"Group {n:02d}")
    first = client.get(URL)
    assert _names(first)[0] == "Group 00" and len(_names(first)) == 20
    assert "Showing 1 to 20 of 25" in first.content.decode()
    second = client.get(URL, {"page": "2"})
    assert _names(second) == [f"Group {n:02d}" for n in range(20, 25)]
    assert client.get(URL, {"page": "99"}).status_code == 200  # the last page
    assert client.get(URL, {"page": "x"}).status_code == 200  # the first page


def test_each_result_shows_organisation_line_where_and_cost(client):
    service = _service("Stay and play", lat=LAT, lon=LON, city="Dewsbury")
    CostOptionFactory(service=service, amount=1.5, option="Per session")
    body = client.get(URL).content.decode()
    assert escape(service.organization.name) in body
    assert "About Stay and play." in body and "More words" not in body
    assert "Dewsbury" in body and "£1.50" in body


# ------------------------------------------------------------------ a service's page


def _page(service, **query):
    return reverse("directory:find_support_service", kwargs={"id": service.pk}), query


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
def test_a_services_page_says_how_to_get_in_touch_when_cost_and_accessibility(client):
    service = _service("Stay and play", lat=LAT, lon=LON, email="play@example.org")
    service.url = "https://example.org/play"
    service.save()
    contact = ContactFactory(service=service, name="Reception", title="Bookings")
    PhoneFactory(contact=contact, number="01632 960123")
    ScheduleFactory(service=service, freq="WEEKLY", byday="TU", opens_at="10:00", closes_at="12:00")
    ScheduleFactory(
        service=service,
        freq="",
        byday="",
        dtstart="2026-12-10",
        opens_at="13:30",
        closes_at="15:00",
    )
    CostOptionFactory(service=service, amount=0, option="")
    AccessibilityFactory(
        location=service_location(service), description="Step-free entrance", url="javascript:x"
    )
    AttributeFactory(link_id=service.pk, taxonomy_term=TaxonomyTermFactory(name="Play"))
    AttributeFactory(
        link_id=service.pk, link_type="language", taxonomy_term=TaxonomyTermFactory(name="Urdu")
    )
    url, _ = _page(service)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Reception",
        "Bookings",
        'href="tel:01632%20960123"',
        "mailto:play@example.org",
        'href="https://example.org/play"',
        "Tuesdays, 10am to midday",
        "Thursday 10 December 2026, 1:30pm to 3pm",
        '<p class="govuk-body">Free</p>',
        "Step-free entrance",
        "0 to 18 years old",
        "Play",
        "Urdu",
        "1 High Street, Huddersfield",
    ):
        assert text in body, text
    assert "javascript:" not in body


def service_location(service):
    from directory.models import ServiceAtLocation

    return ServiceAtLocation.objects.get(service=service).location


def test_a_services_page_shows_the_distance_from_a_searched_postcode(client, centroid):
    service = _service("Near", lat=LAT + 0.01, lon=LON)
    url, _ = _page(service)
    assert "0.7 miles from HD1 2AB" in client.get(url, {"postcode": "hd12ab"}).content.decode()
    assert "miles from" not in client.get(url, {"postcode": "nonsense"}).content.decode()


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.TEMPORARILY_CLOSED])
def test_a_closed_service_says_so_and_offers_no_way_in(client, status):
    service = _service("Shut", status=status)
    ContactFactory(service=service, name="Reception")
    body = client.get(_page(service)[0]).content.decode()
    assert "This service is closed" in body
    assert "How to get in touch" not in body


def test_a_defunct_service_and_an_unknown_id_are_not_found(client):
    gone = _service("Gone", status=ServiceStatus.DEFUNCT)
    assert client.get(_page(gone)[0]).status_code == 404
    response = client.get(f"{URL}services/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_presenters_worked_by_hand():
    s = ScheduleFactory.build
    weekly = s(freq="WEEKLY", byday="MO,WE", opens_at="09:30", closes_at="11:30")
    assert presenters.schedule_in_words(weekly) == "Mondays and Wednesdays, 9:30am to 11:30am"
    assert (
        presenters.schedule_in_words(
            s(freq="MONTHLY", byday="1SA", opens_at="10:00:00", closes_at="12:00:00")
        )
        == "The first Saturday of the month, 10am to midday"
    )
    assert (
        presenters.schedule_in_words(
            s(freq="MONTHLY", byday="", bymonthday="1,15", opens_at="", closes_at="")
        )
        == "The 1st and 15th of each month"
    )
    assert (
        presenters.schedule_in_words(
            s(freq="", byday="", opens_at="", closes_at="", description="Ring first")
        )
        == "Ring first"
    )
    cost = CostOptionFactory.build
    assert presenters.cost_summary([], "") == "Ask the service about costs"
    assert presenters.cost_summary([cost(amount=0)], "") == "Free"
    assert presenters.cost_summary([cost(amount=3)], "") == "£3"
    assert presenters.cost_summary([cost(amount=3), cost(amount=2.5)], "") == "From £2.50"
    assert presenters.cost_summary([cost(amount=0), cost(amount=2)], "") == "Free, or £2"
    assert presenters.cost_summary([], "Some costs") == "There may be a cost"
    assert presenters.web_link("javascript:alert(1)") == ""
    assert presenters.web_link("https://example.org") == "https://example.org"


# ------------------------------------------------------------------ query counts


def _world(size: int):
    term = TaxonomyTermFactory(name="Food")
    for n in range(size):
        service = _service(f"Service {n:02d}", lat=LAT + n * 0.001, lon=LON)
        CostOptionFactory(service=service)
        ServiceAreaFactory(service=service)
        AttributeFactory(link_id=service.pk, taxonomy_term=term)
    return term


@pytest.mark.parametrize("size", [2, 30])
def test_the_search_page_costs_the_same_queries_at_any_size(
    client, size, centroid, django_assert_max_num_queries
):
    term = _world(size)
    Area.objects.create(code="hudds", name="Huddersfield")
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200
    query = {"need": [str(term.pk)], "age": "5", "area": "hudds", "postcode": "HD1 2AB"}
    with django_assert_max_num_queries(12):
        response = client.get(URL, {**query, "distance": "25"})
    assert response.status_code == 200 and len(_names(response)) == min(size, 20)


@pytest.mark.parametrize("size", [1, 6])
def test_the_service_page_costs_the_same_queries_at_any_size(
    client, size, centroid, django_assert_max_num_queries
):
    service = _service("Busy")
    for n in range(size):
        location = LocationFactory(latitude=LAT, longitude=LON)
        AddressFactory(location=location)
        AccessibilityFactory(location=location)
        ServiceAtLocationFactory(service=service, location=location)
        PhoneFactory(contact=ContactFactory(service=service))
        ScheduleFactory(service=service)
        CostOptionFactory(service=service, amount=n)
        AttributeFactory(link_id=service.pk)
    with django_assert_max_num_queries(14):
        response = client.get(_page(service)[0], {"postcode": "HD1 2AB"})
    assert response.status_code == 200


# ------------------------------------------------------------------ loading postcodes


def test_directory_postcodes_loads_the_ons_layout_and_can_run_again(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from core.models import AuditEvent
    from directory.models import PostcodeCentroid

    path = tmp_path / "onspd.csv"
    path.write_text(
        "pcd,pcds,lat,long,oseast1m\n"
        "HD1 2AB,HD1 2AB,53.6458,-1.785,414000\n"
        "HD12AC,hd1 2ac,53.6460,-1.786,414001\n"
        "GY1 1AA,GY1 1AA,99.999999,0.000000,\n"  # no grid reference
        "XX,not a postcode,53.0,-1.0,\n"
    )
    out = StringIO()
    call_command("directory_postcodes", str(path), stdout=out)
    assert "4 row(s) read, 2 postcode(s) saved, 2 skipped" in out.getvalue()
    assert sorted(PostcodeCentroid.objects.values_list("postcode", "outward")) == [
        ("HD1 2AB", "HD1"),
        ("HD1 2AC", "HD1"),
    ]
    path.write_text("pcds,lat,long\nHD1 2AB,53.7,-1.8\n")
    call_command("directory_postcodes", str(path), stdout=StringIO())
    assert PostcodeCentroid.objects.count() == 2
    assert PostcodeCentroid.objects.get(postcode="HD1 2AB").latitude == 53.7
    loads = AuditEvent.objects.filter(record_type="directory.postcodecentroid", action="update")
    assert loads.count() == 2


def test_directory_postcodes_refuses_a_file_without_the_columns(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "wrong.csv"
    path.write_text("postcode,x,y\nHD1 2AB,1,2\n")
    with pytest.raises(CommandError, match="no lat, long, pcds column"):
        call_command("directory_postcodes", str(path))
