"""The people and families API: scope, audit, concurrency, auth, privacy and schema."""

import json
import logging
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified, token_client
from core import clock
from core.models import AuditEvent
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people.models import FamilyMember, Person
from people.tests.factories import (
    ChronologyEntryFactory,
    ConfidentialAddressFactory,
    FamilyFactory,
    FamilyMemberFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonAddressFactory,
    PersonFactory,
    ProfessionalInvolvementFactory,
    family_with_members,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
FAMILIES = "/api/v1/families/"
NOT_FOUND_BODY = {"detail": "Not found."}


def person_url(person) -> str:
    return f"{PEOPLE}{person.pk}/"


def family_url(family) -> str:
    return f"{FAMILIES}{family.pk}/"


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def member_of(family, **person_kwargs) -> Person:
    person = PersonFactory(**person_kwargs)
    FamilyMemberFactory(family=family, person=person)
    return person


@pytest.fixture
def api(practitioner_client):
    return practitioner_client


@pytest.fixture
def our_family(team):
    return family_with_members(team=team, children=2, adults=1)


@pytest.fixture
def their_family(other_team):
    return FamilyFactory(team=other_team)


@pytest.fixture
def their_person(their_family):
    return member_of(their_family, first_name="Zebedee", last_name="Quarrington")


# --- Scope -------------------------------------------------------------------------


def test_another_teams_person_is_not_found(api, their_person):
    for response in (
        api.get(person_url(their_person)),
        api.get(f"{person_url(their_person)}chronology/"),
        patch(api, person_url(their_person), {"version": 1, "first_name": "Changed"}),
    ):
        assert response.status_code == 404
        assert response.json() == NOT_FOUND_BODY
    their_person.refresh_from_db()
    assert their_person.first_name == "Zebedee"
    assert their_person.version == 1


def test_another_teams_family_is_not_found(api, their_family):
    response = api.get(family_url(their_family))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_a_malformed_or_unknown_id_is_the_same_not_found(api):
    assert api.get(f"{PEOPLE}not-a-uuid/").json() == NOT_FOUND_BODY
    assert api.get(f"{PEOPLE}00000000-0000-0000-0000-000000000000/").json() == NOT_FOUND_BODY
    assert api.get(f"{FAMILIES}00000000-0000-0000-0000-000000000000/").json() == NOT_FOUND_BODY


def test_lists_hold_only_the_callers_families_and_people(api, our_family, their_person):
    people = api.get(PEOPLE).json()
    ids = {row["id"] for row in people["results"]}
    assert ids == {str(m.person_id) for m in our_family.members.all()}
    assert str(their_person.pk) not in ids
    families = api.get(FAMILIES).json()
    assert [row["id"] for row in families["results"]] == [str(our_family.pk)]


def test_administrator_sees_no_case_content(client, our_family):
    person = our_family.members.first().person
    admin = AdminFactory()
    token_client(client, admin)
    assert client.get(PEOPLE).json()["results"] == []
    assert client.get(FAMILIES).json()["results"] == []
    assert client.get(person_url(person)).json() == NOT_FOUND_BODY
    assert client.get(family_url(our_family)).json() == NOT_FOUND_BODY
    # A role with no case access may not search at all (people.rules), as on the search page.
    search = post(client, f"{PEOPLE}search/", {"name": person.last_name})
    assert search.status_code == 403
    assert "results" not in search.json()
    created = post(client, PEOPLE, {"kind": "adult", "last_name": "Nobody"})
    assert created.status_code == 403
    assert not Person.objects.filter(last_name="Nobody").exists()


# --- Reads and their audit ---------------------------------------------------------


def test_retrieving_a_person_writes_exactly_one_audit_event(api, practitioner, our_family):
    person = our_family.members.first().person
    before = AuditEvent.objects.count()
    response = api.get(person_url(person))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(person.pk)
    assert body["version"] == person.version
    assert [f["family"]["id"] for f in body["families"]] == [str(our_family.pk)]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert (event.actor, event.action, event.record_type, event.record_id, event.via) == (
        practitioner,
        AuditEvent.Action.VIEW,
        "people.person",
        str(person.pk),
        "api",
    )


def test_retrieving_a_family_writes_exactly_one_audit_event(api, practitioner, our_family, team):
    child = our_family.members.filter(role=FamilyMember.Role.CHILD).first().person
    household = HouseholdFactory(family=our_family)
    HouseholdMemberFactory(household=household, person=child)
    ProfessionalInvolvementFactory(person=child)
    ChronologyEntryFactory(person=child)
    before = AuditEvent.objects.count()
    response = api.get(family_url(our_family))
    assert response.status_code == 200
    body = response.json()
    assert len(body["members"]) == 3
    assert body["households"][0]["members"][0]["person"]["id"] == str(child.pk)
    assert [t["code"] for t in body["teams"]] == [team.code]
    assert len(body["professionals"]) == 1
    assert body["chronology"]["count"] == 1
    assert body["chronology"]["by_category"] == {"education": 1}
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert (event.actor, event.action, event.record_type, event.record_id, event.via) == (
        practitioner,
        AuditEvent.Action.VIEW,
        "people.family",
        str(our_family.pk),
        "api",
    )


def test_a_list_writes_one_audit_event_with_a_count_and_nothing_personal(api, our_family):
    before = AuditEvent.objects.count()
    api.get(PEOPLE)
    api.get(FAMILIES)
    assert AuditEvent.objects.count() == before + 2
    families_event, people_event = AuditEvent.objects.all()[:2]
    assert (people_event.action, people_event.record_type, people_event.record_id) == (
        "view",
        "people.person",
        "",
    )
    assert people_event.detail == {"count": 3}
    assert (families_event.action, families_event.record_type) == ("view", "people.family")
    assert families_event.detail == {"count": 1}


def test_a_persons_chronology_is_paginated_and_audited_once(api, our_family):
    person = our_family.members.first().person
    ChronologyEntryFactory(person=person, occurred_on=date(2025, 1, 1), summary="Older")
    ChronologyEntryFactory(person=person, occurred_on=date(2025, 6, 1), summary="Newer")
    before = AuditEvent.objects.count()
    response = api.get(f"{person_url(person)}chronology/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [e["summary"] for e in body["results"]] == ["Newer", "Older"]
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.first().record_id == str(person.pk)


# --- Writes ------------------------------------------------------------------------


def test_patch_with_the_current_version_saves_and_is_audited(api, our_family):
    person = our_family.members.first().person
    response = patch(api, person_url(person), {"version": 1, "preferred_name": "Sunny"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    person.refresh_from_db()
    assert (person.preferred_name, person.version) == ("Sunny", 2)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert event.detail == {"fields": ["preferred_name"]}
    assert event.via == "api"


def test_stale_patch_is_a_conflict_and_changes_nothing(api, our_family):
    person = our_family.members.first().person
    Person.objects.filter(pk=person.pk).update(version=3, last_name="Current")
    response = patch(api, person_url(person), {"version": 2, "last_name": "Stale"})
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 3
    assert "changed by someone else" in body["detail"]
    person.refresh_from_db()
    assert (person.last_name, person.version) == ("Current", 3)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_patch_needs_a_version_and_valid_values(api, our_family):
    person = our_family.members.first().person
    missing = patch(api, person_url(person), {"first_name": "NoVersion"})
    assert missing.status_code == 400
    assert "version" in missing.json()
    future = patch(
        api,
        person_url(person),
        {"version": 1, "date_of_birth": str(clock.today() + timedelta(days=30))},
    )
    assert future.status_code == 400
    assert "date_of_birth" in future.json()
    bad_choice = patch(api, person_url(person), {"version": 1, "kind": "martian"})
    assert bad_choice.status_code == 400
    nothing_to_change = patch(api, person_url(person), {"version": 1})
    assert nothing_to_change.status_code == 400
    person.refresh_from_db()
    assert person.version == 1
    assert person.first_name != "NoVersion"


def test_put_is_not_offered(api, our_family):
    person = our_family.members.first().person
    response = api.put(
        person_url(person), data=json.dumps({"version": 1}), content_type="application/json"
    )
    assert response.status_code == 405


def test_create_a_person_into_a_family_in_scope(api, practitioner, our_family):
    response = post(
        api,
        PEOPLE,
        {
            "kind": "child",
            "first_name": "Ada",
            "last_name": "Newcombe",
            "date_of_birth": "2019-04-02",
            "family": str(our_family.pk),
            "role": "child",
        },
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.created_by == practitioner
    assert person.search_names.strip() == "ada newcombe"
    assert FamilyMember.objects.filter(family=our_family, person=person, role="child").exists()
    assert AuditEvent.objects.filter(action="create", record_id=str(person.pk), via="api").exists()
    assert api.get(person_url(person)).status_code == 200


def test_create_refuses_a_family_out_of_scope_and_bad_dates(api, their_family, our_family):
    out_of_scope = post(
        api,
        PEOPLE,
        {
            "kind": "adult",
            "last_name": "Smuggled",
            "family": str(their_family.pk),
            "role": "other_adult",
        },
    )
    assert out_of_scope.status_code == 400
    assert "family" in out_of_scope.json()
    unborn_with_dob = post(
        api,
        PEOPLE,
        {
            "kind": "unborn",
            "last_name": "Smuggled",
            "date_of_birth": "2024-01-01",
            "family": str(our_family.pk),
            "role": "child",
        },
    )
    assert unborn_with_dob.status_code == 400
    no_family = post(api, PEOPLE, {"kind": "adult", "last_name": "Smuggled"})
    assert no_family.status_code == 400
    assert not Person.objects.filter(last_name="Smuggled").exists()


# --- Authentication ----------------------------------------------------------------


def test_token_authentication_works(client, practitioner, our_family, capsys):
    call_command("create_api_token", practitioner.username, "--name", "Reporting", "--days", "7")
    raw = capsys.readouterr().out.strip()
    response = client.get(PEOPLE, HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert client.get(PEOPLE, HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401


def test_a_session_without_second_factor_is_refused(client, practitioner, our_family):
    client.force_login(practitioner)
    person = our_family.members.first().person
    for response in (client.get(PEOPLE), client.get(person_url(person)), client.get(FAMILIES)):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert not AuditEvent.objects.filter(action="view").exists()


def test_anonymous_requests_learn_nothing_about_records(client, their_person):
    for response in (
        client.get(PEOPLE),
        client.get(person_url(their_person)),
        client.get(f"{PEOPLE}00000000-0000-0000-0000-000000000000/"),
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    # A malformed id is no record's id: refused at the URL, before anyone is asked to sign in.
    assert client.get(f"{PEOPLE}nope/").json() == {"detail": "Not found."}


# --- Confidential addresses --------------------------------------------------------


@pytest.fixture
def refuge(our_family):
    person = our_family.members.filter(role=FamilyMember.Role.PARENT_CARER).first().person
    link = ConfidentialAddressFactory(
        person=person, address__line_1="1 Hidden Lane", address__postcode="HD1 9ZZ"
    )
    PersonAddressFactory(person=person, address__line_1="22 Old Road", moved_in=date(2010, 1, 1))
    household = HouseholdFactory(family=our_family, address=link.address, is_confidential=True)
    HouseholdMemberFactory(household=household, person=person)
    return person


@pytest.fixture
def early_support_client(client):
    ess = UserFactory(
        team=TeamFactory(agency=EarlySupportAgencyFactory()), roles=[Role.PRACTITIONER]
    )
    return sign_in_verified(client, ess)


def test_confidential_address_shown_to_the_team_working_with_the_family(api, refuge, our_family):
    body = api.get(person_url(refuge)).json()
    shown = {a["address"]["line_1"] for a in body["addresses"]}
    assert shown == {"1 Hidden Lane", "22 Old Road"}
    family = api.get(family_url(our_family)).json()
    assert family["households"][0]["address"]["postcode"] == "HD1 9ZZ"


def test_confidential_address_hidden_from_staff_who_only_may_read(
    early_support_client, refuge, our_family
):
    response = early_support_client.get(person_url(refuge))
    assert response.status_code == 200
    body = response.json()
    addresses = {a["is_confidential"]: a["address"] for a in body["addresses"]}
    assert addresses[True] == {"confidential": True}
    assert addresses[False]["line_1"] == "22 Old Road"
    assert body["households"][0]["address"] == {"confidential": True}
    family = early_support_client.get(family_url(our_family))
    assert family.json()["households"][0]["address"] == {"confidential": True}
    for content in (response.content, family.content):
        assert b"Hidden Lane" not in content
        assert b"HD1 9ZZ" not in content


# --- Search ------------------------------------------------------------------------


def test_search_is_a_post_and_its_terms_never_reach_the_url(api, our_family, caplog):
    target = member_of(our_family, first_name="Persephone", last_name="Oyelaran-Whitcombe")
    caplog.set_level(logging.INFO, logger="earlyhelp.access")
    response = post(
        api, f"{PEOPLE}search/", {"name": "Oyelaran", "date_of_birth": None, "postcode": ""}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["person"]["id"] for r in body["results"]] == [str(target.pk)]
    assert body["too_many"] is False
    assert "Oyelaran" not in response.request["PATH_INFO"]
    assert "Oyelaran" not in response.request.get("QUERY_STRING", "")
    assert all("Oyelaran" not in str(r.__dict__) for r in caplog.records)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert (event.record_type, event.detail, event.via) == ("people.person", {"results": 1}, "api")
    assert "Oyelaran" not in json.dumps(event.detail)


def test_search_needs_terms_and_cannot_be_a_get(api, our_family):
    assert post(api, f"{PEOPLE}search/", {}).status_code == 400
    assert api.get(f"{PEOPLE}search/", {"name": "anything"}).status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_people_list_has_no_name_filter(api, our_family):
    someone = our_family.members.first().person
    unfiltered = api.get(PEOPLE).json()
    attempted = api.get(PEOPLE, {"name": someone.last_name, "search": someone.last_name}).json()
    assert attempted["count"] == unfiltered["count"] == 3


# --- Query counts ------------------------------------------------------------------


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_list_query_count_does_not_grow_with_rows(api, team, url):
    for _ in range(3):
        family_with_members(team=team, children=1, adults=0)
    api.get(url)  # warm the session and any once-per-process lookups
    few = _queries_for(api, url)
    assert api.get(url).json()["count"] == 3
    for _ in range(27):
        family_with_members(team=team, children=1, adults=0)
    assert api.get(url).json()["count"] == 30
    many = _queries_for(api, url)
    assert few == many


def test_family_detail_query_count_does_not_grow_with_members(api, team):
    small = family_with_members(team=team, children=1, adults=1)
    large = family_with_members(team=team, children=8, adults=2)
    for family in (small, large):
        for member in family.members.all():
            ProfessionalInvolvementFactory(person=member.person)
            ChronologyEntryFactory(person=member.person)
        household = HouseholdFactory(family=family)
        for member in family.members.all():
            HouseholdMemberFactory(household=household, person=member.person)
    api.get(family_url(small))
    assert _queries_for(api, family_url(small)) == _queries_for(api, family_url(large))


# --- OpenAPI -----------------------------------------------------------------------


def test_schema_endpoint_describes_people_and_families(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/chronology/",
        "/api/v1/people/search/",
        "/api/v1/families/",
        "/api/v1/families/{id}/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/people/{id}/"]) >= {"get", "patch"}
    assert "put" not in schema["paths"]["/api/v1/people/{id}/"]
    update = schema["components"]["schemas"]["PersonUpdateRequest"]
    assert update["required"] == ["version"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_api_docs_page_is_served(client):
    assert client.get("/api/docs/").status_code == 200
