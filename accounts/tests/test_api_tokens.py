"""API tokens (ADR 0011): made only after the second factor, shown once, stored hashed, expiring,
revocable by their owner and by a system administrator, and every use audited."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.mfa import DEMO_SKIP_KEY
from accounts.models import ApiToken, Role
from accounts.tests.factories import AdminFactory, UserFactory, issue_api_token, sign_in_verified
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:api_tokens")
CREATE = reverse("accounts:api_token_create")
ALL = reverse("accounts:api_tokens_all")
API = "/api/v1/people/"
TOKEN_LABEL = "accounts.apitoken"


def revoke_url(token) -> str:
    return reverse("accounts:api_token_revoke", kwargs={"token_id": token.pk})


def token_uses(**filters):
    return AuditEvent.objects.filter(
        record_type=TOKEN_LABEL, action=AuditEvent.Action.SIGN_IN, **filters
    )


def api_get(client, raw):
    return client.get(API, HTTP_AUTHORIZATION=f"Token {raw}")


@pytest.fixture
def other_user(team):
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


# --- Made only after the second factor ------------------------------------------------


def test_a_session_without_its_second_factor_cannot_make_or_manage_tokens(client, practitioner):
    client.force_login(practitioner)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"name": "Reporting", "days": "30"}).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not ApiToken.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_demo_login_counts_as_verified_only_in_demo_mode(client, settings, team):
    demo = UserFactory(team=team, roles=[Role.PRACTITIONER], is_demo=True)
    client.force_login(demo)
    session = client.session
    session[DEMO_SKIP_KEY] = True
    session.save()
    settings.DEMO_MODE = False
    assert client.post(CREATE, {"name": "Reporting", "days": "30"}).status_code == 403
    assert not ApiToken.objects.exists()
    settings.DEMO_MODE = True
    assert client.post(CREATE, {"name": "Reporting", "days": "30"}).status_code == 200
    assert ApiToken.objects.get().user == demo


# --- Shown once, stored hashed -----------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(practitioner_client, practitioner):
    form = practitioner_client.get(CREATE)
    assert form.status_code == 200
    assert form.context["form"]["days"].value() == "30"

    response = practitioner_client.post(CREATE, {"name": "Reporting script", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert "Copy the token now" in response.content.decode()
    assert (token.user, token.name, token.created_by) == (
        practitioner,
        "Reporting script",
        practitioner,
    )
    assert token.expiry - timezone.now() == pytest.approx(
        timedelta(days=30), abs=timedelta(minutes=1)
    )

    assert token.digest == hashlib.sha512(raw.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values("detail", "record_id")), default=str)
    assert raw not in stored

    listing = practitioner_client.get(LIST)
    assert listing.status_code == 200
    assert "Reporting script" in listing.content.decode()
    assert raw not in listing.content.decode()

    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, record_type=TOKEN_LABEL)
    assert (created.actor, created.record_id) == (practitioner, str(token.pk))
    assert created.detail == {
        "token_user": practitioner.pk,
        "expires_in_days": 30,
        "made_by": "user",
    }


def test_a_token_must_have_a_name_and_expire_within_90_days(practitioner_client, practitioner):
    response = practitioner_client.post(CREATE, {"name": "  ", "days": "365"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()
    with pytest.raises(Exception) as error:
        services.api_token_create(actor=practitioner, user=practitioner, name="Script", days=91)
    assert error.value.message_dict == {"days": ["A token must expire within 1 to 90 days"]}


def test_nobody_makes_a_token_for_someone_else(practitioner, other_user):
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=practitioner, user=other_user, name="Script", days=1)
    assert not ApiToken.objects.exists()


# --- Using a token -----------------------------------------------------------------------


def test_each_request_with_a_token_writes_exactly_one_audit_event_naming_its_user(
    client, practitioner
):
    raw = issue_api_token(practitioner)
    token = ApiToken.objects.get()
    assert token.last_used_at is None

    assert api_get(client, raw).status_code == 200
    use = token_uses().get()
    assert (use.actor, use.record_id, use.via, use.detail) == (
        practitioner,
        str(token.pk),
        "api",
        {"method": "api_token"},
    )
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert api_get(client, raw).status_code == 200
    assert token_uses(actor=practitioner).count() == 2


def test_a_request_answered_with_an_error_still_leaves_exactly_one_event(client, practitioner):
    """DRF rolls the request's transaction back on an error answer; the token's use is kept."""
    raw = issue_api_token(practitioner)
    token = ApiToken.objects.get()
    missing = client.get(
        f"{API}00000000-0000-0000-0000-000000000000/", HTTP_AUTHORIZATION=f"Token {raw}"
    )
    assert missing.status_code == 404
    refused = client.post(
        f"{API}search/",
        data="{",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )
    assert refused.status_code == 400
    uses = list(token_uses().order_by("id"))
    assert [(u.actor, u.record_id, u.detail) for u in uses] == [
        (practitioner, str(token.pk), {"method": "api_token", "status": 404}),
        (practitioner, str(token.pk), {"method": "api_token", "status": 400}),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_session_request_writes_no_token_event(practitioner_client):
    assert practitioner_client.get(API).status_code == 200
    assert not token_uses().exists()


def test_an_expired_token_is_refused_with_401(client, practitioner):
    raw = issue_api_token(practitioner, days=1)
    ApiToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    response = api_get(client, raw)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not token_uses().exists()


def test_a_token_of_a_deactivated_account_is_refused_with_401(client, practitioner):
    raw = issue_api_token(practitioner)
    practitioner.is_active = False
    practitioner.save()
    assert api_get(client, raw).status_code == 401


def test_an_unknown_token_and_no_credentials_are_refused_with_401(client, practitioner):
    issue_api_token(practitioner)
    assert api_get(client, "eh_not-a-real-token").status_code == 401
    assert client.get(API, HTTP_AUTHORIZATION="Token caf\u00e9").status_code == 401
    assert client.get(API, HTTP_AUTHORIZATION="Token").status_code == 401
    assert client.get(API, HTTP_AUTHORIZATION="Token a b").status_code == 401
    assert client.get(API).status_code == 401


# --- Revoking ------------------------------------------------------------------------------


def test_the_owner_revokes_their_token_and_it_stops_working(client, practitioner):
    raw = issue_api_token(practitioner, name="Old script")
    token = ApiToken.objects.get()
    sign_in_verified(client, practitioner)
    confirm = client.get(revoke_url(token))
    assert confirm.status_code == 200
    assert "Are you sure you want to revoke this API token?" in confirm.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()

    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, record_type=TOKEN_LABEL)
    assert (revoked.actor, revoked.record_id) == (practitioner, str(token.pk))
    assert revoked.detail == {"token_user": practitioner.pk, "by_administrator": False}

    client.logout()
    assert api_get(client, raw).status_code == 401


def test_an_administrator_sees_every_token_and_revokes_any(client, practitioner):
    raw = issue_api_token(practitioner, name="Nightly export")
    token = ApiToken.objects.get()
    admin = AdminFactory()
    sign_in_verified(client, admin)

    listing = client.get(ALL)
    assert listing.status_code == 200
    # unescape: Faker's en_GB names include apostrophes (O'Brien), which the page escapes.
    body = unescape(listing.content.decode())
    assert "Nightly export" in body and practitioner.get_full_name() in body
    assert raw not in body and token.digest not in body

    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == ALL
    assert not ApiToken.objects.exists()
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, record_type=TOKEN_LABEL)
    assert (revoked.actor, revoked.detail) == (
        admin,
        {"token_user": practitioner.pk, "by_administrator": True},
    )
    client.logout()
    assert api_get(client, raw).status_code == 401


def test_staff_cannot_see_or_revoke_someone_elses_token(client, practitioner, other_user):
    raw = issue_api_token(other_user)
    token = ApiToken.objects.get()
    sign_in_verified(client, practitioner)
    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    assert client.get(ALL).status_code == 403
    assert "Tests" not in client.get(LIST).content.decode()
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=practitioner, token=token)
    assert ApiToken.objects.filter(pk=token.pk).exists()
    client.logout()
    assert api_get(client, raw).status_code == 200


def test_a_django_superuser_without_the_administrator_role_cannot_revoke_others_tokens(
    practitioner,
):
    issue_api_token(practitioner)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=superuser, token=ApiToken.objects.get())


# --- For operators -------------------------------------------------------------------------


def test_create_api_token_prints_only_the_token(client, practitioner, capsys):
    call_command("create_api_token", practitioner.username, "--name", "schemathesis", "--days", "1")
    out = capsys.readouterr().out
    raw = out.strip()
    assert out == raw + "\n"
    token = ApiToken.objects.get()
    assert (token.name, token.created_by, token.digest) == (
        "schemathesis",
        None,
        hashlib.sha512(raw.encode()).hexdigest(),
    )
    assert token.expiry - timezone.now() == pytest.approx(
        timedelta(days=1), abs=timedelta(minutes=1)
    )
    assert api_get(client, raw).status_code == 200
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, record_type=TOKEN_LABEL)
    assert (created.actor, created.detail["made_by"]) == (None, "operator")


def test_create_api_token_refuses_long_lives_and_unknown_users(practitioner):
    with pytest.raises(CommandError, match="within 1 to 90 days"):
        call_command("create_api_token", practitioner.username, "--name", "x", "--days", "91")
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody-here", "--name", "x")
    assert not ApiToken.objects.exists()


# --- Finding the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_role_finds_its_api_tokens_from_home(client, team, role):
    sign_in_verified(client, UserFactory(team=team, roles=[role]))
    assert f'href="{LIST}"' in client.get(reverse("core:home")).content.decode()


def test_administrators_find_every_token_from_configuration(client):
    sign_in_verified(client, AdminFactory())
    assert f'href="{ALL}"' in client.get(reverse("core:configuration")).content.decode()


# --- Production ----------------------------------------------------------------------------


def test_production_settings_allow_only_expiring_audited_tokens_and_verified_sessions():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings_production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "earlyhelp.example.gov.uk",
        "DATABASE_URL": "postgres://earlyhelp@127.0.0.1:5432/earlyhelp",
        "DEMO_MODE": "true",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'auth': s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'], "
        "'apps': s.INSTALLED_APPS, 'middleware': s.MIDDLEWARE, 'knox': {k: str(v) for k, v in s.REST_KNOX.items()}, "
        "'token_model': s.KNOX_TOKEN_MODEL, 'max_days': s.API_TOKEN_MAX_DAYS, 'demo': s.DEMO_MODE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    production = json.loads(result.stdout)
    assert production["auth"] == [
        "accounts.api_auth.AuditedTokenAuthentication",
        "accounts.api_auth.VerifiedSessionAuthentication",
    ]
    assert "rest_framework.authtoken" not in production["apps"]
    assert "accounts.middleware.ApiTokenUseAuditMiddleware" in production["middleware"]
    assert production["token_model"] == "accounts.ApiToken"
    assert production["knox"]["AUTO_REFRESH"] == "False"
    assert production["knox"]["AUTH_HEADER_PREFIX"] == "Token"
    assert production["max_days"] == 90
    assert production["demo"] is False
