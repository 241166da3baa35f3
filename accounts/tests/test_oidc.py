"""Single sign-on with the council's account (ADR 0021), with the provider mocked: no network.

The library's own steps are kept where they decide something (state, nonce, the callback's
flow); what would reach the provider is replaced: the code exchange (`get_token`), the signing
key (`retrieve_matching_jwk`), the token's decoding (`get_payload_data`) and the user
information (`get_userinfo`).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from accounts import oidc
from accounts.mfa import IDP_MFA_KEY
from accounts.models import Role, User
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.models import AuditEvent

CLIENT_ID = "client-id-0001"
TENANT = "https://login.example.test/tenant-0001"


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{TENANT}/oauth2/v2.0/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{TENANT}/oauth2/v2.0/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://graph.example.test/oidc/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{TENANT}/discovery/v2.0/keys"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, settings.OIDC_BACKEND]
    assert oidc.enabled()
    return settings


@pytest.fixture
def staff(db):
    return UserFactory(email="Sam.Jones@Council.example.org", roles=[Role.PRACTITIONER])


class Provider:
    """What the council's provider answers, set per test."""

    def __init__(self, monkeypatch):
        self.id_token_claims = {}
        self.userinfo = {}
        self.nonce = None
        backend = oidc.CouncilAccountBackend
        monkeypatch.setattr(
            backend,
            "get_token",
            lambda _self, payload: {"id_token": "id.token.jwt", "access_token": "access"},
        )
        monkeypatch.setattr(backend, "retrieve_matching_jwk", lambda _self, token: "key")
        monkeypatch.setattr(
            backend,
            "get_payload_data",
            lambda _self, token, key: {"nonce": self.nonce, **self.id_token_claims},
        )
        monkeypatch.setattr(
            backend, "get_userinfo", lambda _self, access, id_token, payload: dict(self.userinfo)
        )

    def says(self, *, userinfo=None, **claims):
        self.id_token_claims = {"sub": "subject-1", "aud": CLIENT_ID, **claims}
        self.userinfo = {"sub": "subject-1", **(userinfo or {})}


@pytest.fixture
def provider(monkeypatch):
    return Provider(monkeypatch)


def sign_in_with_council_account(client, provider, next_url=None):
    start = reverse("accounts:oidc_start") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path.endswith("/oauth2/v2.0/authorize")
    params = parse_qs(location.query)
    assert params["code_challenge_method"] == ["S256"]
    provider.nonce = params["nonce"][0]
    return client.get(
        reverse("accounts:oidc_callback"), {"code": "code-0001", "state": params["state"][0]}
    )


# ------------------------------------------------------------------ off unless configured


def test_not_configured_no_button_and_every_page_is_404(client, db):
    assert not oidc.enabled()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "council account" not in page.content.decode()
    for name in ("accounts:oidc_start", "accounts:oidc_callback", "accounts:oidc_refused"):
        assert client.get(reverse(name), {"code": "x", "state": "y"}).status_code == 404


def test_configured_shows_the_start_button_above_the_password_form(client, db, sso):
    page = client.get(reverse("accounts:login"), {"next": "/people/"}).content.decode()
    assert "Sign in with your council account" in page
    assert "govuk-button--start" in page
    assert f'href="{reverse("accounts:oidc_start")}?next=/people/"' in page
    assert page.index("council account") < page.index('name="password"')


def test_a_client_id_alone_stops_start_up():
    import subprocess
    import sys

    env = {"OIDC_RP_CLIENT_ID": CLIENT_ID, "PATH": "/usr/bin:/bin"}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='earlyhelp.settings'; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET" in result.stderr


# ------------------------------------------------------------------ a known account signs in


def test_known_account_reaches_home_without_a_security_code(client, staff, sso, provider):
    # Entra ID without the optional email claim: the sign-in name, in another case.
    provider.says(preferred_username="sam.jones@council.EXAMPLE.org", amr=["pwd", "mfa"])
    response = sign_in_with_council_account(client, provider)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session[BACKEND_SESSION_KEY] == sso.OIDC_BACKEND
    assert client.session[IDP_MFA_KEY] is True
    # No authenticator of ours was ever set up, and none is asked for.
    assert not staff.totpdevice_set.exists()
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == staff
    event = AuditEvent.objects.get(actor=staff, action=AuditEvent.Action.SIGN_IN)
    assert event.detail == {"method": "council_account", "second_factor": "council_account"}


def test_a_temporary_password_is_not_forced_on_a_council_account_sign_in(
    client, staff, sso, provider
):
    # The administrator's temporary password is never used to sign in this way, so it does not
    # stand between them and their work; signing in with it would still ask for a new one.
    staff.must_change_password = True
    staff.save(update_fields=["must_change_password"])
    provider.says(email="sam.jones@council.example.org", amr=["pwd", "mfa"])
    sign_in_with_council_account(client, provider)
    assert client.get(reverse("core:home")).status_code == 200


def test_without_amr_the_providers_policy_is_relied_on(client, staff, sso, provider):
    provider.says(email="sam.jones@council.example.org")
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_the_page_asked_for_is_where_sign_in_ends(client, staff, sso, provider):
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider, next_url="/people/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"


def test_the_api_accepts_the_signed_in_session(client, staff, sso, provider):
    provider.says(email=staff.email, amr=["mfa"])
    sign_in_with_council_account(client, provider)
    assert client.get("/api/v1/families/").status_code == 200


# ------------------------------------------------------------------ the amr rule


