"""Find a person, and 'search before create'."""

import re
import time
from datetime import date

import pytest
from django.urls import reverse

from core import clock
from core.audit import Action
from core.models import AuditEvent
from people import services
from people.models import Family, FamilyMember, FamilyTeam, Person
from people.tests.conftest import client_for, mark_searched
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("people:search")
NEW = reverse("people:person_new")


def _search(client, name="", dob=None, postcode=""):
    data = {
        "name": name,
        "postcode": postcode,
        "date_of_birth_0": "",
        "date_of_birth_1": "",
        "date_of_birth_2": "",
    }
    if dob:
        data.update(date_of_birth_0=dob.day, date_of_birth_1=dob.month, date_of_birth_2=dob.year)
    return client.post(SEARCH, data)


def _found(response) -> list[str]:
    return [row.person.full_name for row in response.context["rows"]]


def _in_family(team, **person_fields):
    person = PersonFactory(**person_fields)
    FamilyMemberFactory(family=FamilyFactory(team=team), person=person)
    return person


# ---------------------------------------------------------------- the form


def test_search_page_is_a_post_form_with_no_terms_in_its_address(practitioner_client):
    html = practitioner_client.get(SEARCH).content.decode()

    form = re.search(r"<form[^>]*action=\"/people/search/\"[^>]*>", html).group(0)
    assert 'method="post"' in form
    assert 'name="name"' in html and 'name="date_of_birth_0"' in html and 'name="postcode"' in html


def test_search_needs_at_least_one_term(practitioner_client):
    response = _search(practitioner_client)

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a name, a date of birth or a postcode" in html
    assert not AuditEvent.objects.filter(action=Action.SEARCH).exists()


def test_partial_date_is_an_error_not_ignored(practitioner_client):
    response = practitioner_client.post(
        SEARCH,
        {"name": "Amy", "date_of_birth_0": "27", "date_of_birth_1": "3", "date_of_birth_2": ""},
    )

    html = response.content.decode()
    assert "Date of birth must include a year" in html
    assert 'href="#id_date_of_birth_2"' in html
    assert 'value="Amy"' in html


# ---------------------------------------------------------------- what it finds


def test_finds_by_partial_name(practitioner_client, family):
    assert set(_found(_search(practitioner_client, name="smi"))) == {"Jane Smith", "Amy Smith"}
    assert _found(_search(practitioner_client, name="Am Smi")) == ["Amy Smith"]


def test_finds_regardless_of_accents(practitioner_client, team):
    _in_family(team, first_name="Zoë", last_name="Brontë")

    assert _found(_search(practitioner_client, name="Zoe")) == ["Zoë Brontë"]
    assert _found(_search(practitioner_client, name="zoe bronte")) == ["Zoë Brontë"]


def test_finds_despite_a_small_typo(practitioner_client, team):
    _in_family(team, first_name="John", last_name="Smith")

    assert _found(_search(practitioner_client, name="Jonh Smith")) == ["John Smith"]
    assert _found(_search(practitioner_client, name="Jonh")) == ["John Smith"]
    assert _found(_search(practitioner_client, name="John Smyth")) == ["John Smith"]


def test_finds_by_date_of_birth_alone(practitioner_client, family):
    assert _found(_search(practitioner_client, dob=date(2016, 3, 27))) == ["Amy Smith"]


def test_finds_by_postcode_alone(practitioner, practitioner_client, child):
    services.address_add(
        actor=practitioner,
        person=child,
        line_1="1 High Street",
        town="Huddersfield",
        postcode="HD1 2AB",
    )

    response = _search(practitioner_client, postcode="hd12ab")

    assert _found(response) == ["Amy Smith"]
    assert "HD1 2AB" in response.content.decode()


def test_confidential_postcode_is_not_shown_in_results(practitioner, practitioner_client, child):
    services.address_add(
        actor=practitioner,
        person=child,
        line_1="Refuge",
        town="Town",
        postcode="HD9 9ZZ",
        is_confidential=True,
    )

    response = _search(practitioner_client, name="Amy Smith")

    html = response.content.decode()
    assert _found(response) == ["Amy Smith"] and "HD9 9ZZ" not in html and "Confidential" in html
    assert (
        _found(_search(practitioner_client, postcode="HD9 9ZZ")) == []
    )  # nor can it be found by it


def test_results_show_the_columns(practitioner_client, family, child):
    response = _search(practitioner_client, name="Amy")

    html = response.content.decode()
    assert "27 March 2016" in html
    assert reverse("people:person_detail", kwargs={"person_id": child.pk}) in html
    assert reverse("people:family_detail", kwargs={"family_id": family.pk}) in html
    assert family.reference in html


