from datetime import date, timedelta

import pytest
import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core import clock
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people import selectors, services
from people.models import FamilyMember, Person
from people.tests.factories import (
    ConfidentialAddressFactory,
    FamilyMemberFactory,
    PersonFactory,
    family_with_members,
)

pytestmark = pytest.mark.django_db


def test_practitioner_sees_only_their_teams_families(practitioner, team, other_team):
    mine = family_with_members(team=team)
    theirs = family_with_members(team=other_team)
    assert list(selectors.families_for(practitioner)) == [mine]
    visible_people = set(selectors.people_for(practitioner))
    assert visible_people == {m.person for m in mine.members.all()}
    assert not visible_people & {m.person for m in theirs.members.all()}


def test_ended_team_link_takes_family_out_of_scope(practitioner, manager, team):
    family = family_with_members(team=team)
    # Only a role that decides which teams work with a family may end the link (the service checks).
    services.family_unlink_team(actor=manager, family=family, team=team)
    assert not selectors.families_for(practitioner).exists()


def test_manager_sees_families_of_every_team_they_manage(manager, team, other_team):
    manager.managed_teams.add(other_team)
    a, b = family_with_members(team=team), family_with_members(team=other_team)
    family_with_members(team=TeamFactory())
    assert set(selectors.families_for(manager)) == {a, b}


def test_early_support_service_sees_every_family(team, other_team):
    service_team = TeamFactory(agency=EarlySupportAgencyFactory())
    user = UserFactory(team=service_team, roles=[Role.PRACTITIONER])
    families = {family_with_members(team=team), family_with_members(team=other_team)}
    assert set(selectors.families_for(user)) == families


@pytest.mark.parametrize(
    "role", [Role.SYSTEM_ADMINISTRATOR, Role.STRATEGIC_LEAD, Role.PANEL_MEMBER]
)
def test_roles_without_case_access_see_nothing(team, role):
    family_with_members(team=team)
    user = UserFactory(team=team, roles=[role])
    assert not selectors.families_for(user).exists()
    assert not selectors.people_for(user).exists()


def test_confidential_address_only_for_the_working_team(practitioner, team):
    family = family_with_members(team=team, children=1, adults=0)
    child = family.members.get().person
    ConfidentialAddressFactory(person=child)
    service_user = UserFactory(
        team=TeamFactory(agency=EarlySupportAgencyFactory()), roles=[Role.PRACTITIONER]
    )
    assert selectors.get_person(service_user, child.pk) == child
    assert rules.has_perm("people.see_confidential_address", practitioner, child)
    assert rules.has_perm("people.see_confidential_address", practitioner, family)
    assert not rules.has_perm("people.see_confidential_address", service_user, child)
    assert not rules.has_perm("people.see_confidential_address", service_user, family)


def test_search_is_partial_accent_and_typo_tolerant_and_scoped(practitioner, team, other_team):
    family = family_with_members(team=team, children=0, adults=0)
    zoe = PersonFactory(first_name="Zoë", last_name="O'Neill", date_of_birth=date(2015, 4, 2))
    FamilyMemberFactory(family=family, person=zoe)
    services.address_add(
        actor=practitioner, person=zoe, line_1="1 High St", town="Town", postcode="AB1 2CD"
    )
    hidden = PersonFactory(first_name="Zoe", last_name="Oneill")
    FamilyMemberFactory(
        family=family_with_members(team=other_team, children=0, adults=0), person=hidden
    )

    def found(**terms):
        results, _ = selectors.search_people(practitioner, **terms)
        return [person for person, _ in results]

    assert found(name="zoe oneill") == [zoe]
    assert found(name="ONE") == [zoe]
    assert found(name="Zeo O'Neil") == [zoe]
    assert found(date_of_birth=date(2015, 4, 2)) == [zoe]
    assert found(postcode="ab12cd") == [zoe]
    assert found(postcode="AB1") == [zoe]
    assert found(name="Smith") == []