@pytest.mark.parametrize("has_device", [False, True])
def test_amr_without_mfa_falls_back_to_our_security_code(client, staff, sso, provider, has_device):
    if has_device:
        TOTPDeviceFactory(user=staff)
    provider.says(email=staff.email, amr=["pwd"])
    response = sign_in_with_council_account(client, provider, next_url="/people/")
    expected = "accounts:verify" if has_device else "accounts:setup_mfa"
    assert response["Location"] == reverse(expected)
    assert IDP_MFA_KEY not in client.session
    assert client.session["after_mfa"] == "/people/"
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")
    event = AuditEvent.objects.get(actor=staff, action=AuditEvent.Action.SIGN_IN)
    assert event.detail["second_factor"] == "authenticator_app"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({}, True),
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": "mfa"}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": []}, False),
    ],
)
def test_mfa_done_by_provider(claims, expected):
    assert oidc.mfa_done_by_provider(claims) is expected


def test_the_mark_counts_only_for_a_single_sign_on_session(client, staff, sso):
    # A password session cannot claim the provider's second factor.
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[IDP_MFA_KEY] = True
    session.save()
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")


# ------------------------------------------------------------------ refused


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "someone.else@council.example.org"},
        {"upn": "not-an-email-address"},
        {},
    ],
)
def test_unknown_account_is_refused_and_none_is_created(client, staff, sso, provider, claims):
    users = User.objects.count()
    provider.says(**claims)
    response = sign_in_with_council_account(client, provider)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:oidc_refused")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "There is no account on this service for your council account" in page.content.decode()
    assert User.objects.count() == users
    assert not page.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFUSED)
    assert event.actor is None
    assert event.detail == {"method": "council_account", "reason": "unknown"}


def test_demo_account_is_refused(client, db, sso, provider):
    demo = UserFactory(is_demo=True, roles=[Role.PRACTITIONER])
    provider.says(email=demo.email)
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")


def test_two_accounts_with_the_address_are_refused(client, staff, sso, provider):
    UserFactory(email=staff.email.upper())
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")


def test_disabled_account_is_refused(client, staff, sso, provider):
    staff.is_active = False
    staff.save()
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "Your account on this service has been disabled" in page.content.decode()
    assert staff.email.lower() not in page.content.decode().lower()
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFUSED)
    assert event.record_id == str(staff.pk)
    assert event.detail["reason"] == "disabled"
    assert client.get(reverse("core:home")).status_code == 302


def test_an_account_disabled_after_sign_in_is_signed_out(client, staff, sso, provider):
    provider.says(email=staff.email)
    sign_in_with_council_account(client, provider)
    assert client.get(reverse("core:home")).status_code == 200
    staff.is_active = False
    staff.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_token_for_another_application_is_refused(client, staff, sso, provider):
    provider.says(email=staff.email)
    provider.id_token_claims["aud"] = "another-client"
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")
    assert "could not sign you in" in client.get(response["Location"]).content.decode()


def test_user_information_about_someone_else_is_refused(client, staff, sso, provider):
    provider.says(email=staff.email)
    provider.userinfo["sub"] = "subject-2"
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")


def test_wrong_nonce_is_refused(client, staff, sso, provider):
    provider.says(email=staff.email)
    provider.id_token_claims["nonce"] = "replayed"
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


def test_cancelled_or_unknown_state_is_refused_not_an_error(client, staff, sso):
    callback = reverse("accounts:oidc_callback")
    response = client.get(callback, {"error": "access_denied", "state": "s"})
    assert response["Location"] == reverse("accounts:oidc_refused")
    client.get(reverse("accounts:oidc_start"))
    response = client.get(callback, {"code": "c", "state": "not-the-state"})
    assert response["Location"] == reverse("accounts:oidc_refused")


def test_the_provider_unreachable_is_refused_not_an_error(
    client, staff, sso, provider, monkeypatch
):
    import requests

    def unreachable(_self, payload):
        raise requests.ConnectionError("no route")

    monkeypatch.setattr(oidc.CouncilAccountBackend, "get_token", unreachable)
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("accounts:oidc_refused")


# ------------------------------------------------------------------ lockout, sessions, passwords


def test_a_locked_account_is_refused(client, staff, sso, provider, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": staff.username, "password": "wrong"})
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_refusals_do_not_lock_out_the_office(client, staff, sso, provider, settings):
    # Everyone in a council office may share one address: people without an account must not
    # lock out those with one.
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        provider.says(email="no.account@council.example.org")
        sign_in_with_council_account(client, provider)
    provider.says(email=staff.email)
    response = sign_in_with_council_account(client, provider)
    assert response["Location"] == reverse("core:home")


def test_session_limits_apply(client, staff, sso, provider):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as traveller:
        provider.says(email=staff.email)
        sign_in_with_council_account(client, provider)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_password_sign_in_is_unchanged_when_configured(client, staff, sso):
    response = client.post(
        reverse("accounts:login"), {"username": staff.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:setup_mfa")
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")


def test_the_backend_ignores_a_password_sign_in(rf, staff, sso):
    request = rf.get("/", {"code": "c", "state": "s"})
    backend = oidc.CouncilAccountBackend()
    assert backend.authenticate(request, username=staff.username, password=TEST_PASSWORD) is None


def test_the_backend_never_creates_accounts(sso):
    from django.core.exceptions import SuspiciousOperation

    with pytest.raises(SuspiciousOperation):
        oidc.CouncilAccountBackend().create_user({"email": "new@council.example.org"})
