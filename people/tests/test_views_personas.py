"""Who sees what: each persona against every people and family page."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.models import AuditEvent
from core.tests.factories import TeamFactory
from people.tests.conftest import client_for, mark_searched
from people.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

PERSON_PAGES = [
    "people:person_detail",
    "people:person_edit",
    "people:person_access_log",
    "people:chronology_add",
    "people:professional_add",
]
FAMILY_PAGES = ["people:family_detail", "people:family_access_log"]


def _person(name, person):
    return reverse(name, kwargs={"person_id": person.pk})


def _family(name, family):
    return reverse(name, kwargs={"family_id": family.pk})


def _listed(client) -> set:
    response = client.get(reverse("people:family_list"))
    assert response.status_code == 200
    return {row["family"].pk for row in response.context["rows"]}


# ---------------------------------------------------------------- practitioners


@pytest.mark.parametrize("page", PERSON_PAGES)
def test_practitioner_gets_404_for_a_person_in_another_teams_family(
    practitioner_client, other_child, page
):
    before = AuditEvent.objects.count()

    assert practitioner_client.get(_person(page, other_child)).status_code == 404

    assert AuditEvent.objects.count() == before  # nothing was shown, nothing to audit


@pytest.mark.parametrize(
    "page", ["people:person_edit", "people:chronology_add", "people:professional_add"]
)
def test_practitioner_cannot_write_to_a_person_in_another_teams_family(
    practitioner_client, other_child, page
):
    assert practitioner_client.post(_person(page, other_child), {}).status_code == 404


@pytest.mark.parametrize("page", FAMILY_PAGES)
def test_practitioner_gets_404_for_another_teams_family(practitioner_client, other_family, page):
    assert practitioner_client.get(_family(page, other_family)).status_code == 404


def test_practitioner_lists_only_their_teams_families(practitioner_client, family, other_family):
    assert _listed(practitioner_client) == {family.pk}


def test_practitioner_sees_their_teams_people(practitioner_client, child, family):
    assert practitioner_client.get(_person("people:person_detail", child)).status_code == 200
    assert practitioner_client.get(_family("people:family_detail", family)).status_code == 200


def test_signed_out_user_is_sent_to_sign_in(client, child):
    response = client.get(_person("people:person_detail", child))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---------------------------------------------------------------- the early support service


@pytest.mark.parametrize("persona", ["early_support_practitioner", "early_support_team_leader"])
def test_early_support_service_sees_every_family(
    request, persona, family, other_family, child, other_child
):
    client = client_for(request.getfixturevalue(persona))

    assert _listed(client) >= {family.pk, other_family.pk}
    for page in ("people:family_detail",):
        assert client.get(_family(page, family)).status_code == 200
        assert client.get(_family(page, other_family)).status_code == 200
    assert client.get(_person("people:person_detail", child)).status_code == 200
    assert client.get(_person("people:person_detail", other_child)).status_code == 200


def test_early_support_team_leader_may_see_the_access_log(early_support_team_leader, child):
    client = client_for(early_support_team_leader)
    assert client.get(_person("people:person_access_log", child)).status_code == 200


def test_early_support_practitioner_may_not_see_the_access_log(early_support_practitioner, child):
    client = client_for(early_support_practitioner)
    assert client.get(_person("people:person_access_log", child)).status_code == 404


# ---------------------------------------------------------------- system administrators


def test_system_administrator_sees_no_case_content(system_admin, family, child):
    client = client_for(system_admin)

    assert client.get(_person("people:person_detail", child)).status_code == 404
    assert client.get(_family("people:family_detail", family)).status_code == 404
    for page in PERSON_PAGES:
        assert client.get(_person(page, child)).status_code == 404
    response = client.get(reverse("people:family_list"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert family.reference not in response.content.decode()


def test_system_administrator_cannot_add_people(system_admin):
    client = client_for(system_admin)
    mark_searched(client, name="Anyone")
    assert client.get(reverse("people:person_new")).status_code == 403


# ---------------------------------------------------------------- managers


def test_manager_sees_families_of_every_team_they_manage(
    db, team, other_team, family, other_family
):
    third_team = TeamFactory()
    third_family = FamilyFactory(team=third_team)
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(other_team)
    client = client_for(manager)

    assert _listed(client) == {family.pk, other_family.pk}
    assert client.get(_family("people:family_detail", other_family)).status_code == 200
    assert client.get(_family("people:family_detail", third_family)).status_code == 404


def test_managed_teams_count_only_for_team_managers(db, team, other_team, family, other_family):
    # A practitioner left in another team's managers list (say after a change of role) sees only their own.
    user = UserFactory(team=team, roles=[Role.PRACTITIONER])
    user.managed_teams.add(other_team)

    assert _listed(client_for(user)) == {family.pk}


# ---------------------------------------------------------------- every people page x every persona
#
# One exact status for each persona on each page (GET), so a page added without its scope or
# role check, or a check loosened, fails here. 404: the record is not in the persona's scope
# (or, for the access logs, not for their role); 403: in scope, but not for their role.

ALL_PAGES = [
    "search",
    "person_new",
    "family_list",
    "family_detail",
    "family_access_log",
    "family_member_add",
    "household_add",
    "household_members",
    "family_team_add",
    "family_team_end",
    "person_detail",
    "person_edit",
    "person_access_log",
    "chronology_add",
    "professional_add",
    "address_add",
    "address_end",
    "other_name_add",
    "relationship_add",
    "parental_responsibility_add",
    "parental_responsibility_end",
]
_READS_WITHOUT_RECORD = {"search": 200, "person_new": 200, "family_list": 200}
_WORKS_WITH_FAMILY = dict.fromkeys(ALL_PAGES, 200) | {
    "family_access_log": 404,
    "person_access_log": 404,
    "family_team_add": 403,
    "family_team_end": 403,
}
EXPECTED = {
    "practitioner": _WORKS_WITH_FAMILY,
    "other_teams_practitioner": dict.fromkeys(ALL_PAGES, 404) | _READS_WITHOUT_RECORD,
    "early_support_practitioner": _WORKS_WITH_FAMILY,
    "early_support_team_leader": dict.fromkeys(ALL_PAGES, 200),
    "team_manager": dict.fromkeys(ALL_PAGES, 200),
    "system_admin": dict.fromkeys(ALL_PAGES, 404)
    | {"search": 403, "person_new": 403, "family_list": 200},
}


@pytest.fixture
def every_page(family, child, mother):
    from people.tests.factories import (
        HouseholdFactory,
        ParentalResponsibilityFactory,
        PersonAddressFactory,
    )

    household = HouseholdFactory(family=family)
    link = PersonAddressFactory(person=child)
    pr = ParentalResponsibilityFactory(child=child, adult=mother)
    f, p = {"family_id": family.pk}, {"person_id": child.pk}
    extra = {
        "household_members": {**f, "household_id": household.pk},
        "family_team_end": {**f, "link_id": family.team_links.get().pk},
        "address_end": {**p, "link_id": link.pk},
        "parental_responsibility_end": {**p, "pr_id": pr.pk},
    }
    urls = {}
    for page in ALL_PAGES:
        if page in _READS_WITHOUT_RECORD:
            kwargs = {}
        else:
            kwargs = extra.get(page) or (f if page.startswith(("family", "household")) else p)
        urls[page] = reverse(f"people:{page}", kwargs=kwargs)
    return urls


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_people_page_answers_each_persona_with_one_exact_status(
    request, persona, team, other_team, every_page
):
    if persona == "team_manager":
        user = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
        user.managed_teams.add(team)
    elif persona == "other_teams_practitioner":
        user = UserFactory(team=other_team, roles=[Role.PRACTITIONER])
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)
    mark_searched(client, name="Anyone")  # 'add a person' asks for a search first

    statuses = {page: client.get(url).status_code for page, url in every_page.items()}

    assert statuses == EXPECTED[persona]
