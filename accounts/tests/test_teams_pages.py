"""Managing teams without the Django admin (issue 11): the services' rules (unique names per
agency, the council pack's codes, who may manage a team), their history and audit, and the pages
for each role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import selectors, services
from accounts.models import Role, TeamChange, User
from accounts.tests.factories import (
    AdminFactory,
    ManagerFactory,
    TeamChangeFactory,
    TeamCreatedFactory,
    UserFactory,
    sign_in_verified,
)
from core.concurrency import StaleVersionError
from core.models import AuditEvent, Team
from core.tests.factories import AgencyFactory, AreaFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return AdminFactory(username="admin1")


@pytest.fixture
def admin_client(client, admin):
    return sign_in_verified(client, admin)


def _audits(action, team):
    return list(
        AuditEvent.objects.filter(action=action, record_type="core.team", record_id=str(team.pk))
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def _history(team):
    return list(
        TeamChange.objects.filter(team=team)
        .order_by("pk")
        .values_list("kind", "before", "after", "by__username")
    )


# --- team_create --------------------------------------------------------------------------------


def test_create_adds_the_team_with_a_code_from_its_name_and_records_it(admin):
    agency, area = AgencyFactory(name="Family Support"), AreaFactory(name="Huddersfield")

    team = services.team_create(
        actor=admin, name="  Family Support – Huddersfield ", agency=agency, area=area
    )

    team.refresh_from_db()
    assert (team.code, team.name, team.agency, team.area) == (
        "family-support-huddersfield",
        "Family Support – Huddersfield",
        agency,
        area,
    )
    assert _history(team) == [
        ("created", "", "Family Support – Huddersfield (Family Support, Huddersfield)", "admin1")
    ]
    assert _audits(AuditEvent.Action.CREATE, team) == [
        {"fields": ["code", "name", "agency", "area"]}
    ]


def test_a_new_teams_code_is_unique_and_a_slug_as_the_pack_needs(admin):
    TeamFactory(code="outreach")
    agency = AgencyFactory(code="school-nursing")

    first = services.team_create(actor=admin, name="Outreach", agency=agency, area=None)
    second = services.team_create(actor=admin, name="***", agency=agency, area=None)
    long = services.team_create(actor=admin, name="x" * 80, agency=agency, area=None)
    longer = services.team_create(actor=admin, name="X" * 81, agency=agency, area=None)

    assert first.code == "outreach-2"
    assert second.code == "school-nursing-team"
    assert (long.code, longer.code) == ("x" * 50, "x" * 48 + "-2")
    for team in (first, second, long, longer):
        team.full_clean()
    assert first.area is None


def test_create_refuses_missing_and_duplicate_input_by_field(admin):
    agency = AgencyFactory()
    TeamFactory(name="Outreach", agency=agency)

    with pytest.raises(ValidationError) as error:
        services.team_create(actor=admin, name=" ", agency=None, area=None)
    assert error.value.message_dict == {
        "name": ["Enter the team's name"],
        "agency": ["Select the team's agency"],
    }

    with pytest.raises(ValidationError) as error:
        services.team_create(actor=admin, name="OUTREACH", agency=agency, area=None)
    assert error.value.message_dict == {
        "name": ["The agency already has a team with this name: choose another"]
    }

    with pytest.raises(ValidationError) as error:
        services.team_create(actor=admin, name="x" * 201, agency=agency, area=None)
    assert error.value.message_dict == {"name": ["The team's name must be 200 characters or fewer"]}
    assert Team.objects.count() == 1
    assert not TeamChange.objects.exists()

    # The same name in another agency is a different team.
    other = services.team_create(actor=admin, name="Outreach", agency=AgencyFactory(), area=None)
    assert other.name == "Outreach"


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMINISTRATOR])
def test_only_an_administrator_manages_teams(team, role):
    actor = UserFactory(team=team, roles=[role])
    with pytest.raises(PermissionDenied):
        services.team_create(actor=actor, name="New", agency=team.agency, area=None)
    with pytest.raises(PermissionDenied):
        services.team_change(
            actor=actor,
            team=team,
            expected_version=selectors.team_version(team),
            name="Renamed",
            agency=team.agency,
            area=None,
        )
    with pytest.raises(PermissionDenied):
        services.team_managers_set(
            actor=actor, team=team, expected_version=selectors.team_version(team), managers=[]
        )
    with pytest.raises(PermissionDenied):
        selectors.teams_for(actor)
    assert Team.objects.count() == 1
    assert not TeamChange.objects.exists()


def test_a_disabled_administrator_manages_no_team(admin, team):
    admin.is_active = False
    admin.save()
    with pytest.raises(PermissionDenied):
        services.team_create(actor=admin, name="New", agency=team.agency, area=None)


# --- team_change --------------------------------------------------------------------------------


def test_change_renames_moves_and_records_one_history_row_per_field(admin, team):
    old_name, old_agency, old_area = team.name, team.agency.name, team.area.name
    agency = AgencyFactory(name="Health")

    services.team_change(
        actor=admin,
        team=team,
        expected_version=selectors.team_version(team),
        name="Health Visiting",
        agency=agency,
        area=None,
    )

    team.refresh_from_db()
    assert (team.name, team.agency, team.area) == ("Health Visiting", agency, None)
    assert sorted(_history(team)) == sorted(
        [
            ("name", old_name, "Health Visiting", "admin1"),
            ("agency", old_agency, "Health", "admin1"),
            ("area", old_area, "All areas", "admin1"),
        ]
    )
    assert _audits(AuditEvent.Action.UPDATE, team) == [{"fields": ["name", "agency", "area"]}]
    # The code never changes: the council pack names the team by it.
    assert team.code.startswith("team-")


def test_change_with_nothing_different_writes_no_history(admin, team):
    services.team_change(
        actor=admin,
        team=team,
        expected_version=selectors.team_version(team),
        name=team.name,
        agency=team.agency,
        area=team.area,
    )
    assert not TeamChange.objects.exists()
    assert _audits(AuditEvent.Action.UPDATE, team) == [{"fields": []}]


def test_change_refuses_a_stale_version_and_changes_nothing(admin, team):
    version = selectors.team_version(team)
    services.team_change(
        actor=admin, team=team, expected_version=version, name="First", agency=team.agency,
        area=team.area,
    )  # fmt: skip

    with pytest.raises(StaleVersionError) as error:
        services.team_change(
            actor=admin,
            team=team,
            expected_version=version,
            name="Second",
            agency=team.agency,
            area=team.area,
        )

    assert error.value.messages == [
        "Someone else changed this team after you opened it. Check it and try again"
    ]
    team.refresh_from_db()
    assert team.name == "First"


def test_change_refuses_a_duplicate_name_in_the_agency(admin, team):
    TeamFactory(name="Outreach", agency=team.agency)
    with pytest.raises(ValidationError) as error:
        services.team_change(
            actor=admin,
            team=team,
            expected_version=selectors.team_version(team),
            name="outreach",
            agency=team.agency,
            area=team.area,
        )
    assert error.value.message_dict == {
        "name": ["The agency already has a team with this name: choose another"]
    }


def test_a_team_with_staff_keeps_its_agency(admin, team):
    UserFactory(team=team, roles=[Role.PRACTITIONER])
    with pytest.raises(ValidationError) as error:
        services.team_change(
            actor=admin,
            team=team,
            expected_version=selectors.team_version(team),
            name=team.name,
            agency=AgencyFactory(),
            area=team.area,
        )
    assert error.value.message_dict == {
        "agency": [
            "Staff belong to this team: move them to other teams before you change its "
            "agency, or add a new team to the other agency"
        ]
    }
    assert not TeamChange.objects.exists()


# --- team_managers_set --------------------------------------------------------------------------


def test_managers_are_set_with_history_and_audit(admin, team, other_team):
    staying = ManagerFactory(first_name="Sam", last_name="Stays", team=team)
    leaving = ManagerFactory(first_name="Lee", last_name="Leaves", team=team)
    joining = UserFactory(
        first_name="Jo", last_name="Joins", team=other_team, roles=[Role.TEAM_MANAGER]
    )

    services.team_managers_set(
        actor=admin,
        team=team,
        expected_version=selectors.team_version(team),
        managers=[staying, joining],
    )

    assert set(team.managers.all()) == {staying, joining}
    assert list(joining.managed_teams.all()) == [team]
    assert _history(team) == [
        ("managers", "Lee Leaves, Sam Stays", "Jo Joins, Sam Stays", "admin1")
    ]
    assert _audits(AuditEvent.Action.UPDATE, team) == [
        {"fields": ["managers"], "managers_added": [joining.pk], "managers_removed": [leaving.pk]}
    ]
    # The staff pages see the same thing: the account's managed teams moved on.
    assert team in joining.managed_teams.all()


def test_only_active_team_managers_are_made_managers(admin, team):
    practitioner = UserFactory(team=team, roles=[Role.PRACTITIONER])
    disabled = UserFactory(team=team, roles=[Role.TEAM_MANAGER], is_active=False)
    for someone in (practitioner, disabled):
        with pytest.raises(ValidationError) as error:
            services.team_managers_set(
                actor=admin,
                team=team,
                expected_version=selectors.team_version(team),
                managers=[someone],
            )
        assert error.value.message_dict == {
            "managers": ["Select only active accounts with the team manager role"]
        }
    assert not team.managers.exists()


def test_a_manager_who_no_longer_qualifies_can_be_kept_or_taken_off(admin, team):
    manager = ManagerFactory(team=team)
    manager.is_active = False
    manager.save()
    other = ManagerFactory(team=team)
    assert manager in selectors.team_manager_candidates(team)
    assert manager not in selectors.team_manager_candidates()

    services.team_managers_set(
        actor=admin,
        team=team,
        expected_version=selectors.team_version(team),
        managers=[manager],
    )
    assert list(team.managers.all()) == [manager]
    assert other not in team.managers.all()

    services.team_managers_set(
        actor=admin, team=team, expected_version=selectors.team_version(team), managers=[]
    )
    assert not team.managers.exists()


def test_managers_refuse_a_stale_version(admin, team):
    version = selectors.team_version(team)
    ManagerFactory(team=team)  # made a manager on the staff pages meanwhile
    with pytest.raises(StaleVersionError):
        services.team_managers_set(actor=admin, team=team, expected_version=version, managers=[])
    assert team.managers.count() == 1


def test_team_history_is_append_only(team):
    change = TeamChangeFactory(team=team)
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    assert TeamCreatedFactory(team=team).kind == "created"


# --- pages --------------------------------------------------------------------------------------

PAGES = ("team_list", "team_create", "team_detail", "team_change", "team_managers")


def _url(name, team):
    if name in ("team_list", "team_create"):
        return reverse(f"accounts:{name}")
    return reverse(f"accounts:{name}", kwargs={"team_id": team.pk})


@pytest.mark.parametrize("role", Role.values)
def test_each_role_on_each_team_page(client, team, role):
    user = UserFactory(username="visitor", team=team, roles=[role])
    sign_in_verified(client, user)
    expected = 200 if role == Role.SYSTEM_ADMINISTRATOR else 403

    statuses = {name: client.get(_url(name, team)).status_code for name in PAGES}
    posts = {name: client.post(_url(name, team)).status_code for name in PAGES}

    assert statuses == dict.fromkeys(PAGES, expected)
    assert posts == {
        name: 405 if name in ("team_list", "team_detail") else expected for name in PAGES
    }
    assert Team.objects.count() == 1
    assert not TeamChange.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    for name in PAGES:
        response = client.get(_url(name, team))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_session_without_its_second_factor_is_refused(client, admin, team):
    client.force_login(admin)
    assert client.get(reverse("accounts:team_list")).status_code == 403


def test_an_unknown_team_is_not_found(admin_client):
    for name in ("team_detail", "team_change", "team_managers"):
        url = reverse(f"accounts:{name}", kwargs={"team_id": 999999})
        assert admin_client.get(url).status_code == 404


def test_the_list_shows_agency_area_staff_and_managers_in_constant_queries(
    admin_client, django_assert_max_num_queries
):
    teams = [TeamFactory() for _ in range(12)]
    for team in teams:
        UserFactory(team=team, roles=[Role.PRACTITIONER])
        UserFactory(team=team, roles=[Role.PRACTITIONER], is_active=False)
        ManagerFactory(team=team, first_name="Morgan", last_name=f"Manager{team.pk}")

    # Session, user, device and roles; the teams and their managers; the audit row; the
    # navigation and header (constant whatever the number of teams).
    with django_assert_max_num_queries(17):
        response = admin_client.get(reverse("accounts:team_list"))

    assert response.status_code == 200
    listed = {t.pk: t for t in response.context["teams"]}
    assert len(listed) == 12
    # Active staff only: the practitioner and the manager, not the disabled account.
    assert {t.staff_count for t in listed.values()} == {2}
    body = response.content.decode()
    assert teams[0].agency.name in body and teams[0].area.name in body
    assert f"Morgan Manager{teams[3].pk}" in body
    event = AuditEvent.objects.filter(record_type="core.team").get()
    assert (event.action, event.detail) == (AuditEvent.Action.VIEW, {"count": 12})


def test_the_create_page_keeps_what_was_typed_with_the_error_summary(admin_client, team):
    TeamFactory(name="Outreach", agency=team.agency)

    response = admin_client.post(
        reverse("accounts:team_create"),
        {"name": "outreach", "agency": team.agency.pk, "area": team.area.pk},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'value="outreach"' in body
    assert response.context["form"].errors == {
        "name": ["The agency already has a team with this name: choose another"]
    }
    assert response.context["form"]["area"].value() == str(team.area.pk)

    response = admin_client.post(reverse("accounts:team_create"), {"name": "", "agency": ""})
    assert response.context["form"].errors == {
        "name": ["Enter the team's name"],
        "agency": ["Select the team's agency"],
    }
    assert Team.objects.count() == 2


def test_the_create_page_adds_the_team_and_shows_it(admin_client, team):
    response = admin_client.post(
        reverse("accounts:team_create"), {"name": "Young Carers", "agency": team.agency.pk}
    )

    created = Team.objects.get(name="Young Carers")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team_detail", kwargs={"team_id": created.pk})
    assert created.area is None
    detail = admin_client.get(response["Location"]).content.decode()
    assert "young-carers" in detail
    assert "Team added" in detail
    assert "All areas" in detail


def test_the_change_page_saves_and_detects_a_concurrent_edit(admin_client, admin, team):
    url = reverse("accounts:team_change", kwargs={"team_id": team.pk})
    version = admin_client.get(url).context["form"].initial["version"]
    services.team_change(
        actor=admin, team=team, expected_version=version, name="Meanwhile", agency=team.agency,
        area=team.area,
    )  # fmt: skip

    data = {"version": version, "name": "Mine", "agency": team.agency.pk, "area": ""}
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this team after you opened it. Check it and try again"
    ]
    assert response.context["form"]["name"].value() == "Mine"
    team.refresh_from_db()
    assert team.name == "Meanwhile"

    data["version"] = response.context["form"]["version"].value()
    response = admin_client.post(url, data)
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.area) == ("Mine", None)
    detail = admin_client.get(response["Location"]).content.decode()
    assert "Meanwhile" in detail and "Name changed" in detail


def test_the_change_page_shows_a_refused_agency_on_the_field(admin_client, team):
    UserFactory(team=team, roles=[Role.PRACTITIONER])
    url = reverse("accounts:team_change", kwargs={"team_id": team.pk})
    version = admin_client.get(url).context["form"].initial["version"]
    response = admin_client.post(
        url, {"version": version, "name": team.name, "agency": AgencyFactory().pk}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["agency"]


def test_the_managers_page_lists_team_managers_and_saves(admin_client, team, other_team):
    manager = UserFactory(
        first_name="Mo", last_name="Manager", team=other_team, roles=[Role.TEAM_MANAGER]
    )
    UserFactory(first_name="Pat", last_name="Practitioner", team=team, roles=[Role.PRACTITIONER])
    url = reverse("accounts:team_managers", kwargs={"team_id": team.pk})

    page = admin_client.get(url)
    body = page.content.decode()
    assert "Mo Manager" in body and "Pat Practitioner" not in body

    response = admin_client.post(
        url, {"version": page.context["form"].initial["version"], "managers": [manager.pk]}
    )
    assert response.status_code == 302
    assert list(team.managers.all()) == [manager]
    staff_page = admin_client.get(reverse("accounts:staff_detail", kwargs={"user_id": manager.pk}))
    assert team.name in staff_page.content.decode()


def test_the_managers_page_says_when_nobody_can_manage(admin_client, team):
    response = admin_client.get(reverse("accounts:team_managers", kwargs={"team_id": team.pk}))
    assert "No account has the team manager role" in response.content.decode()


def test_the_teams_are_linked_from_home_configuration_and_staff_pages(admin_client):
    url = reverse("accounts:team_list")
    for page in ("core:home", "core:configuration", "accounts:staff_list"):
        assert url in admin_client.get(reverse(page)).content.decode(), page


def test_the_new_account_also_counts_in_the_teams_list(admin_client, admin, team):
    services.user_create(
        actor=admin,
        username="new.person",
        first_name="New",
        last_name="Person",
        email="new@example.org",
        agency=team.agency,
        team=team,
        roles=[Role.PRACTITIONER],
    )
    response = admin_client.get(reverse("accounts:team_list"))
    [listed] = response.context["teams"]
    assert listed.staff_count == User.objects.filter(team=team).count() == 1