def test_unborn_baby_shows_the_expected_date(practitioner_client, team):
    _in_family(
        team,
        kind=Person.Kind.UNBORN,
        first_name="",
        last_name="Patel",
        date_of_birth=None,
        expected_date_of_delivery=date(2026, 9, 14),
    )

    html = _search(practitioner_client, name="Patel").content.decode()

    assert "Unborn baby Patel" in html and "Due 14 September 2026" in html


def test_results_never_include_people_out_of_scope(practitioner_client, family, other_team):
    _in_family(other_team, first_name="Amy", last_name="Smith", date_of_birth=date(2016, 3, 27))

    response = _search(practitioner_client, name="Amy Smith", dob=date(2016, 3, 27))

    assert _found(response) == ["Amy Smith"]
    assert response.context["rows"][0].person.family_memberships.get().family == family


def test_families_listed_are_only_those_the_user_can_see(
    practitioner_client, family, child, other_team
):
    hidden = FamilyFactory(team=other_team)
    FamilyMemberFactory(family=hidden, person=child)

    html = _search(practitioner_client, name="Amy Smith").content.decode()

    assert family.reference in html
    assert hidden.reference not in html


def test_too_many_results_asks_for_more(practitioner_client, team):
    family = FamilyFactory(team=team)
    for _ in range(26):
        FamilyMemberFactory(family=family, person=PersonFactory(last_name="Smith"))

    html = _search(practitioner_client, name="Smith").content.decode()

    assert "Too many results, add a date of birth or postcode" in html


def test_search_is_audited_without_the_terms(practitioner, practitioner_client, family):
    _search(practitioner_client, name="Amy Smith", postcode="HD1 1AA")

    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert (event.actor, event.record_type, event.record_id) == (practitioner, "people.person", "")
    assert event.detail == {"results": 0}  # the postcode matches no one


def test_search_is_remembered_server_side_and_offers_add(practitioner_client, family):
    response = _search(practitioner_client, name="Nobody Here")

    html = response.content.decode()
    assert response.status_code == 200  # results on the same page: no redirect carrying terms
    assert "No one found" in html
    assert f'href="{NEW}"' in html and "Add a new person" in html
    stored = practitioner_client.session["people_search"]
    assert stored["name"] == "Nobody Here"
    assert time.time() - stored["at"] < 60
    assert "Nobody" not in response.cookies.get("sessionid").value


def test_a_system_administrator_cannot_search(system_admin, family):
    response = _search(client_for(system_admin), name="Amy")
    assert response.status_code == 403


# ---------------------------------------------------------------- search before create


def test_add_without_a_search_goes_to_search(practitioner_client):
    response = practitioner_client.get(NEW)

    assert response.status_code == 302
    assert response["Location"] == SEARCH
    followed = practitioner_client.get(response["Location"]).content.decode()
    assert "Search for the person first" in followed


def test_add_after_an_old_search_goes_to_search(practitioner_client):
    mark_searched(practitioner_client, name="Amy", at=time.time() - 31 * 60)

    response = practitioner_client.get(NEW)

    assert response.status_code == 302 and response["Location"] == SEARCH


def test_add_shows_possible_matches_first_and_prefills(practitioner_client, family, child):
    _search(practitioner_client, name="Amy Smyth", dob=date(2016, 3, 27))

    response = practitioner_client.get(NEW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Is this one of these people?" in html
    assert (
        html.index("Is this one of these people?")
        < html.index("Amy Smith")
        < html.index("Add the person")
    )
    assert reverse("people:person_detail", kwargs={"person_id": child.pk}) in html
    assert 'name="first_name" value="Amy"' in html
    assert 'name="last_name" value="Smyth"' in html
    assert 'name="date_of_birth_2" value="2016"' in html
    search_event = AuditEvent.objects.filter(action=Action.SEARCH).latest("id")
    assert search_event.detail == {"results": 1, "page": "add_person"}


def _new_person_data(**overrides):
    data = {
        "kind": "child",
        "first_name": "Ben",
        "last_name": "Smith",
        "date_of_birth_0": "4",
        "date_of_birth_1": "7",
        "date_of_birth_2": "2019",
        "expected_date_of_delivery_0": "",
        "expected_date_of_delivery_1": "",
        "expected_date_of_delivery_2": "",
        "gender": "1",
        "ethnicity": "WBRI",
        "family_choice": "existing",
        "role": FamilyMember.Role.CHILD,
    }
    data.update(overrides)
    return data


def test_add_a_person_to_an_existing_family(practitioner, practitioner_client, family):
    _search(practitioner_client, name="Ben Smith")

    response = practitioner_client.post(NEW, _new_person_data(family=str(family.pk)))

    assert response.status_code == 302
    person = Person.objects.get(first_name="Ben")
    assert response["Location"] == reverse("people:person_detail", kwargs={"person_id": person.pk})
    assert person.date_of_birth == date(2019, 7, 4) and person.created_by == practitioner
    assert FamilyMember.objects.filter(
        family=family, person=person, role=FamilyMember.Role.CHILD
    ).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, record_id=str(person.pk)).exists()
    assert "people_search" not in practitioner_client.session  # the next person needs a new search
    assert "Person added" in practitioner_client.get(response["Location"]).content.decode()
    assert "Ben" not in response["Location"]