def test_confidential_postcode_is_not_searchable(practitioner, team):
    family = family_with_members(team=team, children=0, adults=0)
    person = PersonFactory()
    FamilyMemberFactory(family=family, person=person)
    services.address_add(
        actor=practitioner,
        person=person,
        line_1="Refuge",
        town="Town",
        postcode="ZZ9 9ZZ",
        is_confidential=True,
    )
    results, _ = selectors.search_people(practitioner, postcode="ZZ9 9ZZ")
    assert results == []


def test_stale_update_is_refused_and_nothing_changes(practitioner):
    person = services.person_create(
        actor=practitioner, kind=Person.Kind.CHILD, first_name="Amy", last_name="Lee"
    )
    services.person_update(
        actor=practitioner, person=person, expected_version=1, changes={"first_name": "Aimee"}
    )
    stale = Person.objects.get(pk=person.pk)
    stale.version = 1
    with pytest.raises(StaleVersionError), transaction.atomic():
        services.person_update(
            actor=practitioner, person=stale, expected_version=1, changes={"last_name": "Li"}
        )
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.version) == ("Aimee", "Lee", 2)
    assert " aimee " in person.search_names


def test_every_write_is_audited(practitioner, team):
    before = AuditEvent.objects.count()
    person = services.person_create(
        actor=practitioner, kind=Person.Kind.ADULT, first_name="Jo", last_name="Bloggs"
    )
    family = services.family_create(actor=practitioner, name="Bloggs family", area=team.area)
    services.family_add_member(
        actor=practitioner, family=family, person=person, role=FamilyMember.Role.PARENT_CARER
    )
    services.chronology_add(
        actor=practitioner,
        person=person,
        occurred_on=date(2026, 1, 5),
        category="housing",
        summary="Moved",
    )
    assert AuditEvent.objects.count() == before + 4
    # The creator's team now works with the new family, so it is in their scope.
    assert selectors.get_family(practitioner, family.pk) == family
    assert family.reference.startswith("FAM-") and "Bloggs" not in family.reference


def test_unborn_needs_an_edd_and_no_date_of_birth(practitioner):
    with pytest.raises(ValidationError):
        services.person_create(actor=practitioner, kind=Person.Kind.UNBORN, last_name="Lee")
    with pytest.raises(ValidationError):
        services.person_create(
            actor=practitioner,
            kind=Person.Kind.UNBORN,
            last_name="Lee",
            expected_date_of_delivery=date(2027, 2, 1),
            date_of_birth=date(2026, 1, 1),
        )
    baby = services.person_create(
        actor=practitioner,
        kind=Person.Kind.UNBORN,
        last_name="Lee",
        expected_date_of_delivery=date(2027, 2, 1),
    )
    assert baby.full_name == "Unborn baby Lee"


def test_date_of_birth_cannot_be_in_the_future(practitioner):
    with pytest.raises(ValidationError):
        services.person_create(
            actor=practitioner,
            kind=Person.Kind.CHILD,
            first_name="A",
            last_name="B",
            date_of_birth=clock.today() + timedelta(days=2),
        )


def test_chronology_follows_the_person_into_a_new_family(practitioner, team):
    old = family_with_members(team=team, children=0, adults=0)
    child = PersonFactory()
    FamilyMemberFactory(family=old, person=child)
    services.chronology_add(
        actor=practitioner,
        person=child,
        occurred_on=date(2024, 3, 1),
        category="police",
        summary="Incident at home",
    )
    new = services.family_create(actor=practitioner, name="New family group", area=team.area)
    services.family_add_member(
        actor=practitioner, family=new, person=child, role=FamilyMember.Role.CHILD
    )
    assert [e.summary for e in selectors.family_chronology(new)] == ["Incident at home"]


def test_address_confidential_for_one_person_is_hidden_from_search_for_everyone(practitioner, team):
    family = family_with_members(team=team, children=0, adults=0)
    mother, child = PersonFactory(), PersonFactory()
    for person in (mother, child):
        FamilyMemberFactory(family=family, person=person)
    link = services.address_add(
        actor=practitioner, person=child, line_1="1 Safe St", town="T", postcode="YO1 7AA"
    )
    services.address_add(
        actor=practitioner,
        person=mother,
        line_1="",
        town="",
        postcode="",
        address=link.address,
        is_confidential=True,
    )
    results, _ = selectors.search_people(practitioner, postcode="YO1 7AA")
    assert results == []
