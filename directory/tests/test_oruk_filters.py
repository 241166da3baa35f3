"""The ORUK API's age, schedule, postcode and proximity filters (openapi.json's parameters), on
a small directory worked by hand; every answer valid against the standard's schemas, and a 400
with a JSON body for a bad value."""

import pytest

from directory.standard import response_validator
from directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    PostcodeCentroidFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

LAT, LON = 53.6458, -1.7850


def assert_valid(path, body):
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in response_validator(path).iter_errors(body)
    ]
    assert errors == []


@pytest.fixture
def world():
    PostcodeCentroidFactory(postcode="HD1 2AB", latitude=LAT, longitude=LON)
    made = {}
    for name, low, high, lat, byday, opens, closes in (
        ("A babies", 0, 2, LAT + 0.01, "MO,WE", "09:30", "11:30"),  # 0.69 miles, 1112 m
        ("B children", 5, 11, LAT + 0.05, "TU", "16:00:00", "18:00:00"),  # 3.45 miles
        ("C teenagers", 11, 18, LAT + 0.1, "SA", "10:00", "12:00"),  # 6.91 miles
        ("D anyone", None, None, None, "", "", ""),
    ):
        service = ServiceFactory(name=name, minimum_age=low, maximum_age=high)
        if lat is not None:
            sal = ServiceAtLocationFactory(
                service=service, location=LocationFactory(latitude=lat, longitude=LON)
            )
            AddressFactory(location=sal.location)
            # B's schedule is at its location, the others' on the service.
            ScheduleFactory(
                service=None if name.startswith("B") else service,
                service_at_location=sal if name.startswith("B") else None,
                byday=byday,
                opens_at=opens,
                closes_at=closes,
            )
        made[name[0]] = service
    return made


def _names(client, path, **query):
    response = client.get(f"/oruk{path}", query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert_valid(path, body)
    if path == "/services":
        return [item["name"] for item in body["contents"]]
    return [item["service"]["name"] for item in body["contents"]]


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_age_filters_as_the_standard_words_them(client, world, path):
    located = {"A babies", "B children", "C teenagers"}

    def names(**query):
        found = _names(client, path, **query)
        return found if path == "/services" else [n for n in found if n in located]

    # minimum_age: "a minimum age of at least the value"; maximum_age: "at or below".
    assert names(minimum_age="5") == ["B children", "C teenagers"]
    assert names(maximum_age="11") == ["A babies", "B children"]
    assert names(minimum_age="1", maximum_age="11") == ["B children"]
    # age (not in the standard): services that take a person of that age.
    assert names(age="11") == (
        ["B children", "C teenagers", "D anyone"]
        if path == "/services"
        else ["B children", "C teenagers"]
    )


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_day_and_times_match_one_schedule(client, world, path):
    assert _names(client, path, day="WE") == ["A babies"]
    assert _names(client, path, day="tuesday") == ["B children"]
    assert _names(client, path, start_time="10:00") == ["B children", "C teenagers"]
    assert _names(client, path, end_time="12:00") == ["A babies", "C teenagers"]
    assert _names(client, path, end_time="18:00") == ["A babies", "B children", "C teenagers"]
    assert _names(client, path, day="SA", start_time="10:00", end_time="12:00") == ["C teenagers"]
    assert _names(client, path, day="SU") == []


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_postcode_and_proximity_in_metres(client, world, path):
    assert _names(client, path, postcode="hd12ab", proximity="1200") == ["A babies"]
    assert _names(client, path, postcode="HD1 2AB", proximity="6000") == [
        "A babies",
        "B children",
    ]
    # The bounding box's edge: 0.01 degrees north is 1112 metres.
    assert _names(client, path, postcode="HD1 2AB", proximity="1100") == []
    # An unknown full postcode: its outward code's mean.
    assert _names(client, path, postcode="HD1 9ZZ", proximity="1200") == ["A babies"]


@pytest.mark.parametrize(
    "query",
    [
        {"minimum_age": "old"},
        {"maximum_age": "-1"},
        {"age": "nan"},
        {"day": "Funday"},
        {"start_time": "9am"},
        {"end_time": "25:00"},
        {"proximity": "1000"},
        {"postcode": "ZZ9 9ZZ", "proximity": "1000"},
        {"postcode": "not a postcode"},
        {"postcode": "HD1 2AB", "proximity": "far"},
        {"postcode": "HD1 2AB", "proximity": "0"},
    ],
    ids=lambda q: "-".join(f"{k}={v}" for k, v in q.items()),
)
@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_a_bad_value_is_a_400_with_a_json_body(client, world, path, query):
    response = client.get(f"/oruk{path}", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 400 and response.json()["error"]


@pytest.mark.parametrize("size", [2, 12])
def test_filtered_pages_cost_the_same_queries_at_any_size(
    client, size, django_assert_max_num_queries
):
    PostcodeCentroidFactory(postcode="HD1 2AB", latitude=LAT, longitude=LON)
    for n in range(size):
        sal = ServiceAtLocationFactory(location=LocationFactory(latitude=LAT + n * 0.001))
        ScheduleFactory(service=sal.service, byday="MO", opens_at="10:00", closes_at="12:00")
    query = {"age": "5", "day": "MO", "start_time": "09:00", "postcode": "HD1 2AB"}
    with django_assert_max_num_queries(8):
        response = client.get("/oruk/service_at_locations", {**query, "proximity": "50000"})
    assert response.json()["total_items"] == size