def test_add_a_person_to_a_new_family(practitioner, practitioner_client, team):
    _search(practitioner_client, name="Ben Smith")

    response = practitioner_client.post(
        NEW, _new_person_data(family_choice="new", family_name="Smith family", area=team.area_id)
    )

    assert response.status_code == 302
    family = Family.objects.get(name="Smith family")
    assert FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).exists()
    assert family.members.get().person.first_name == "Ben"


def test_add_an_unborn_baby(practitioner_client, family):
    _search(practitioner_client, name="Smith")
    due = clock.today().replace(day=1)
    due = date(due.year + (due.month + 3 > 12), (due.month + 3 - 1) % 12 + 1, 1)

    response = practitioner_client.post(
        NEW,
        _new_person_data(
            kind="unborn",
            first_name="",
            date_of_birth_0="",
            date_of_birth_1="",
            date_of_birth_2="",
            expected_date_of_delivery_0=due.day,
            expected_date_of_delivery_1=due.month,
            expected_date_of_delivery_2=due.year,
            gender="0",
            family=str(family.pk),
        ),
    )

    assert response.status_code == 302
    baby = Person.objects.get(kind=Person.Kind.UNBORN)
    assert (baby.expected_date_of_delivery, baby.date_of_birth) == (due, None)


def test_unborn_needs_edd_not_dob_and_typed_values_are_kept(practitioner_client, family):
    _search(practitioner_client, name="Smith")

    response = practitioner_client.post(
        NEW, _new_person_data(kind="unborn", first_name="", family=str(family.pk))
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter the expected date of delivery" in html
    assert "An unborn baby does not have a date of birth" in html
    assert 'name="last_name" value="Smith"' in html
    assert not Person.objects.filter(first_name="Ben").exists()


def test_adding_needs_the_family_questions_answered(practitioner_client, family):
    _search(practitioner_client, name="Ben")

    response = practitioner_client.post(
        NEW, _new_person_data(family_choice="new", family_name="", role="")
    )

    html = response.content.decode()
    assert "Enter a name for the new family" in html
    assert "Select the person&#x27;s role in the family" in html
    assert 'href="#id_role_1"' in html
    assert not Person.objects.filter(first_name="Ben").exists()


def test_cannot_add_to_a_family_out_of_scope(practitioner_client, family, other_family):
    _search(practitioner_client, name="Ben")

    response = practitioner_client.post(NEW, _new_person_data(family=str(other_family.pk)))

    assert response.status_code == 200
    assert "Choose a family from the list" in response.content.decode()
    assert not other_family.members.filter(person__first_name="Ben").exists()


def test_user_without_a_team_cannot_start_a_family(early_support_agency, family):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    # A team leader of the early support service with no team: sees every family, starts none.
    user = UserFactory(
        team=None, agency=early_support_agency, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )
    client = client_for(user)
    mark_searched(client, name="Ben")

    html = client.get(NEW).content.decode()

    assert 'name="family_name"' not in html
    assert "You cannot start a new family because you are not a member of a team" in html
    response = client.post(
        NEW, _new_person_data(family_choice="new", family_name="X", area=family.area_id)
    )
    assert response.status_code == 200
    assert not Family.objects.filter(name="X").exists()


def test_user_without_a_team_or_families_is_told_why_they_cannot_add(db):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    user = UserFactory(team=None, agency=None, roles=[Role.PRACTITIONER])
    client = client_for(user)
    mark_searched(client, name="Ben")

    html = client.get(NEW).content.decode()

    assert "You cannot add a person yet" in html
    assert 'name="last_name"' not in html
