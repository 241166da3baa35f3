"""One rule, one place: the page and the API refuse the same bad input the same way,
and decide "is this address hidden" the same way.

Each bad input goes through the person form (a page POST) and ``POST /api/v1/people/``
(or the edit form and ``PATCH``); both must refuse it on the same field with the same
words, and neither may save anything. The rules live in people.services.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.models import AuditEvent
from people import selectors, services
from people.models import FamilyMember, FamilyTeam, Person
from people.presenters import CONFIDENTIAL_ADDRESS_TEXT
from people.tests.conftest import client_for, mark_searched
from people.tests.factories import (
    AddressFactory,
    ConfidentialAddressFactory,
    FamilyFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonAddressFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE_API = "/api/v1/people/"
# The rules count from today's date in London: the tests run at a fixed moment, so "tomorrow"
# and "in three years" are the same dates for the test and the service whenever it runs.
TODAY = date(2026, 6, 15)
IN_THREE_YEARS = date(2029, 6, 15)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(datetime(2026, 6, 15, 10, 30, tzinfo=UTC), tick=False):
        yield


def _date_parts(name: str, value: date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def _form_post(client, family, *, kind, first_name, date_of_birth=None, expected=None):
    mark_searched(client, name="Someone")
    data = {
        "kind": kind,
        "first_name": first_name,
        "last_name": "Refused",
        **_date_parts("date_of_birth", date_of_birth),
        **_date_parts("expected_date_of_delivery", expected),
        "gender": "0",
        "ethnicity": "NOBT",
        "family_choice": "existing",
        "family": str(family.pk),
        "role": FamilyMember.Role.CHILD,
    }
    return client.post(reverse("people:person_new"), data)


def _api_post(client, family, *, kind, first_name, date_of_birth=None, expected=None):
    body = {
        "kind": kind,
        "first_name": first_name,
        "last_name": "Refused",
        "family": str(family.pk),
        "role": "child",
    }
    if date_of_birth:
        body["date_of_birth"] = date_of_birth.isoformat()
    if expected:
        body["expected_date_of_delivery"] = expected.isoformat()
    return client.post(PEOPLE_API, data=json.dumps(body), content_type="application/json")


BAD_NEW_PEOPLE = {
    # The three cases the API once accepted though the form refused them.
    "child with no first name": (
        {"kind": "child", "first_name": "", "date_of_birth": date(2019, 4, 2)},
        "first_name",
        "Enter the person's first name",
    ),
    "unborn baby due in three years": (
        {"kind": "unborn", "first_name": "", "expected": IN_THREE_YEARS},
        "expected_date_of_delivery",
        "Expected date of delivery must be within the next 10 months",
    ),
    "adult born in 1850": (
        {"kind": "adult", "first_name": "Old", "date_of_birth": date(1850, 1, 1)},
        "date_of_birth",
        "Date of birth must be after 1900",
    ),
    # More of the rules that moved out of the form.
    "child born tomorrow": (
        {"kind": "child", "first_name": "Soon", "date_of_birth": TOMORROW},
        "date_of_birth",
        "Date of birth must be today or in the past",
    ),
    "unborn baby with a date of birth": (
        {
            "kind": "unborn",
            "first_name": "",
            "date_of_birth": date(2024, 1, 1),
            "expected": TODAY + timedelta(days=30),
        },
        "date_of_birth",
        "An unborn baby does not have a date of birth. Leave it blank, or select "
        "'Child or young person' if the baby has been born",
    ),
    "unborn baby with no due date": (
        {"kind": "unborn", "first_name": ""},
        "expected_date_of_delivery",
        "Enter the expected date of delivery",
    ),
    "unborn baby due two months ago": (
        {"kind": "unborn", "first_name": "", "expected": TODAY - timedelta(days=60)},
        "expected_date_of_delivery",
        "Expected date of delivery must be in the last month or in the future. If the baby "
        "has been born, select 'Child or young person' and enter the date of birth",
    ),
    "adult with a due date": (
        {"kind": "adult", "first_name": "Ann", "expected": TODAY + timedelta(days=30)},
        "expected_date_of_delivery",
        "Only enter an expected date of delivery for an unborn baby",
    ),
}


@pytest.mark.parametrize("case", BAD_NEW_PEOPLE, ids=list(BAD_NEW_PEOPLE))
def test_page_and_api_refuse_the_same_new_person_the_same_way(practitioner, family, case):
    inputs, field, message = BAD_NEW_PEOPLE[case]

    page = _form_post(client_for(practitioner), family, **inputs)
    api = _api_post(client_for(practitioner), family, **inputs)

    assert page.status_code == 200
    assert page.context["form"].errors[field] == [message]
    # The error summary links to the field the message is about.
    assert f'href="#id_{field}' in page.content.decode()
    assert api.status_code == 400
    assert api.json()[field] == [message]
    assert not Person.objects.filter(last_name="Refused").exists()


def test_the_service_itself_refuses_a_child_with_no_first_name(practitioner):
    with pytest.raises(services.ValidationError) as refused:
        services.person_create(actor=practitioner, kind="child", first_name="", last_name="Refused")
    assert refused.value.message_dict == {"first_name": ["Enter the person's first name"]}


def test_page_and_api_refuse_the_same_change_the_same_way(practitioner, child):
    form = client_for(practitioner).post(
        reverse("people:person_edit", kwargs={"person_id": child.pk}),
        {
            "version": child.version,
            "kind": "child",
            "first_name": "",
            "last_name": child.last_name,
            **_date_parts("date_of_birth", date(1850, 1, 1)),
            **_date_parts("expected_date_of_delivery", None),
            "gender": child.gender,
            "ethnicity": child.ethnicity,
            "disability": child.disability,
        },
    )
    api = client_for(practitioner).patch(
        f"{PEOPLE_API}{child.pk}/",
        data=json.dumps(
            {"version": child.version, "first_name": "", "date_of_birth": "1850-01-01"}
        ),
        content_type="application/json",
    )

    assert form.status_code == 200
    assert form.context["form"].errors["first_name"] == ["Enter the person's first name"]
    assert form.context["form"].errors["date_of_birth"] == ["Date of birth must be after 1900"]
    assert api.status_code == 400
    assert api.json() == {
        "first_name": ["Enter the person's first name"],
        "date_of_birth": ["Date of birth must be after 1900"],
    }
    child.refresh_from_db()
    assert child.first_name == "Amy" and child.version == 1


def test_adding_a_person_to_no_family_is_refused_by_the_service(practitioner):
    with pytest.raises(services.ValidationError) as refused:
        services.person_add(
            actor=practitioner, fields={"kind": "adult", "first_name": "A", "last_name": "Nobody"}
        )
    assert refused.value.message_dict == {
        "family": ["Add the person to a family your team works with."]
    }
    assert not Person.objects.filter(last_name="Nobody").exists()


def test_adding_a_person_to_a_family_out_of_scope_is_refused_by_the_service(
    practitioner, other_family
):
    with pytest.raises(services.ValidationError) as refused:
        services.person_add(
            actor=practitioner,
            fields={"kind": "adult", "first_name": "A", "last_name": "Smuggled"},
            family=other_family,
            role=FamilyMember.Role.OTHER_ADULT,
        )
    assert refused.value.message_dict == {"family": ["Select a family your team works with."]}
    assert not Person.objects.filter(last_name="Smuggled").exists()


# ---------------------------------------------------------------- the other rules moved out of forms


def test_other_name_relationship_professional_and_chronology_rules_live_in_the_service(
    practitioner, child, mother
):
    cases = [
        (
            lambda: services.person_add_other_name(
                actor=practitioner, person=child, first_name="", last_name="", kind="alias"
            ),
            {"first_name": ["Enter a first name, a last name or both"]},
        ),
        (
            lambda: services.relationship_add(
                actor=practitioner, person=mother, relative=child, kind="other"
            ),
            {"notes": ["Enter how they are related"]},
        ),
        (
            lambda: services.professional_add(
                actor=practitioner, person=child, name="N", role="R", organisation=""
            ),
            {"organisation": ["Choose an agency, or enter the organisation they work for"]},
        ),
        (
            lambda: services.chronology_add(
                actor=practitioner,
                person=child,
                occurred_on=TOMORROW,
                category="health",
                summary="S",
            ),
            {"occurred_on": ["The date must be today or in the past"]},
        ),
        (
            lambda: services.address_add(
                actor=practitioner,
                person=child,
                line_1="1 A St",
                town="T",
                postcode="HD1 1AA",
                moved_in=date(1850, 1, 1),
            ),
            {"moved_in": ["The date must be after 1900"]},
        ),
    ]
    for call, expected in cases:
        with pytest.raises(services.ValidationError) as refused:
            call()
        assert refused.value.message_dict == expected
    assert not child.other_names.exists() and not child.professionals.exists()
    assert not child.chronology.exists() and not child.addresses.exists()


def test_relationship_page_shows_the_services_words_on_the_field(practitioner, child, mother):
    response = client_for(practitioner).post(
        reverse("people:relationship_add", kwargs={"person_id": mother.pk}),
        {"relative": str(child.pk), "kind": "other", "notes": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == ["Enter how they are related"]


# ---------------------------------------------------------------- the refuge address


@pytest.fixture
def refuge(family, mother, child):
    """A refuge the mother's link marks confidential; her child's link to it is not marked."""
    address = AddressFactory(line_1="1 Refuge Row", postcode="HD9 9ZZ")
    ConfidentialAddressFactory(person=mother, address=address, moved_in=None)
    PersonAddressFactory(person=child, address=address, moved_in=None, is_confidential=False)
    return address


def test_refuge_shared_by_mother_and_child_is_hidden_on_the_childs_page_and_in_the_api(
    early_support_team_leader, refuge, child
):
    client = client_for(early_support_team_leader)

    page = client.get(reverse("people:person_detail", kwargs={"person_id": child.pk}))
    api = client.get(f"{PEOPLE_API}{child.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Refuge Row" not in html and "HD9 9ZZ" not in html
    assert CONFIDENTIAL_ADDRESS_TEXT in html
    assert api.status_code == 200
    assert [a["address"] for a in api.json()["addresses"]] == [{"confidential": True}]
    assert "Refuge Row" not in api.content.decode()
    page_event = (
        AuditEvent.objects.filter(record_id=str(child.pk), action="view").exclude(via="api").get()
    )
    assert page_event.detail == {"confidential_address_shown": False}


def test_refuge_household_is_hidden_on_the_family_page_and_in_the_api_alike(
    early_support_team_leader, practitioner, refuge, family, child
):
    # The household's own flag is not set: the mother's link to the address makes it confidential.
    household = HouseholdFactory(family=family, name="Refuge", address=refuge)
    HouseholdMemberFactory(household=household, person=child)
    url = reverse("people:family_detail", kwargs={"family_id": family.pk})

    hidden_page = client_for(early_support_team_leader).get(url)
    hidden_api = client_for(early_support_team_leader).get(f"/api/v1/families/{family.pk}/")
    shown_page = client_for(practitioner).get(url)
    shown_api = client_for(practitioner).get(f"/api/v1/families/{family.pk}/")

    assert hidden_page.status_code == 200 and hidden_api.status_code == 200
    assert "Refuge Row" not in hidden_page.content.decode()
    assert CONFIDENTIAL_ADDRESS_TEXT in hidden_page.content.decode()
    assert hidden_api.json()["households"][0]["address"] == {"confidential": True}
    assert "Refuge Row" not in hidden_api.content.decode()
    assert shown_page.status_code == 200 and shown_api.status_code == 200
    assert "1 Refuge Row" in shown_page.content.decode()
    assert shown_api.json()["households"][0]["address"]["line_1"] == "1 Refuge Row"


def test_refuge_is_shown_and_tagged_on_the_childs_page_to_the_team_working_with_the_family(
    practitioner, refuge, child
):
    client = client_for(practitioner)

    page = client.get(reverse("people:person_detail", kwargs={"person_id": child.pk}))
    api = client.get(f"{PEOPLE_API}{child.pk}/")

    html = page.content.decode()
    assert "1 Refuge Row" in html
    assert "Confidential</strong>" in html  # tagged, although the child's own link is not marked
    assert api.json()["addresses"][0]["address"]["line_1"] == "1 Refuge Row"


def test_refuge_cannot_be_ended_through_the_childs_link_by_someone_who_may_not_see_it(
    early_support_team_leader, refuge, child
):
    link = child.addresses.get()
    response = client_for(early_support_team_leader).get(
        reverse("people:address_end", kwargs={"person_id": child.pk, "link_id": link.pk})
    )
    assert response.status_code == 404


def test_search_results_do_not_show_the_refuges_postcode_through_the_child(
    practitioner, refuge, child
):
    from people.presenters import search_rows

    row = search_rows(practitioner, [child])[0]
    assert row.postcode == "" and row.postcode_confidential is True


def test_hidden_address_selector_decides_once(
    early_support_team_leader, practitioner, refuge, child, family
):
    assert selectors.confidential_address_ids([refuge.pk]) == {refuge.pk}
    assert selectors.is_address_hidden(early_support_team_leader, refuge.pk, person=child)
    assert selectors.is_address_hidden(early_support_team_leader, refuge.pk, family=family)
    assert not selectors.is_address_hidden(practitioner, refuge.pk, person=child)
    with pytest.raises(TypeError):
        selectors.hidden_address_ids(practitioner, [refuge.pk])


# ---------------------------------------------------------------- making sure a team is linked


def test_family_team_link_links_once_and_audits_why(practitioner, other_team):
    family = FamilyFactory(team=practitioner.team)

    first = services.family_team_link(
        actor=practitioner, family=family, team=other_team, reason="lead professional allocated"
    )
    again = services.family_team_link(
        actor=practitioner, family=family, team=other_team, reason="lead professional allocated"
    )

    assert first is not None and again is None
    assert (
        FamilyTeam.objects.filter(family=family, team=other_team, ended_on__isnull=True).count()
        == 1
    )
    event = AuditEvent.objects.get(record_id=str(family.pk), action="update")
    assert event.detail == {
        "fields": ["teams"],
        "team": other_team.code,
        "reason": "lead professional allocated",
    }
    assert (
        services.family_team_link(actor=practitioner, family=family, team=None, reason="no team")
        is None
    )


def test_family_link_team_is_refused_to_a_role_that_may_not_change_teams(
    practitioner, family, other_team
):
    with pytest.raises(services.PermissionDenied):
        services.family_link_team(actor=practitioner, family=family, team=other_team)
    assert not FamilyTeam.objects.filter(family=family, team=other_team).exists()


def test_team_manager_may_link_a_team(family, team, other_team):
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    link = services.family_link_team(actor=manager, family=family, team=other_team)
    assert link.team == other_team


def test_ending_the_childs_link_to_the_refuge_shows_and_audits_it_as_confidential(
    practitioner, refuge, child
):
    link = child.addresses.get()
    response = client_for(practitioner).get(
        reverse("people:address_end", kwargs={"person_id": child.pk, "link_id": link.pk})
    )
    assert response.status_code == 200
    assert "Confidential</strong>" in response.content.decode()
    event = AuditEvent.objects.filter(record_id=str(child.pk), action="view").get()
    assert event.detail == {"page": "end_address", "confidential_address_shown": True}
