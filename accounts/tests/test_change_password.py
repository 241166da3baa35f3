"""Changing one's password (issue 11): the page every member of staff has, the temporary password
an administrator sets (a new account, or a reset) that must be changed at the next sign-in, and
what a change does to the user's other sessions and API tokens."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts import services
from accounts.models import AccountChange, Role
from accounts.tests.factories import (
    TEST_PASSWORD,
    AdminFactory,
    TOTPDeviceFactory,
    UserFactory,
    issue_api_token,
    sign_in_verified,
)
from core.errors import ConflictError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-77"
URL = "/accounts/password/"


@pytest.fixture
def admin(db):
    return AdminFactory(username="admin1")


@pytest.fixture
def admin_client(admin):
    return sign_in_verified(Client(), admin)


@pytest.fixture
def member(team):
    # Named, not Faker's: Django's similarity check would also refuse "short" from Ms Short.
    return UserFactory(
        username="member1",
        first_name="Alex",
        last_name="Morgan",
        email="alex.morgan@example.org",
        team=team,
        roles=[Role.PRACTITIONER],
    )


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def _audits(user):
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.UPDATE, record_type="accounts.user", record_id=str(user.pk)
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def _change(client, current=TEST_PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        URL,
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


# --- the service --------------------------------------------------------------------------------


def test_the_change_sets_the_password_ends_other_sessions_and_audits(member):
    elsewhere = sign_in_verified(Client(), member)
    assert elsewhere.get(reverse("core:home")).status_code == 200
    bystander = sign_in_verified(Client(), UserFactory(username="bystander"))
    member.must_change_password = True
    member.save()

    changed = services.user_password_change(
        actor=member,
        current_password=TEST_PASSWORD,
        new_password=NEW_PASSWORD,
        new_password_again=NEW_PASSWORD,
    )

    member.refresh_from_db()
    assert changed == member
    assert member.check_password(NEW_PASSWORD)
    assert member.must_change_password is False
    assert _sessions_of(member) == 0
    assert elsewhere.get(reverse("core:home")).status_code == 302
    assert bystander.get(reverse("core:home")).status_code == 200
    assert _audits(member) == [
        {
            "fields": ["password"],
            "change": "password_changed",
            "was_temporary": True,
            "other_sessions_ended": 1,
        }
    ]


def test_the_change_refuses_a_wrong_current_password_and_weak_new_ones(member):
    cases = [
        (("", "", ""), {
            "current_password": ["Enter your current password"],
            "new_password": ["Enter a new password"],
        }),
        (("wrong", NEW_PASSWORD, NEW_PASSWORD), {
            "current_password": ["Your current password is not right: enter it again"],
        }),
        ((TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD), {
            "new_password": ["Your new password must be different from your current one"],
        }),
        ((TEST_PASSWORD, "short", "short"), {
            "new_password": ["This password is too short. It must contain at least 12 characters."],
        }),
        ((TEST_PASSWORD, "123456789012345", "123456789012345"), {
            "new_password": ["This password is entirely numeric."],
        }),
        ((TEST_PASSWORD, NEW_PASSWORD, ""), {
            "new_password_again": ["Enter your new password again"],
        }),
        ((TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x"), {
            "new_password_again": ["The passwords do not match: enter the same one twice"],
        }),
    ]  # fmt: skip
    for (current, new, again), expected in cases:
        with pytest.raises(ValidationError) as error:
            services.user_password_change(
                actor=member,
                current_password=current,
                new_password=new,
                new_password_again=again,
            )
        assert error.value.message_dict == expected, (current, new, again)
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)
    assert _audits(member) == []


def test_a_disabled_or_single_sign_on_account_cannot_change_a_password(member):
    member.set_unusable_password()
    member.save()
    with pytest.raises(ConflictError):
        services.user_password_change(
            actor=member, current_password="x", new_password=NEW_PASSWORD, new_password_again=""
        )
    member.is_active = False
    member.save()
    with pytest.raises(PermissionDenied):
        services.user_password_change(
            actor=member, current_password="x", new_password=NEW_PASSWORD, new_password_again=""
        )


def test_a_new_account_must_change_its_temporary_password(admin, team):
    created = services.user_create(
        actor=admin,
        username="new.person",
        first_name="New",
        last_name="Person",
        email="new@example.org",
        agency=team.agency,
        team=team,
        roles=[Role.PRACTITIONER],
    )
    assert created.user.must_change_password is True


# --- the administrator's temporary password ------------------------------------------------------


def test_a_temporary_password_ends_sessions_records_the_reason_and_keeps_tokens(admin, member):
    signed_in = sign_in_verified(Client(), member)
    token = issue_api_token(member)

    issued = services.user_temporary_password_set(
        actor=admin, user=member, reason="Forgot their password"
    )

    member.refresh_from_db()
    assert issued.user == member
    assert member.check_password(issued.temporary_password)
    assert len(issued.temporary_password) == 16
    assert member.must_change_password is True
    assert signed_in.get(reverse("core:home")).status_code == 302
    change = AccountChange.objects.get(user=member)
    assert (change.kind, change.reason, change.by) == (
        "temporary_password",
        "Forgot their password",
        admin,
    )
    assert _audits(member) == [
        {"fields": ["password", "reason"], "change": "temporary_password", "sessions_ended": 1}
    ]
    # The API is not affected: the token still works, and its requests are not redirected.
    response = Client().get("/api/v1/families/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_a_temporary_password_needs_a_reason_and_is_not_for_oneself(admin, member):
    with pytest.raises(ValidationError) as error:
        services.user_temporary_password_set(actor=admin, user=member, reason=" ")
    assert error.value.message_dict == {
        "reason": ["Enter why you are setting a temporary password"]
    }
    with pytest.raises(ConflictError):
        services.user_temporary_password_set(actor=admin, user=admin, reason="Testing")
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)
    assert not AccountChange.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMINISTRATOR])
def test_only_an_administrator_sets_a_temporary_password(client, team, member, role):
    actor = UserFactory(username="visitor", team=team, roles=[role])
    with pytest.raises(PermissionDenied):
        services.user_temporary_password_set(actor=actor, user=member, reason="Because")
    sign_in_verified(client, actor)
    url = reverse("accounts:staff_temporary_password", kwargs={"user_id": member.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Because"}).status_code == 403
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_the_temporary_password_page_shows_it_once(admin_client, member):
    url = reverse("accounts:staff_temporary_password", kwargs={"user_id": member.pk})
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Enter why you are setting a temporary password"]
    }

    response = admin_client.post(url, {"reason": "Forgot it"})

    assert response.status_code == 200
    password = response.context["temporary_password"]
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    member.refresh_from_db()
    assert member.check_password(password)
    detail = admin_client.get(reverse("accounts:staff_detail", kwargs={"user_id": member.pk}))
    body = detail.content.decode()
    assert password not in body
    assert "Forgot it" in body and "Temporary password set" in body
    assert "they choose their own when they next sign in" in body


# --- signing in with a temporary password ------------------------------------------------------


def test_a_temporary_password_is_changed_after_the_security_code_before_anything_else(
    admin, member
):
    device = TOTPDeviceFactory(user=member)
    issued = services.user_temporary_password_set(actor=admin, user=member, reason="Forgot")
    client = Client()

    response = client.post(
        reverse("accounts:login"),
        {"username": member.username, "password": issued.temporary_password},
    )
    assert response["Location"] == reverse("accounts:verify")
    response = client.post(reverse("accounts:verify"), {"token": _code(device)})
    assert response.status_code == 302

    # Every page sends them to change it; the API ignores the session; the page itself opens.
    for path in (response["Location"], reverse("people:family_list"), reverse("core:home")):
        assert client.get(path)["Location"] == URL, path
    assert client.get("/api/v1/families/").status_code == 401  # as if not signed in
    page = client.get(URL)
    assert page.status_code == 200
    assert "You signed in with a temporary password" in page.content.decode()

    response = _change(client, current=issued.temporary_password)

    assert response.status_code == 302
    assert response["Location"] == "/"
    member.refresh_from_db()
    assert member.must_change_password is False
    assert member.check_password(NEW_PASSWORD)
    # This session stays signed in, and is no longer held on the password page.
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get("/api/v1/families/").status_code == 200


def test_while_a_change_is_due_signing_out_still_works(admin, member):
    client = sign_in_verified(Client(), member)
    member.must_change_password = True
    member.save()
    assert client.get(reverse("core:home"))["Location"] == URL
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert _sessions_of(member) == 0


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_role_can_open_the_page(client, team, role):
    user = UserFactory(username="visitor", team=team, roles=[role])
    sign_in_verified(client, user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Change your password" in response.content.decode()
    # An empty form comes back with its errors, and nothing changes.
    assert client.post(URL).status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_session_without_its_second_factor_is_refused(client, member):
    client.force_login(member)
    assert client.get(URL).status_code == 403


def test_the_page_shows_errors_and_never_gives_a_password_back(member):
    client = sign_in_verified(Client(), member)

    response = _change(client, current="wrong-password-typed", new="short", again="short")

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Your current password is not right: enter it again" in body
    assert "wrong-password-typed" not in body
    assert response.context["form"].errors == {
        "current_password": ["Your current password is not right: enter it again"],
        "new_password": ["This password is too short. It must contain at least 12 characters."],
    }
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_the_page_keeps_this_session_and_ends_the_others(member):
    client = sign_in_verified(Client(), member)
    elsewhere = sign_in_verified(Client(), member)

    response = _change(client)

    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert elsewhere.get(reverse("core:home")).status_code == 302
    assert _sessions_of(member) == 1
    assert _audits(member)[-1]["other_sessions_ended"] == 1


def test_the_page_is_linked_from_the_header_and_home(client, member):
    sign_in_verified(client, member)
    body = client.get(reverse("core:home")).content.decode()
    assert body.count(f'href="{URL}"') == 2


def test_a_single_sign_on_user_is_told_to_change_it_with_the_council(client, member):
    member.set_unusable_password()
    member.save()
    sign_in_verified(client, member)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You sign in with your council account" in body
    assert 'name="current_password"' not in body


def test_the_users_api_token_is_unaffected_by_a_change(member):
    token = issue_api_token(member)
    client = sign_in_verified(Client(), member)
    assert _change(client).status_code == 302
    response = Client().get("/api/v1/families/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
