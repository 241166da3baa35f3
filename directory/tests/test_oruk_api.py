"""The ORUK 3.0 read API, for a directory built from the standard's own examples: every answer
valid against the standard's schemas (with a format checker), the import round-trips, paging,
404s and 400s as JSON, and a fixed number of queries per page."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.importer import oruk_import
from directory.standard import ROOT, response_validator, validator
from directory.tests.factories import ServiceFactory, full_service

# Fixed, not random: every test worker must collect the same test names.
NO_SUCH_ID = "00000000-0000-4000-8000-000000000404"

pytestmark = pytest.mark.django_db

EXAMPLES = ROOT / "examples"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
SAL_ID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
TAXONOMY_ID = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def example(name):
    return json.loads((EXAMPLES / name).read_text())


@pytest.fixture
def directory():
    for kind, name in (
        ("taxonomy", "taxonomy.json"),
        ("service", "service_full.json"),
        ("service_at_location", "service_at_location_full.json"),
        ("organization", "organization_full.json"),
    ):
        report = oruk_import(actor=None, data=example(name), dry_run=False, kind=kind)
        assert report.errors == [], (name, report.errors)


# The standard's OpenAPI document gives /service_at_locations/{id} the compiled *service* schema
# (a slip in the standard: a service at a location has no name or status of its own); its
# compiled service_at_location schema is the one that describes the answer.
SCHEMA_FOR = {"/service_at_locations/{id}": "schema/compiled/service_at_location.json"}


def assert_valid(path, body):
    check = validator(SCHEMA_FOR[path]) if path in SCHEMA_FOR else response_validator(path)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(body)]
    assert errors == []


def normalised(value):
    """Lists in id order, empty lists and nulls dropped, date-times as instants."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items() if v not in ([], None)}
    if isinstance(value, list):
        return sorted((normalised(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, str) and value[:4].isdigit() and "T" in value:
        try:
            return datetime.datetime.fromisoformat(value).timestamp()
        except ValueError:
            return value
    return value


ENDPOINTS = [
    ("/", "/oruk/"),
    ("/services", "/oruk/services"),
    ("/services/{id}", f"/oruk/services/{SERVICE_ID}"),
    ("/service_at_locations", "/oruk/service_at_locations"),
    ("/service_at_locations/{id}", f"/oruk/service_at_locations/{SAL_ID}"),
    ("/taxonomies", "/oruk/taxonomies"),
    ("/taxonomies/{id}", f"/oruk/taxonomies/{TAXONOMY_ID}"),
    ("/taxonomy_terms", "/oruk/taxonomy_terms"),
    ("/taxonomy_terms/{id}", f"/oruk/taxonomy_terms/{TERM_ID}"),
]


@pytest.mark.parametrize(("path", "url"), ENDPOINTS)
def test_every_endpoint_answers_valid_oruk_with_no_sign_in(client, directory, path, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_valid(path, body)
    if "contents" in body:
        assert body["total_items"] == 1
        assert len(body["contents"]) == 1


def test_a_page_of_records_the_factories_made_is_valid_too(client):
    for _ in range(3):
        full_service()
    body = client.get("/oruk/services?per_page=2").json()
    assert_valid("/services", body)
    service_id = body["contents"][0]["id"]
    assert_valid("/services/{id}", client.get(f"/oruk/services/{service_id}").json())
    assert_valid("/service_at_locations", client.get("/oruk/service_at_locations").json())


def test_the_service_imported_comes_back_as_it_was_sent(client, directory):
    sent = example("service_full.json")
    got = client.get(f"/oruk/services/{SERVICE_ID}").json()
    # The answer also names the organisation's id and each location's; the example leaves them out.
    assert got.pop("organization_id", sent["organization"]["id"]) == sent["organization"]["id"]
    # The taxonomy feed (imported too) told the term which taxonomy it is in.
    assert got["attributes"][0]["taxonomy_term"].pop("taxonomy_id") == TAXONOMY_ID
    assert normalised(got) == normalised(sent)


def test_the_taxonomy_and_its_term_come_back_as_they_were_sent(client, directory):
    sent = example("taxonomy.json")
    got = client.get(f"/oruk/taxonomies/{TAXONOMY_ID}").json()
    assert normalised(got) == normalised(sent)
    term = client.get(f"/oruk/taxonomy_terms/{TERM_ID}").json()
    assert term == {**example("taxonomy_term.json"), "taxonomy_id": TAXONOMY_ID}


def test_the_root_says_which_version_and_profile():
    from django.test import Client

    body = Client().get("/oruk/").json()
    assert body["version"] == "3.0"
    assert body["profile"] == "https://openreferral.org/uk/"


def _services(n):
    return [ServiceFactory(name=f"Service {i:02d}") for i in range(n)]


def test_paging_second_last_and_empty_pages(client):
    made = _services(5)
    names = [s.name for s in made]
    second = client.get("/oruk/services?page=2&per_page=2").json()
    assert_valid("/services", second)
    assert {k: v for k, v in second.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 2,
        "size": 2,
        "first_page": False,
        "last_page": False,
        "empty": False,
    }
    assert [c["name"] for c in second["contents"]] == names[2:4]
    last = client.get("/oruk/services?page=3&per_page=2").json()
    assert (last["size"], last["last_page"], last["first_page"]) == (1, True, False)
    assert [c["name"] for c in last["contents"]] == names[4:]
    beyond = client.get("/oruk/services?page=4&per_page=2").json()
    assert_valid("/services", beyond)
    assert (beyond["contents"], beyond["size"], beyond["empty"]) == ([], 0, True)
    far = client.get(f"/oruk/services?page={10**20}").json()
    assert (far["page_number"], far["contents"], far["last_page"]) == (10**20, [], True)
    first = client.get("/oruk/services").json()
    assert (first["page_number"], first["size"], first["total_pages"]) == (1, 5, 1)
    assert (first["first_page"], first["last_page"]) == (True, True)


def test_an_empty_directory_is_one_empty_page(client):
    body = client.get("/oruk/taxonomies").json()
    assert_valid("/taxonomies", body)
    assert (body["total_items"], body["total_pages"], body["empty"]) == (0, 0, True)


def test_per_page_up_to_its_maximum(client):
    _services(3)
    assert client.get("/oruk/services?per_page=200").json()["size"] == 3
    response = client.get("/oruk/services?per_page=201")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "error": "per_page must be at least 1 and at most 200.",
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be at least 1."),
        ("page=two", "page must be a whole number."),
        ("per_page=-1", "per_page must be at least 1 and at most 200."),
        ("taxonomy_term_id=nope", "taxonomy_term_id must be a UUID."),
        ("text=a%00b", "text must be at most 200 characters, with no null characters."),
        ("modified_after=yesterday", "modified_after must be a date and time (ISO 8601)."),
        (
            "modified_after=2024-13-45T00:00:00",
            "modified_after must be a date and time (ISO 8601).",
        ),
    ],
)
def test_a_bad_query_is_a_400_in_json(client, query, message):
    response = client.get(f"/oruk/services?{query}")
    assert response.status_code == 400
    assert response.json() == {"status": 400, "error": message}


@pytest.mark.parametrize(
    "url",
    [
        f"/oruk/services/{NO_SUCH_ID}",
        "/oruk/services/not-a-uuid",
        f"/oruk/service_at_locations/{NO_SUCH_ID}",
        f"/oruk/taxonomies/{NO_SUCH_ID}",
        f"/oruk/taxonomy_terms/{NO_SUCH_ID}",
    ],
)
def test_an_unknown_id_is_a_404_in_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Not found."}


def test_the_api_is_read_only(client):
    assert client.post("/oruk/services", data={}).status_code == 405


def test_filters(client):
    wanted = full_service(name="Parenting group")
    other = full_service(name="Debt advice")
    from directory.models import Attribute

    term_id = Attribute.objects.get(link_id=wanted.pk).taxonomy_term_id

    def ids(query):
        return [c["id"] for c in client.get(f"/oruk/services?{query}").json()["contents"]]

    assert ids("text=parenting") == [str(wanted.pk)]
    assert ids(f"taxonomy_term_id={term_id}") == [str(wanted.pk)]
    other.last_modified = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    other.save()
    assert ids("modified_after=2029-12-31T00:00:00Z") == [str(other.pk)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/oruk/services", "/oruk/service_at_locations", "/oruk/taxonomy_terms"]
)
def test_a_page_costs_the_same_queries_for_2_or_10_records(client, url):
    for _ in range(2):
        full_service()
    two = _queries(client, url)
    for _ in range(8):
        full_service()
    assert _queries(client, url) == two


def test_a_full_service_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    service = full_service()
    with django_assert_max_num_queries(25):
        client.get(f"/oruk/services/{service.pk}")


def test_the_standards_paths_have_no_trailing_slash(client):
    # Django's APPEND_SLASH adds one only where a path without it matches nothing.
    assert client.get("/oruk/services").status_code == 200
    redirect = client.get("/oruk")
    assert (redirect.status_code, redirect["Location"]) == (301, "/oruk/")
    assert client.get("/oruk/services/").status_code == 404
