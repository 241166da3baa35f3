"""Managing staff accounts without the Django admin (issue 11): the services' rules, the pages
for each role, and what disabling and resetting an account does to sessions, tokens and devices."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.models import AccountChange, ApiToken, Role, User
from accounts.tests.factories import (
    AdminFactory,
    TOTPDeviceFactory,
    UserFactory,
    issue_api_token,
    sign_in_verified,
)
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return AdminFactory(username="admin1")


@pytest.fixture
def admin_client(client, admin):
    return sign_in_verified(client, admin)


@pytest.fixture
def member(team):
    return UserFactory(username="member1", team=team, roles=[Role.PRACTITIONER])


def _create(admin, home_team, **overrides):
    team = home_team
    values = {
        "actor": admin,
        "username": "new.person",
        "first_name": "New",
        "last_name": "Person",
        "email": "new.person@example.org",
        "agency": team.agency,
        "team": team,
        "roles": [Role.PRACTITIONER],
        "managed_teams": [],
    } | overrides
    return services.user_create(**values)


def _audits(action, target):
    return list(
        AuditEvent.objects.filter(
            action=action, record_type="accounts.user", record_id=str(target.pk)
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


# --- user_create ------------------------------------------------------------------------------


def test_create_makes_the_account_with_a_temporary_password_and_audits(admin, team):
    created = _create(
        admin, team, roles=[Role.TEAM_MANAGER, Role.PRACTITIONER], managed_teams=[team]
    )

    user = User.objects.get(username="new.person")
    assert created.user == user
    assert (user.first_name, user.last_name, user.email) == (
        "New",
        "Person",
        "new.person@example.org",
    )
    assert (user.agency, user.team, user.is_active) == (team.agency, team, True)
    assert user.roles == {Role.TEAM_MANAGER, Role.PRACTITIONER}
    assert list(user.managed_teams.all()) == [team]
    assert len(created.temporary_password) == 16
    assert user.check_password(created.temporary_password)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _audits(AuditEvent.Action.CREATE, user) == [
        {
            "fields": [
                "username",
                "first_name",
                "last_name",
                "email",
                "agency",
                "team",
                "managed_teams",
            ],
            "roles_added": ["practitioner", "team_manager"],
        }
    ]


def test_create_refuses_missing_and_invalid_input_by_field(admin, team, other_team):
    UserFactory(username="Taken")
    with pytest.raises(ValidationError) as error:
        _create(
            admin,
            team,
            username="taken",
            first_name=" ",
            last_name="",
            email="not-an-email",
            agency=team.agency,
            team=other_team,
            roles=[],
            managed_teams=[team],
        )

    assert error.value.message_dict == {
        "username": ["An account with this username already exists: choose another"],
        "first_name": ["Enter their first name"],
        "last_name": ["Enter their last name"],
        "email": ["Enter an email address in the correct format, like name@example.org"],
        "team": ["Select a team of the account's agency"],
        "roles": ["Select at least one role"],
        "managed_teams": ["Only a team manager manages teams: give the team manager role"],
    }
    assert not User.objects.filter(username="taken").exists()


def test_create_refuses_a_team_without_an_agency_and_an_unknown_role(admin, team):
    with pytest.raises(ValidationError) as error:
        _create(admin, team, agency=None, roles=["superuser"])

    assert error.value.message_dict == {
        "agency": ["Select the agency the team belongs to"],
        "roles": ["Select roles from the list"],
    }


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMINISTRATOR])
def test_only_an_administrator_creates_accounts(team, role):
    actor = UserFactory(team=team, roles=[role])
    with pytest.raises(PermissionDenied):
        _create(actor, team)
    assert not User.objects.filter(username="new.person").exists()


def test_a_disabled_administrator_manages_nothing(admin, team, member):
    admin.is_active = False
    admin.save()
    with pytest.raises(PermissionDenied):
        _create(admin, team)
    with pytest.raises(PermissionDenied):
        services.user_disable(actor=admin, user=member, reason="Left")


# --- user_change ------------------------------------------------------------------------------


def test_change_sets_agency_team_roles_and_managed_teams_and_audits(admin, member, other_team):
    version = selectors.staff_version(member)

    changed = services.user_change(
        actor=admin,
        user=member,
        expected_version=version,
        agency=other_team.agency,
        team=other_team,
        roles=[Role.TEAM_MANAGER],
        managed_teams=[other_team],
    )

    member.refresh_from_db()
    assert changed == member
    assert (member.agency, member.team) == (other_team.agency, other_team)
    assert set(member.role_grants.values_list("role", flat=True)) == {Role.TEAM_MANAGER}
    assert list(member.managed_teams.all()) == [other_team]
    assert selectors.staff_version(member) != version
    assert _audits(AuditEvent.Action.UPDATE, member) == [
        {
            "fields": ["agency", "team", "managed_teams", "roles"],
            "roles_added": ["team_manager"],
            "roles_removed": ["practitioner"],
        }
    ]


def test_change_refuses_a_stale_version_and_changes_nothing(admin, member, other_team):
    version = selectors.staff_version(member)
    services.user_change(
        actor=admin,
        user=member,
        expected_version=version,
        agency=member.agency,
        team=member.team,
        roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL],
    )

    with pytest.raises(StaleVersionError) as error:
        services.user_change(
            actor=admin,
            user=member,
            expected_version=version,
            agency=other_team.agency,
            team=other_team,
            roles=[Role.PRACTITIONER],
        )

    assert error.value.messages == [
        "Someone else changed this account after you opened it. Check it and try again"
    ]
    member.refresh_from_db()
    assert member.team != other_team
    assert set(member.role_grants.values_list("role", flat=True)) == {
        Role.PRACTITIONER,
        Role.LEAD_PROFESSIONAL,
    }


def test_an_administrator_cannot_take_away_their_own_administrator_role(admin):
    with pytest.raises(ValidationError) as error:
        services.user_change(
            actor=admin,
            user=admin,
            expected_version=selectors.staff_version(admin),
            agency=None,
            team=None,
            roles=[Role.PRACTITIONER],
        )
    assert error.value.message_dict == {
        "roles": ["You cannot take away your own system administrator role"]
    }
    assert set(admin.role_grants.values_list("role", flat=True)) == {Role.SYSTEM_ADMINISTRATOR}


def test_only_an_administrator_changes_accounts(team, member):
    actor = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    with pytest.raises(PermissionDenied):
        services.user_change(
            actor=actor,
            user=member,
            expected_version=selectors.staff_version(member),
            agency=member.agency,
            team=member.team,
            roles=[Role.SYSTEM_ADMINISTRATOR],
        )
    assert set(member.role_grants.values_list("role", flat=True)) == {Role.PRACTITIONER}


# --- user_disable / user_enable ------------------------------------------------------------------


def test_disable_ends_sessions_revokes_tokens_records_the_reason_and_audits(admin, member):
    signed_in = sign_in_verified(Client(), member)
    assert signed_in.get(reverse("core:home")).status_code == 200
    bystander = sign_in_verified(Client(), UserFactory(username="bystander"))
    issue_api_token(member, name="Script")
    issue_api_token(member, name="Other script")
    kept = issue_api_token(admin, name="Admin's own")
    assert kept

    services.user_disable(actor=admin, user=member, reason="Left the council")

    member.refresh_from_db()
    assert member.is_active is False
    # Their open session is gone from the store; its next request is sent to sign in.
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(member.pk)
    ]
    response = signed_in.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert bystander.get(reverse("core:home")).status_code == 200
    assert not ApiToken.objects.filter(user=member).exists()
    assert ApiToken.objects.filter(user=admin).count() == 1
    change = AccountChange.objects.get(user=member)
    assert (change.kind, change.reason, change.by) == ("disabled", "Left the council", admin)
    assert _audits(AuditEvent.Action.UPDATE, member) == [
        {
            "fields": ["is_active", "reason"],
            "change": "disabled",
            "sessions_ended": 1,
            "api_tokens_revoked": 2,
        }
    ]


def test_a_disabled_accounts_api_token_no_longer_works(admin, member, client):
    token = issue_api_token(member)
    assert client.get("/api/v1/families/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200

    services.user_disable(actor=admin, user=member, reason="Left")

    assert client.get("/api/v1/families/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_disable_needs_a_reason(admin, member):
    with pytest.raises(ValidationError) as error:
        services.user_disable(actor=admin, user=member, reason="  ")
    assert error.value.message_dict == {"reason": ["Enter why you are disabling this account"]}
    member.refresh_from_db()
    assert member.is_active is True
    assert not AccountChange.objects.exists()


def test_an_administrator_cannot_disable_themself(admin):
    with pytest.raises(ConflictError) as error:
        services.user_disable(actor=admin, user=admin, reason="Testing")
    assert error.value.messages == ["You cannot disable your own account"]
    admin.refresh_from_db()
    assert admin.is_active is True


def test_disabling_a_disabled_account_is_a_conflict(admin, member):
    services.user_disable(actor=admin, user=member, reason="Left")
    with pytest.raises(ConflictError) as error:
        services.user_disable(actor=admin, user=member, reason="Again")
    assert error.value.messages == ["This account is already disabled"]
    assert AccountChange.objects.count() == 1


def test_enable_lets_them_sign_in_again_with_a_recorded_reason(admin, member, client):
    services.user_disable(actor=admin, user=member, reason="Long-term leave")

    services.user_enable(actor=admin, user=member, reason="Back from leave")

    member.refresh_from_db()
    assert member.is_active is True
    assert list(AccountChange.objects.values_list("kind", "reason")) == [
        ("enabled", "Back from leave"),
        ("disabled", "Long-term leave"),
    ]
    assert _audits(AuditEvent.Action.UPDATE, member)[-1] == {
        "fields": ["is_active", "reason"],
        "change": "enabled",
    }
    with pytest.raises(ConflictError) as error:
        services.user_enable(actor=admin, user=member, reason="Again")
    assert error.value.messages == ["This account is already enabled"]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMINISTRATOR])
def test_only_an_administrator_disables_enables_and_resets(team, member, role):
    actor = UserFactory(team=team, roles=[role])
    for service in (services.user_disable, services.user_authenticator_reset):
        with pytest.raises(PermissionDenied):
            service(actor=actor, user=member, reason="Because")
    member.is_active = False
    member.save()
    with pytest.raises(PermissionDenied):
        services.user_enable(actor=actor, user=member, reason="Because")
    assert not AccountChange.objects.exists()


# --- user_authenticator_reset -------------------------------------------------------------------


def test_reset_removes_their_devices_ends_sessions_and_records_the_reason(admin, member):
    signed_in = sign_in_verified(Client(), member)  # makes a confirmed device
    TOTPDeviceFactory(user=member, confirmed=False)

    services.user_authenticator_reset(actor=admin, user=member, reason="Lost their phone")

    assert not TOTPDevice.objects.filter(user=member).exists()
    assert signed_in.get(reverse("core:home")).status_code == 302
    change = AccountChange.objects.get(user=member)
    assert (change.kind, change.reason, change.by) == (
        "authenticator_reset",
        "Lost their phone",
        admin,
    )
    assert _audits(AuditEvent.Action.UPDATE, member) == [
        {
            "fields": ["mfa_device", "reason"],
            "change": "authenticator_reset",
            "devices_removed": 2,
            "sessions_ended": 1,
        }
    ]
    # At their next sign-in they are sent to set up a new authenticator app.
    fresh = Client()
    member.set_password("a-new-password-for-tests-1")
    member.save()
    response = fresh.post(
        reverse("accounts:login"),
        {"username": member.username, "password": "a-new-password-for-tests-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:setup_mfa")


def test_reset_needs_a_reason(admin, member):
    TOTPDeviceFactory(user=member)
    with pytest.raises(ValidationError) as error:
        services.user_authenticator_reset(actor=admin, user=member, reason="")
    assert error.value.message_dict == {
        "reason": ["Enter why you are resetting their authenticator"]
    }
    assert TOTPDevice.objects.filter(user=member).count() == 1


# --- pages --------------------------------------------------------------------------------------

PAGES = (
    "staff_list",
    "staff_create",
    "staff_detail",
    "staff_change",
    "staff_disable",
    "staff_enable",
    "staff_authenticator_reset",
)


def _url(name, member):
    if name in ("staff_list", "staff_create"):
        return reverse(f"accounts:{name}")
    return reverse(f"accounts:{name}", kwargs={"user_id": member.pk})


@pytest.mark.parametrize("role", Role.values)
def test_each_role_on_each_staff_page(client, team, member, role):
    user = UserFactory(username="visitor", team=team, roles=[role])
    sign_in_verified(client, user)
    expected = 200 if role == Role.SYSTEM_ADMINISTRATOR else 403

    statuses = {name: client.get(_url(name, member)).status_code for name in PAGES}
    posts = {name: client.post(_url(name, member)).status_code for name in PAGES[1:]}

    assert statuses == dict.fromkeys(PAGES, expected)
    assert posts == {name: 405 if name == "staff_detail" else expected for name in PAGES[1:]}
    member.refresh_from_db()
    assert member.is_active is True


def test_anonymous_visitors_are_sent_to_sign_in(client, member):
    for name in PAGES:
        response = client.get(_url(name, member))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_session_without_its_second_factor_is_refused(client, admin, member):
    client.force_login(admin)
    assert client.get(reverse("accounts:staff_list")).status_code == 403


def test_an_unknown_account_is_not_found(admin_client):
    url = reverse("accounts:staff_detail", kwargs={"user_id": 999999})
    assert admin_client.get(url).status_code == 404


def test_the_list_shows_accounts_searches_by_name_and_has_constant_queries(
    admin_client, team, other_team, django_assert_max_num_queries
):
    UserFactory(first_name="Ada", last_name="Lovelace", team=team, roles=[Role.PRACTITIONER])
    UserFactory(first_name="Alan", last_name="Turing", team=other_team, roles=[Role.TEAM_MANAGER])
    for n in range(30):
        UserFactory(
            team=team if n % 2 else other_team, roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL]
        )

    # Session, user, device and roles; count, page, roles and managed teams; the audit row;
    # the navigation (constant whatever the number of accounts).
    with django_assert_max_num_queries(19):
        response = admin_client.get(reverse("accounts:staff_list"))
    assert response.status_code == 200
    assert len(response.context["members"]) == 33
    assert "Lovelace" in response.content.decode()

    response = admin_client.get(reverse("accounts:staff_list"), {"q": "ada love"})
    assert [m.last_name for m in response.context["members"]] == ["Lovelace"]
    assert "Turing" not in response.content.decode()


def test_the_list_is_paged(admin_client, team):
    for _ in range(55):
        UserFactory(team=team, roles=[Role.PRACTITIONER])
    response = admin_client.get(reverse("accounts:staff_list"))
    assert len(response.context["members"]) == 50
    response = admin_client.get(reverse("accounts:staff_list"), {"page": 2})
    assert len(response.context["members"]) == 6  # 55 and the administrator


def test_the_create_page_shows_the_temporary_password_once(admin_client, team):
    response = admin_client.post(
        reverse("accounts:staff_create"),
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "username": "grace.hopper",
            "email": "grace@example.org",
            "agency": team.agency.pk,
            "team": team.pk,
            "roles": [Role.PRACTITIONER],
        },
    )

    assert response.status_code == 200
    user = User.objects.get(username="grace.hopper")
    password = response.context["temporary_password"]
    assert user.check_password(password)
    assert password in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    detail = admin_client.get(reverse("accounts:staff_detail", kwargs={"user_id": user.pk}))
    assert password not in detail.content.decode()


def test_the_create_page_keeps_what_was_typed_with_the_error_summary(admin_client, team):
    response = admin_client.post(
        reverse("accounts:staff_create"),
        {"first_name": "Grace", "last_name": "", "username": "grace", "email": "x"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'value="Grace"' in body
    assert response.context["form"].errors == {
        "last_name": ["Enter their last name"],
        "email": ["Enter an email address in the correct format, like name@example.org"],
        "roles": ["Select at least one role"],
    }
    assert not User.objects.filter(username="grace").exists()


def test_the_change_page_saves_and_detects_a_concurrent_edit(
    admin_client, admin, member, other_team
):
    url = reverse("accounts:staff_change", kwargs={"user_id": member.pk})
    version = admin_client.get(url).context["form"].initial["version"]
    services.user_change(
        actor=admin,
        user=member,
        expected_version=version,
        agency=member.agency,
        team=member.team,
        roles=[Role.LEAD_PROFESSIONAL],
    )

    data = {
        "version": version,
        "agency": other_team.agency.pk,
        "team": other_team.pk,
        "roles": [Role.PRACTITIONER],
    }
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this account after you opened it. Check it and try again"
    ]
    assert response.context["form"]["team"].value() == str(other_team.pk)
    member.refresh_from_db()
    assert member.team != other_team

    data["version"] = response.context["form"]["version"].value()
    response = admin_client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.team == other_team
    assert member.roles == {Role.PRACTITIONER}


def test_the_disable_page_needs_a_reason_then_disables(admin_client, member):
    url = reverse("accounts:staff_disable", kwargs={"user_id": member.pk})
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Enter why you are disabling this account"]
    }

    response = admin_client.post(url, {"reason": "Left the council"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:staff_detail", kwargs={"user_id": member.pk})
    member.refresh_from_db()
    assert member.is_active is False
    detail = admin_client.get(response["Location"])
    assert "Left the council" in detail.content.decode()


def test_the_disable_page_refuses_the_administrator_themself(admin_client, admin):
    url = reverse("accounts:staff_disable", kwargs={"user_id": admin.pk})
    response = admin_client.post(url, {"reason": "Testing"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You cannot disable your own account"]
    admin.refresh_from_db()
    assert admin.is_active is True


def test_the_reset_page_resets_the_authenticator(admin_client, member):
    TOTPDeviceFactory(user=member)
    url = reverse("accounts:staff_authenticator_reset", kwargs={"user_id": member.pk})
    response = admin_client.post(url, {"reason": "New phone"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_the_configuration_page_links_to_staff_accounts(admin_client):
    response = admin_client.get(reverse("core:configuration"))
    assert reverse("accounts:staff_list") in response.content.decode()
