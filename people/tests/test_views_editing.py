"""The forms that record addresses, other names, relationships, parental responsibility,
family members, households and the teams working with a family."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core import clock
from core.audit import Action
from core.models import AuditEvent
from core.tests.factories import TeamFactory
from people import selectors, services
from people.models import (
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from people.presenters import CONFIDENTIAL_ADDRESS_TEXT
from people.tests.conftest import audit_events_for, client_for, mark_searched
from people.tests.factories import (
    AddressFactory,
    AdultFactory,
    ConfidentialAddressFactory,
    FamilyFactory,
    FamilyMemberFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    ParentalResponsibilityFactory,
    PersonAddressFactory,
    PersonFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


def person_url(name, person, **kwargs):
    return reverse(name, kwargs={"person_id": person.pk, **kwargs})


def family_url(name, family, **kwargs):
    return reverse(name, kwargs={"family_id": family.pk, **kwargs})


def date_fields(prefix: str, day: date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


class AuditCounter:
    """How many audit events were written since it was made."""

    def __init__(self):
        self.start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self):
        return list(AuditEvent.objects.filter(id__gt=self.start).order_by("id"))


def assert_one_write(counter: AuditCounter, record) -> AuditEvent:
    events = counter.new()
    assert len(events) == 1, [(e.action, e.detail) for e in events]
    event = events[0]
    assert event.action == Action.UPDATE
    assert (event.record_type, event.record_id) == (record._meta.label_lower, str(record.pk))
    return event


def assert_no_names(message: str, *people) -> None:
    for person in people:
        assert person.first_name not in message and person.last_name not in message


def flash_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def father(family):
    person = AdultFactory(first_name="Tom", last_name="Brown", date_of_birth=date(1985, 1, 2))
    FamilyMemberFactory(family=family, person=person, role=FamilyMember.Role.PARENT_CARER)
    return person


# ---------------------------------------------------------------- addresses


def _address_data(**overrides):
    data = {
        "line_1": "12 Station Road",
        "line_2": "",
        "town": "Huddersfield",
        "postcode": "hd12ab",
        **date_fields("moved_in", date(2026, 2, 1)),
        "is_confidential": "no",
        "ends_current": "on",
    }
    data.update(overrides)
    return data


def test_person_page_links_to_the_new_forms(practitioner_client, child, mother):
    html = practitioner_client.get(person_url("people:person_detail", child)).content.decode()

    for name in (
        "people:address_add",
        "people:other_name_add",
        "people:relationship_add",
        "people:parental_responsibility_add",
    ):
        assert person_url(name, child) in html
    assert 'Add<span class="govuk-visually-hidden"> an address</span>' in html
    assert 'Add<span class="govuk-visually-hidden"> another name</span>' in html
    assert 'Add<span class="govuk-visually-hidden"> a relationship</span>' in html
    assert 'Add<span class="govuk-visually-hidden"> parental responsibility</span>' in html
    # Parental responsibility is recorded for a child, so an adult's page does not offer it.
    mothers = practitioner_client.get(person_url("people:person_detail", mother)).content.decode()
    assert person_url("people:parental_responsibility_add", mother) not in mothers


def test_add_an_address(practitioner, practitioner_client, child):
    old = PersonAddressFactory(person=child, moved_in=date(2020, 1, 1))
    page = practitioner_client.get(person_url("people:address_add", child))
    assert page.status_code == 200
    assert audit_events_for(child).latest("id").detail == {"page": "add_address"}
    assert 'name="ends_current"' in page.content.decode() and "checked" in page.content.decode()
    counter = AuditCounter()

    response = practitioner_client.post(person_url("people:address_add", child), _address_data())

    assert response.status_code == 302
    assert response["Location"] == person_url("people:person_detail", child)
    link = PersonAddress.objects.get(person=child, moved_out__isnull=True)
    assert (link.address.line_1, link.address.postcode, link.moved_in) == (
        "12 Station Road",
        "HD1 2AB",  # shown upper case, with its space
        date(2026, 2, 1),
    )
    assert not link.is_confidential
    old.refresh_from_db()
    assert old.moved_out == date(2026, 2, 1)  # the previous address became a past one
    event = assert_one_write(counter, child)
    assert (event.actor, event.detail) == (practitioner, {"fields": ["addresses"]})
    assert flash_messages(response) == ["Address added"]
    html = practitioner_client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in html and "12 Station Road" in html
    results, _ = selectors.search_people(practitioner, postcode="HD1 2AB")
    assert [person for person, _ in results] == [child]


def test_add_an_address_without_ending_the_current_one(practitioner_client, child):
    old = PersonAddressFactory(person=child, moved_in=date(2020, 1, 1))

    data = _address_data()
    del data["ends_current"]
    practitioner_client.post(person_url("people:address_add", child), data)

    old.refresh_from_db()
    assert old.moved_out is None
    assert child.addresses.filter(moved_out__isnull=True).count() == 2


def test_no_current_address_means_no_question_about_ending_it(practitioner_client, child):
    html = practitioner_client.get(person_url("people:address_add", child)).content.decode()
    assert 'name="ends_current"' not in html


def test_address_errors_keep_what_was_typed(practitioner_client, child):
    tomorrow = clock.today() + timedelta(days=1)
    response = practitioner_client.post(
        person_url("people:address_add", child),
        _address_data(
            town="", postcode="NOT A POSTCODE", line_2="Flat 2", **date_fields("moved_in", tomorrow)
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "<title>Error: " in html
    assert "Enter town or city" in html and 'href="#id_town"' in html
    assert "Enter a full UK postcode, like HD1 2AB" in html and 'href="#id_postcode"' in html
    assert "The date they moved in must be today or in the past" in html
    assert 'href="#id_moved_in_0"' in html
    assert 'value="12 Station Road"' in html and 'value="Flat 2"' in html
    assert 'value="NOT A POSTCODE"' in html
    assert f'name="moved_in_2" value="{tomorrow.year}"' in html
    assert not PersonAddress.objects.filter(person=child).exists()


def test_address_needs_the_confidential_question_answered(practitioner_client, child):
    data = _address_data()
    del data["is_confidential"]
    html = practitioner_client.post(person_url("people:address_add", child), data).content.decode()
    assert "Select yes if the address is confidential" in html
    assert 'href="#id_is_confidential_1"' in html


def test_moving_in_before_the_current_address_is_refused(practitioner_client, child):
    PersonAddressFactory(person=child, moved_in=date(2025, 6, 1))

    response = practitioner_client.post(
        person_url("people:address_add", child),
        _address_data(**date_fields("moved_in", date(2024, 1, 1))),
    )

    assert (
        "must be after the date they moved in to their current address" in response.content.decode()
    )
    assert child.addresses.count() == 1


def test_confidential_address_from_the_form_is_hidden_and_not_searchable(
    practitioner, practitioner_client, early_support_practitioner, child, family
):
    practitioner_client.post(
        person_url("people:address_add", child),
        _address_data(line_1="1 Refuge Road", postcode="HD7 7ZZ", is_confidential="yes"),
    )
    link = PersonAddress.objects.get(person=child)
    assert link.is_confidential

    service_client = client_for(early_support_practitioner)
    hidden = service_client.get(person_url("people:person_detail", child)).content.decode()
    assert "1 Refuge Road" not in hidden and "HD7 7ZZ" not in hidden
    assert CONFIDENTIAL_ADDRESS_TEXT in hidden
    # Nor can they open the 'moved out' page for it, which would show it.
    end_url = person_url("people:address_end", child, link_id=link.pk)
    assert service_client.get(end_url).status_code == 404
    assert person_url("people:address_end", child, link_id=link.pk) not in hidden
    # Its postcode finds no one, for them or for the team that can see it.
    for user in (early_support_practitioner, practitioner):
        results, _ = selectors.search_people(user, postcode="HD7 7ZZ")
        assert results == []
    searched = service_client.post(reverse("people:search"), {"postcode": "HD7 7ZZ"})
    assert searched.context["rows"] == []
    shown = practitioner_client.get(person_url("people:person_detail", child)).content.decode()
    assert "1 Refuge Road" in shown


def test_record_that_they_moved_out(practitioner, practitioner_client, child):
    link = PersonAddressFactory(person=child, moved_in=date(2020, 1, 1))
    url = person_url("people:address_end", child, link_id=link.pk)
    assert (
        url in practitioner_client.get(person_url("people:person_detail", child)).content.decode()
    )
    page = practitioner_client.get(url)
    assert page.status_code == 200 and link.address.line_1 in page.content.decode()
    counter = AuditCounter()

    response = practitioner_client.post(url, date_fields("moved_out", date(2026, 1, 31)))

    assert response.status_code == 302
    assert response["Location"] == person_url("people:person_detail", child)
    link.refresh_from_db()
    assert link.moved_out == date(2026, 1, 31)
    assert assert_one_write(counter, child).detail == {"fields": ["addresses"]}
    assert flash_messages(response) == ["Moving out date saved"]
    # It is now history: there is no current address to end.
    assert practitioner_client.get(url).status_code == 404


def test_moved_out_date_errors(practitioner_client, child):
    link = PersonAddressFactory(person=child, moved_in=date(2020, 1, 1))
    url = person_url("people:address_end", child, link_id=link.pk)

    missing = practitioner_client.post(url, date_fields("moved_out", None)).content.decode()
    before = practitioner_client.post(
        url, date_fields("moved_out", date(2019, 5, 1))
    ).content.decode()

    assert "Enter the date they moved out" in missing and 'href="#id_moved_out_0"' in missing
    assert "must be on or after the date they moved in" in before
    assert 'name="moved_out_2" value="2019"' in before
    link.refresh_from_db()
    assert link.moved_out is None


def test_another_persons_address_is_not_found(practitioner_client, child, mother):
    link = PersonAddressFactory(person=mother)
    url = person_url("people:address_end", child, link_id=link.pk)
    assert practitioner_client.get(url).status_code == 404


# ---------------------------------------------------------------- other names


def test_add_another_name(practitioner, practitioner_client, child):
    assert practitioner_client.get(person_url("people:other_name_add", child)).status_code == 200
    counter = AuditCounter()

    response = practitioner_client.post(
        person_url("people:other_name_add", child),
        {"kind": PersonName.Kind.BIRTH, "first_name": "Amelia", "last_name": "Jones"},
    )

    assert response.status_code == 302
    name = PersonName.objects.get(person=child)
    assert (name.kind, name.first_name, name.last_name) == ("birth", "Amelia", "Jones")
    assert assert_one_write(counter, child).detail == {"fields": ["other_names"]}
    assert flash_messages(response) == ["Name added"]
    html = practitioner_client.get(response["Location"]).content.decode()
    assert "Amelia Jones (name at birth)" in html
    results, _ = selectors.search_people(practitioner, name="Amelia Jones")
    assert [person for person, _ in results] == [child]


def test_another_name_needs_a_name_and_a_kind(practitioner_client, child):
    html = practitioner_client.post(
        person_url("people:other_name_add", child), {"first_name": "", "last_name": ""}
    ).content.decode()
    assert "Select what kind of name it is" in html and 'href="#id_kind_1"' in html

    html = practitioner_client.post(
        person_url("people:other_name_add", child),
        {"kind": "alias", "first_name": "", "last_name": ""},
    ).content.decode()
    assert "Enter a first name, a last name or both" in html
    assert 'checked="checked"' in html
    assert not PersonName.objects.exists()


# ---------------------------------------------------------------- relationships


def test_relationship_choices_are_the_other_members_of_their_families(
    practitioner_client, family, child, mother, other_child
):
    html = practitioner_client.get(person_url("people:relationship_add", child)).content.decode()

    assert "Jane Smith" in html and "Adult, born 1 May 1990" in html
    assert f'value="{mother.pk}"' in html
    assert f'value="{child.pk}"' not in html  # not themselves
    assert "Olly Jones" not in html  # not someone in another team's family
    assert "Amy Smith is the … of the person you chose" in html


def test_add_a_relationship(practitioner, practitioner_client, mother, child):
    counter = AuditCounter()

    response = practitioner_client.post(
        person_url("people:relationship_add", mother),
        {"relative": str(child.pk), "kind": Relationship.Kind.MOTHER, "notes": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == person_url("people:person_detail", mother)
    relationship = Relationship.objects.get()
    assert (relationship.person, relationship.relative, relationship.kind) == (
        mother,
        child,
        "mother",
    )
    assert assert_one_write(counter, mother).detail == {"fields": ["relationships"]}
    assert flash_messages(response) == ["Relationship added"]
    html = practitioner_client.get(response["Location"]).content.decode()
    assert "Mother of <a" in html


def test_a_relationship_to_themselves_is_refused(practitioner_client, child, mother):
    response = practitioner_client.post(
        person_url("people:relationship_add", child),
        {"relative": str(child.pk), "kind": Relationship.Kind.SIBLING, "notes": "Typed note"},
    )

    html = response.content.decode()
    assert "Select who they are related to from the list" in html
    assert 'href="#id_relative_1"' in html and 'value="Typed note"' in html
    assert not Relationship.objects.exists()
    with pytest.raises(services.ValidationError):
        services.relationship_add(actor=None, person=child, relative=child, kind="sibling")


def test_a_duplicate_relationship_gets_a_friendly_error(practitioner_client, mother, child):
    RelationshipFactory(person=mother, relative=child, kind=Relationship.Kind.MOTHER)
    counter = AuditCounter()

    response = practitioner_client.post(
        person_url("people:relationship_add", mother),
        {"relative": str(child.pk), "kind": Relationship.Kind.MOTHER},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This relationship is already recorded" in html and 'href="#id_kind_1"' in html
    assert Relationship.objects.count() == 1
    assert [e.action for e in counter.new()] == [Action.VIEW]


def test_other_relationship_needs_a_note(practitioner_client, mother, child):
    html = practitioner_client.post(
        person_url("people:relationship_add", mother),
        {"relative": str(child.pk), "kind": Relationship.Kind.OTHER},
    ).content.decode()
    assert "Enter how they are related" in html


def test_no_one_to_relate_to_says_what_to_do(practitioner_client, team):
    family = FamilyFactory(team=team)
    alone = PersonFactory()
    FamilyMemberFactory(family=family, person=alone)

    html = practitioner_client.get(person_url("people:relationship_add", alone)).content.decode()

    assert "there is no one to choose" in html
    assert family_url("people:family_member_add", family) in html


# ---------------------------------------------------------------- parental responsibility


def _pr_data(adult, **overrides):
    data = {
        "adult": str(adult.pk),
        "basis": ParentalResponsibility.Basis.BIRTH_MOTHER,
        **date_fields("from_date", None),
    }
    data.update(overrides)
    return data


def test_record_parental_responsibility(practitioner, practitioner_client, child, mother, father):
    page = practitioner_client.get(person_url("people:parental_responsibility_add", child))
    html = page.content.decode()
    assert "Jane Smith" in html and "Tom Brown" in html
    assert f'value="{child.pk}"' not in html
    assert "Married to or civil partner of the mother at the birth" in html
    counter = AuditCounter()

    response = practitioner_client.post(
        person_url("people:parental_responsibility_add", child),
        _pr_data(
            father,
            basis=ParentalResponsibility.Basis.BIRTH_REGISTRATION,
            **date_fields("from_date", date(2016, 4, 1)),
        ),
    )

    assert response.status_code == 302
    pr = ParentalResponsibility.objects.get()
    assert (pr.child, pr.adult, pr.basis, pr.from_date) == (
        child,
        father,
        "registration",
        date(2016, 4, 1),
    )
    assert assert_one_write(counter, child).detail == {"fields": ["parental_responsibility"]}
    assert flash_messages(response) == ["Parental responsibility recorded"]
    html = practitioner_client.get(response["Location"]).content.decode()
    assert "has parental responsibility (named on the birth certificate, from 1 April 2016)" in html


def test_parental_responsibility_refuses_a_child_as_the_adult(practitioner_client, family, child):
    sibling = PersonFactory(first_name="Ben", last_name="Smith", date_of_birth=date(2012, 1, 1))
    FamilyMemberFactory(family=family, person=sibling, role=FamilyMember.Role.CHILD)

    response = practitioner_client.post(
        person_url("people:parental_responsibility_add", child), _pr_data(sibling)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Only an adult can have parental responsibility" in html
    assert not ParentalResponsibility.objects.exists()
    # The service refuses too, whoever calls it.
    with pytest.raises(services.ValidationError):
        services.parental_responsibility_add(
            actor=None, child=child, adult=sibling, basis="agreement"
        )


def test_parental_responsibility_errors_keep_what_was_typed(practitioner_client, child, mother):
    response = practitioner_client.post(
        person_url("people:parental_responsibility_add", child),
        _pr_data(mother, basis="", from_date_0="1", from_date_1="", from_date_2="2016"),
    )

    html = response.content.decode()
    assert "Select how they have parental responsibility" in html
    assert "Date it started must include a month" in html
    assert 'name="from_date_2" value="2016"' in html
    assert f'value="{mother.pk}"' in html and 'checked="checked"' in html


def test_parental_responsibility_is_only_for_a_child(practitioner_client, mother):
    assert (
        practitioner_client.get(
            person_url("people:parental_responsibility_add", mother)
        ).status_code
        == 404
    )


def test_end_parental_responsibility(practitioner_client, child, mother):
    pr = ParentalResponsibilityFactory(child=child, adult=mother, from_date=date(2016, 3, 27))
    url = person_url("people:parental_responsibility_end", child, pr_id=pr.pk)
    assert (
        url in practitioner_client.get(person_url("people:person_detail", child)).content.decode()
    )
    assert practitioner_client.get(url).status_code == 200
    counter = AuditCounter()

    too_early = practitioner_client.post(url, date_fields("to_date", date(2015, 1, 1)))
    assert "must be on or after the date it started" in too_early.content.decode()
    counter = AuditCounter()
    response = practitioner_client.post(url, date_fields("to_date", date(2026, 1, 5)))

    assert response.status_code == 302
    pr.refresh_from_db()
    assert pr.to_date == date(2026, 1, 5)
    assert assert_one_write(counter, child).detail == {"fields": ["parental_responsibility"]}
    assert flash_messages(response) == ["Parental responsibility ended"]
    html = practitioner_client.get(response["Location"]).content.decode()
    assert "ended 5 January 2026" in html
    assert practitioner_client.get(url).status_code == 404  # already ended


# ---------------------------------------------------------------- adding a person to a family


def _search(client, family, **terms):
    data = {"search": "", "name": terms.get("name", ""), "postcode": terms.get("postcode", "")}
    data.update(date_fields("date_of_birth", terms.get("dob")))
    return client.post(family_url("people:family_member_add", family), data)


def test_family_page_links_to_its_forms(practitioner_client, manager, family):
    household = HouseholdFactory(family=family, name="Mum's house")
    html = practitioner_client.get(family_url("people:family_detail", family)).content.decode()

    assert family_url("people:family_member_add", family) in html
    assert 'Add<span class="govuk-visually-hidden"> a person to this family</span>' in html
    assert family_url("people:household_add", family) in html
    assert family_url("people:household_members", family, household_id=household.pk) in html
    # Only managers decide which teams work with a family.
    assert family_url("people:family_team_add", family) not in html
    managers = client_for(manager).get(family_url("people:family_detail", family)).content.decode()
    assert family_url("people:family_team_add", family) in managers
    link = family.team_links.get()
    assert family_url("people:family_team_end", family, link_id=link.pk) in managers


def test_search_before_adding_to_a_family(
    practitioner, practitioner_client, family, team, other_child
):
    elsewhere = FamilyFactory(team=team, name="Khan family")
    gran = AdultFactory(first_name="Sara", last_name="Smith", date_of_birth=date(1960, 2, 2))
    FamilyMemberFactory(family=elsewhere, person=gran, role=FamilyMember.Role.PARENT_CARER)
    page = practitioner_client.get(family_url("people:family_member_add", family))
    assert page.status_code == 200
    assert audit_events_for(family).latest("id").detail == {"page": "add_member"}

    response = _search(practitioner_client, family, name="Smith")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sara Smith" in html and "Khan family" in html
    assert f'value="{gran.pk}"' in html
    assert "Already in this family: " in html and "Amy Smith" in html
    assert "Olly Jones" not in html  # another team's family: not found
    assert f"{reverse('people:person_new')}?family={family.pk}" in html
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.detail) == (
        Action.SEARCH,
        {"results": 3, "page": "add_family_member"},
    )
    assert "Smith" not in str(event.detail)
    counter = AuditCounter()

    added = practitioner_client.post(
        family_url("people:family_member_add", family),
        {"add": "", "person": str(gran.pk), "role": FamilyMember.Role.SIGNIFICANT},
    )

    assert added.status_code == 302
    assert added["Location"] == family_url("people:family_detail", family)
    member = FamilyMember.objects.get(family=family, person=gran)
    assert member.role == "significant"
    assert assert_one_write(counter, family).detail == {"fields": ["members"]}
    assert flash_messages(added) == ["Person added to the family"]
    assert "Sara Smith" in practitioner_client.get(added["Location"]).content.decode()


def test_add_to_family_errors_keep_the_search_and_the_results(practitioner_client, family, team):
    gran = AdultFactory(first_name="Sara", last_name="Smith", date_of_birth=date(1960, 2, 2))
    FamilyMemberFactory(family=FamilyFactory(team=team), person=gran)
    _search(practitioner_client, family, name="Sara Smith")

    response = practitioner_client.post(
        family_url("people:family_member_add", family), {"add": "", "person": str(gran.pk)}
    )

    html = response.content.decode()
    assert (
        "Select the person&#x27;s role in the family" in html or "Select the person's role" in html
    )
    assert 'href="#id_role_1"' in html
    assert 'value="Sara Smith"' in html  # the search box keeps what was typed
    assert f'value="{gran.pk}"' in html and 'checked="checked"' in html
    assert not FamilyMember.objects.filter(family=family, person=gran).exists()


def test_search_errors_on_the_family_page(practitioner_client, family):
    html = _search(practitioner_client, family).content.decode()
    assert "Enter a name, a date of birth or a postcode" in html and "<title>Error: " in html


def test_cannot_add_someone_out_of_scope_or_already_in_the_family(
    practitioner_client, family, child, other_child
):
    _search(practitioner_client, family, name="Olly Jones")
    for person in (other_child, child):
        response = practitioner_client.post(
            family_url("people:family_member_add", family),
            {"add": "", "person": str(person.pk), "role": FamilyMember.Role.CHILD},
        )
        assert response.status_code == 200
        assert "Select a person from the search results" in response.content.decode()
    assert not FamilyMember.objects.filter(person=other_child, family=family).exists()
    with pytest.raises(services.ValidationError):
        services.family_add_member(actor=None, family=family, person=child, role="child")


def test_adding_without_a_recent_search_asks_for_one(practitioner_client, family, child):
    response = practitioner_client.post(
        family_url("people:family_member_add", family),
        {"add": "", "person": str(child.pk), "role": FamilyMember.Role.CHILD},
    )
    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_member_add", family)


def test_a_new_person_is_added_with_this_family_chosen(practitioner, practitioner_client, family):
    _search(practitioner_client, family, name="Leo Smith")
    url = f"{reverse('people:person_new')}?family={family.pk}"

    page = practitioner_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{family.pk}" selected>' in html
    assert family_url("people:family_member_add", family) in html  # back to where they came from

    response = practitioner_client.post(
        url,
        {
            "kind": "child",
            "first_name": "Leo",
            "last_name": "Smith",
            **date_fields("date_of_birth", date(2021, 5, 5)),
            **date_fields("expected_date_of_delivery", None),
            "gender": "1",
            "ethnicity": "NOBT",
            "family_choice": "existing",
            "family": str(family.pk),
            "role": "child",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_detail", family)
    assert family.members.filter(person__first_name="Leo").exists()


def test_a_new_person_for_a_family_out_of_scope_is_not_found(practitioner_client, other_family):
    mark_searched(practitioner_client, name="Anyone")
    url = f"{reverse('people:person_new')}?family={other_family.pk}"
    assert practitioner_client.get(url).status_code == 404
    assert (
        practitioner_client.get(f"{reverse('people:person_new')}?family=nonsense").status_code
        == 404
    )


# ---------------------------------------------------------------- households


def test_add_a_household(practitioner, practitioner_client, family, mother):
    link = PersonAddressFactory(person=mother, address=AddressFactory(line_1="1 High Street"))
    page = practitioner_client.get(family_url("people:household_add", family))
    assert (
        "1 High Street" in page.content.decode()
        and "Current address of Jane Smith" in page.content.decode()
    )
    counter = AuditCounter()

    response = practitioner_client.post(
        family_url("people:household_add", family),
        {"name": "Mum's house", "address": str(link.address_id), "is_confidential": "no"},
    )

    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_detail", family)
    household = Household.objects.get(family=family)
    assert (household.name, household.address, household.is_confidential) == (
        "Mum's house",
        link.address,
        False,
    )
    assert assert_one_write(counter, family).detail == {"fields": ["households"]}
    assert flash_messages(response) == ["Household added"]


def test_household_without_an_address_and_its_errors(practitioner_client, family):
    response = practitioner_client.post(
        family_url("people:household_add", family), {"name": "", "address": "none"}
    )
    html = response.content.decode()
    assert "Enter a name for the household" in html and 'href="#id_name"' in html
    assert "Select yes if the household" in html
    assert 'value="none"' in html and 'checked="checked"' in html
    assert not Household.objects.exists()

    practitioner_client.post(
        family_url("people:household_add", family),
        {"name": "Dad's flat", "address": "none", "is_confidential": "no"},
    )
    assert Household.objects.get().address is None


def test_a_household_at_a_confidential_address_must_be_confidential(
    practitioner_client, early_support_practitioner, family, mother
):
    refuge = ConfidentialAddressFactory(
        person=mother, address=AddressFactory(line_1="7 Hidden Lane")
    )

    response = practitioner_client.post(
        family_url("people:household_add", family),
        {"name": "Refuge", "address": str(refuge.address_id), "is_confidential": "no"},
    )

    assert "the household must be confidential too" in response.content.decode()
    assert not Household.objects.exists()
    # Staff whose team does not work with the family are not offered it at all.
    offered = client_for(early_support_practitioner).get(family_url("people:household_add", family))
    assert "7 Hidden Lane" not in offered.content.decode()


def _members_data(residents=(), part_time=()):
    return {
        "residents": [str(p.pk) for p in residents],
        "part_time": [str(p.pk) for p in part_time],
    }


def test_change_who_lives_here_with_a_child_in_two_households(
    practitioner, practitioner_client, family, child, mother, father
):
    mums = HouseholdFactory(
        family=family, name="Mum's house", address=AddressFactory(line_1="1 High Street")
    )
    dads = HouseholdFactory(
        family=family, name="Dad's flat", address=AddressFactory(line_1="9 Low Road")
    )
    page = practitioner_client.get(
        family_url("people:household_members", family, household_id=mums.pk)
    )
    html = page.content.decode()
    assert "Amy Smith" in html and "Jane Smith" in html and "Tom Brown" in html
    assert audit_events_for(family).latest("id").detail == {"page": "household_members"}
    counter = AuditCounter()

    response = practitioner_client.post(
        family_url("people:household_members", family, household_id=mums.pk),
        _members_data(residents=[child, mother]),
    )

    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_detail", family)
    assert assert_one_write(counter, family).detail == {
        "fields": ["households"],
        "added": 2,
        "removed": 0,
        "changed": 0,
    }
    assert flash_messages(response) == ["Who lives here saved"]
    practitioner_client.post(
        family_url("people:household_members", family, household_id=dads.pk),
        # A 'part time' tick under someone not ticked as living here is ignored.
        _members_data(residents=[father, child], part_time=[child, mother]),
    )

    stays = HouseholdMember.objects.get(household=dads, person=child)
    assert stays.stays_part_time and stays.from_date == clock.today()
    assert not HouseholdMember.objects.filter(household=dads, person=mother).exists()
    family_html = practitioner_client.get(
        family_url("people:family_detail", family)
    ).content.decode()
    mums_part = family_html[
        family_html.index("Mum&#x27;s house") : family_html.index("Dad&#x27;s flat")
    ]
    dads_part = family_html[
        family_html.index("Dad&#x27;s flat") : family_html.index('id="relationships"')
    ]
    assert "Amy Smith" in mums_part and "Jane Smith" in mums_part and "1 High Street" in mums_part
    assert (
        "Amy Smith" in dads_part
        and "Tom Brown" in dads_part
        and "stays part of the time" in dads_part
    )
    child_html = practitioner_client.get(person_url("people:person_detail", child)).content.decode()
    assert "Mum&#x27;s house" in child_html and "Dad&#x27;s flat" in child_html


def test_leaving_a_household_keeps_the_history(
    practitioner, practitioner_client, family, child, mother
):
    household = HouseholdFactory(family=family, name="Mum's house")
    HouseholdMemberFactory(household=household, person=child, from_date=date(2020, 1, 1))
    HouseholdMemberFactory(household=household, person=mother, from_date=date(2020, 1, 1))
    url = family_url("people:household_members", family, household_id=household.pk)
    page = practitioner_client.get(url).content.decode()
    assert page.count("checked") >= 2  # who lives there now is ticked
    counter = AuditCounter()

    practitioner_client.post(url, _members_data(residents=[mother]))

    gone = HouseholdMember.objects.get(household=household, person=child)
    assert gone.to_date == clock.today() and gone.from_date == date(2020, 1, 1)
    assert assert_one_write(counter, family).detail["removed"] == 1
    html = practitioner_client.get(family_url("people:family_detail", family)).content.decode()
    assert "Lived here before:" in html and f"until {clock.today():%-d %B %Y}" in html

    # Coming back starts a new spell; the earlier one stays.
    practitioner_client.post(url, _members_data(residents=[mother, child], part_time=[child]))
    spells = list(HouseholdMember.objects.filter(household=household, person=child).order_by("id"))
    assert [(s.to_date, s.stays_part_time) for s in spells] == [
        (clock.today(), False),
        (None, True),
    ]


def test_saving_who_lives_here_unchanged_writes_nothing(practitioner_client, family, child):
    household = HouseholdFactory(family=family)
    HouseholdMemberFactory(household=household, person=child)
    counter = AuditCounter()

    response = practitioner_client.post(
        family_url("people:household_members", family, household_id=household.pk),
        _members_data(residents=[child]),
    )

    assert response.status_code == 302
    assert counter.new() == []
    assert flash_messages(response) == ["Nothing was changed, so nothing was saved."]


def test_household_remove_member_service(practitioner, family, child):
    household = HouseholdFactory(family=family)
    HouseholdMemberFactory(household=household, person=child, from_date=date(2021, 1, 1))

    services.household_remove_member(
        actor=practitioner, household=household, person=child, to_date=date(2025, 1, 1)
    )

    assert HouseholdMember.objects.get().to_date == date(2025, 1, 1)
    with pytest.raises(services.ValidationError):
        services.household_remove_member(actor=practitioner, household=household, person=child)


def test_a_household_of_another_family_is_not_found(practitioner_client, family, team):
    elsewhere = HouseholdFactory(family=FamilyFactory(team=team))
    url = family_url("people:household_members", family, household_id=elsewhere.pk)
    assert practitioner_client.get(url).status_code == 404


# ---------------------------------------------------------------- teams working with a family


@pytest.mark.parametrize("persona", ["manager", "early_support_team_leader"])
def test_a_manager_adds_a_team(request, persona, family):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    new_team = TeamFactory(name="Youth support team")
    page = client.get(family_url("people:family_team_add", family))
    assert page.status_code == 200 and "Youth support team" in page.content.decode()
    counter = AuditCounter()

    response = client.post(family_url("people:family_team_add", family), {"team": new_team.pk})

    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_detail", family)
    assert FamilyTeam.objects.filter(family=family, team=new_team, ended_on__isnull=True).exists()
    event = assert_one_write(counter, family)
    assert event.detail == {"fields": ["teams"], "team": new_team.code}
    assert flash_messages(response) == ["Team added"]


def test_a_team_already_working_with_the_family_cannot_be_added_again(manager, family, team):
    client = client_for(manager)
    html = client.get(family_url("people:family_team_add", family)).content.decode()
    assert f'<option value="{team.pk}"' not in html

    response = client.post(family_url("people:family_team_add", family), {"team": team.pk})

    assert "Choose a team from the list" in response.content.decode()
    assert family.team_links.count() == 1


def test_practitioners_cannot_change_teams(practitioner_client, family, team):
    link = family.team_links.get()
    new_team = TeamFactory()
    counter = AuditCounter()

    add = family_url("people:family_team_add", family)
    end = family_url("people:family_team_end", family, link_id=link.pk)
    assert practitioner_client.get(add).status_code == 403
    assert practitioner_client.post(add, {"team": new_team.pk}).status_code == 403
    assert practitioner_client.get(end).status_code == 403
    assert practitioner_client.post(end).status_code == 403

    assert list(family.team_links.values_list("team_id", "ended_on")) == [(team.pk, None)]
    assert counter.new() == []


def test_ending_a_teams_involvement_warns_then_ends_it(manager, family, team):
    other = TeamFactory(name="Health visiting team")
    services_link = FamilyTeam.objects.create(
        family=family, team=other, started_on=date(2026, 1, 1)
    )
    client = client_for(manager)
    url = family_url("people:family_team_end", family, link_id=services_link.pk)

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Staff in Health visiting team will lose access to this family’s records" in html
    assert "govuk-button--warning" in html
    assert audit_events_for(family).latest("id").detail == {"page": "end_team"}
    assert FamilyTeam.objects.get(pk=services_link.pk).ended_on is None  # nothing yet
    counter = AuditCounter()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == family_url("people:family_detail", family)
    assert FamilyTeam.objects.get(pk=services_link.pk).ended_on == clock.today()
    assert assert_one_write(counter, family).detail == {"fields": ["teams"], "team": other.code}
    assert flash_messages(response) == ["Team’s involvement ended"]
    assert client.get(url).status_code == 404  # already ended


def test_ending_your_own_teams_involvement_says_you_lose_access(manager, family, team):
    link = family.team_links.get()
    client = client_for(manager)
    url = family_url("people:family_team_end", family, link_id=link.pk)

    html = client.get(url).content.decode()
    assert "This includes you" in html
    assert "Only the early support service will be able to see it" in html

    response = client.post(url)

    assert response["Location"] == reverse("people:family_list")
    assert client.get(family_url("people:family_detail", family)).status_code == 404


# ---------------------------------------------------------------- out of scope: 404 everywhere


def _person_urls(person):
    link = PersonAddressFactory(person=person)
    adult = AdultFactory()
    pr = ParentalResponsibilityFactory(child=person, adult=adult)
    return [
        person_url("people:address_add", person),
        person_url("people:address_end", person, link_id=link.pk),
        person_url("people:other_name_add", person),
        person_url("people:relationship_add", person),
        person_url("people:parental_responsibility_add", person),
        person_url("people:parental_responsibility_end", person, pr_id=pr.pk),
    ]


def _family_urls(family):
    household = HouseholdFactory(family=family)
    link = family.team_links.get()
    return [
        family_url("people:family_member_add", family),
        family_url("people:household_add", family),
        family_url("people:household_members", family, household_id=household.pk),
        family_url("people:family_team_add", family),
        family_url("people:family_team_end", family, link_id=link.pk),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_new_page_is_404_out_of_scope(manager, other_family, other_child, method):
    # A manager (who may change teams) still cannot reach another team's family.
    client = client_for(manager)
    urls = _person_urls(other_child) + _family_urls(other_family)
    counter = AuditCounter()

    for url in urls:
        assert getattr(client, method)(url, {}).status_code == 404, url

    assert counter.new() == []  # nothing shown, nothing written
    assert not other_child.other_names.exists() and other_family.team_links.get().ended_on is None


def test_new_pages_are_404_for_a_system_administrator(system_admin, family, child):
    client = client_for(system_admin)
    for url in _person_urls(child) + _family_urls(family):
        assert client.get(url).status_code == 404, url


def test_messages_never_name_anyone(practitioner_client, family, child, mother):
    link = PersonAddressFactory(person=child)
    posts = [
        (
            person_url("people:address_end", child, link_id=link.pk),
            date_fields("moved_out", date(2026, 2, 1)),
        ),
        (person_url("people:address_add", child), _address_data()),
        (person_url("people:other_name_add", child), {"kind": "alias", "first_name": "Aimee"}),
        (
            person_url("people:relationship_add", mother),
            {"relative": str(child.pk), "kind": "mother"},
        ),
        (person_url("people:parental_responsibility_add", child), _pr_data(mother)),
        (
            family_url("people:household_add", family),
            {"name": "Home", "address": "none", "is_confidential": "no"},
        ),
    ]
    for url, data in posts:
        response = practitioner_client.post(url, data)
        assert response.status_code == 302, url
        for message in flash_messages(response):
            assert_no_names(message, child, mother)
            assert "Aimee" not in message and "Home" not in message
        assert "Smith" not in response["Location"]
    assert Person.objects.count() == 2


def test_names_on_the_forms_are_escaped(practitioner_client, family, child):
    # Names go into labels, legends and hints, which templates/gds/ escapes once (ADR 0009).
    odd = AdultFactory(first_name="<b>Bold</b>", last_name="{{ secret }}")
    FamilyMemberFactory(family=family, person=odd, role=FamilyMember.Role.PARENT_CARER)
    PersonAddressFactory(person=odd, address=AddressFactory(line_1="<i>1</i> Road"))
    child.first_name = "<script>alert(1)</script>"
    child.save()
    household = HouseholdFactory(family=family)
    _search(practitioner_client, family, name="Smith")

    urls = [
        person_url("people:relationship_add", child),
        person_url("people:relationship_add", odd),
        person_url("people:parental_responsibility_add", child),
        family_url("people:household_add", family),
        family_url("people:household_members", family, household_id=household.pk),
    ]
    for url in urls:
        html = practitioner_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "<b>Bold</b>" not in html and "<i>1</i>" not in html, url
        assert "&lt;b&gt;Bold&lt;/b&gt;" in html or "&lt;script&gt;" in html, url
        assert "{{ secret }}" in html, url  # printed as typed, never run as a template
        assert "&amp;lt;" not in html and "&amp;#x27;" not in html, url  # escaped once, not twice


def test_coming_back_to_the_family_search_keeps_what_was_typed(practitioner_client, family):
    _search(practitioner_client, family, name="Leo Smith", dob=date(2021, 5, 5))
    before = AuditEvent.objects.count()

    response = practitioner_client.get(family_url("people:family_member_add", family))

    html = response.content.decode()
    assert 'value="Leo Smith"' in html and 'name="date_of_birth_2" value="2021"' in html
    assert not response.context["searched"]
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").detail == {"page": "add_member"}
