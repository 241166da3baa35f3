"""Single sign-on with the council's account, through OpenID Connect (ADR 0021).

mozilla-django-oidc does the protocol: the redirect to the provider (Microsoft Entra ID) with
state, nonce and PKCE, the code exchange, and the ID token's signature against the provider's
keys. This module decides who may come in, and how:

* off unless configured: every page here is 404 and the sign-in page has no button;
* accounts are never created: the token's email address must match one active, non-demo
  account an administrator made (case-insensitively); anyone else is refused, with a page that
  says why and nothing personal in the address or the logs;
* the provider's second factor counts for ours (``accounts.mfa``), unless its ``amr`` claim
  says none was given: then the person gives our security code, as after a password;
* the account's lockout, the session limits and the sign-in audit apply as for a password.
"""

import logging

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import kept_answers, selectors
from accounts.mfa import IDP_MFA_KEY
from core.audit import Action, audit_record

logger = logging.getLogger(__name__)

REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
# Where Entra ID may put the address: `email` (an optional claim), else the sign-in name.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")

# Set on the request by the backend for the callback view; never in the address.
REFUSAL_ATTR = "council_sign_in_refusal"
REFUSED_USER_ATTR = "council_sign_in_refused_user"
MFA_ATTR = "council_sign_in_mfa"
# The reason shown on the refusal page, carried in the session across the redirect.
REFUSAL_KEY = "council_sign_in_refusal"


class Refusal:
    FAILED = "failed"
    UNKNOWN = "unknown"
    DISABLED = "disabled"
    LOCKED = "locked"


def enabled() -> bool:
    """Single sign-on is on: every setting is given and the backend is installed."""
    return settings.OIDC_BACKEND in settings.AUTHENTICATION_BACKENDS and all(
        getattr(settings, name, "") for name in REQUIRED_SETTINGS
    )


def axes_ignores_code_exchange(request, credentials) -> bool:
    """django-axes' whitelist: the callback's code exchange (it alone passes a nonce).

    Refusing people without an account must not count as failed passwords from their address,
    which a whole council office may share; the backend refuses a locked account itself.
    """
    return bool(credentials) and "nonce" in credentials


def email_from_claims(claims: dict) -> str | None:
    for name in EMAIL_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return None


def mfa_done_by_provider(claims: dict) -> bool:
    """The provider gave a second factor: its `amr` claim says "mfa", or it says nothing.

    Entra ID leaves `amr` out of v2.0 ID tokens; there the council's Conditional Access policy
    requiring MFA for this application is what is relied on (ADR 0021).
    """
    amr = claims.get("amr")
    if amr is None:
        return True
    if isinstance(amr, str):
        amr = [amr]
    return "mfa" in amr


def _audience_ok(payload: dict) -> bool:
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    return settings.OIDC_RP_CLIENT_ID in audiences


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """Signs in the existing account whose email address the council's provider vouches for."""

    def authenticate(self, request, **kwargs):
        # Only the callback's code exchange (it passes the nonce); a password sign-in is not ours.
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        if not _audience_ok(payload):
            return self._refuse(Refusal.FAILED)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") and payload.get("sub") and userinfo["sub"] != payload["sub"]:
            return self._refuse(Refusal.FAILED)
        # The signed ID token wins over the user information where both say something.
        claims = {**userinfo, **payload}
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            return self._refuse(Refusal.UNKNOWN)
        user = users[0]
        if not user.is_active:
            return self._refuse(Refusal.DISABLED, user)
        if AxesProxyHandler.is_locked(self.request, credentials={"username": user.get_username()}):
            return self._refuse(Refusal.LOCKED, user)
        setattr(self.request, MFA_ATTR, mfa_done_by_provider(claims))
        return user

    def filter_users_by_claims(self, claims):
        email = email_from_claims(claims)
        if not email:
            return self.UserModel.objects.none()
        # Demo accounts are never signed in this way: an administrator made every account that is.
        return self.UserModel.objects.filter(email__iexact=email, is_demo=False)

    def create_user(self, claims):
        raise SuspiciousOperation("Single sign-on never creates accounts")

    def describe_user_by_claims(self, claims):
        # The library logs this; an email address is personal data.
        return "the claims given"

    def get_user(self, user_id):
        # Django's own rule, not the library's: a disabled account's session ends at once.
        return ModelBackend.get_user(self, user_id)

    def _refuse(self, reason: str, user=None):
        setattr(self.request, REFUSAL_ATTR, reason)
        setattr(self.request, REFUSED_USER_ATTR, user)
        return None


class CouncilSignInStart(OIDCAuthenticationRequestView):
    """Sends the browser to the council's provider (with state, nonce and PKCE)."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CouncilSignInCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs in, or says why not."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as exc:
            # The exception's name only: its message may quote the provider's answer.
            logger.warning("Council account sign-in failed: %s", type(exc).__name__)
            return self.login_failure()

    def login_failure(self):
        request = self.request
        reason = getattr(request, REFUSAL_ATTR, Refusal.FAILED)
        refused_user = getattr(request, REFUSED_USER_ATTR, None)
        if reason != Refusal.FAILED:
            audit_record(
                actor=None,
                action=Action.REFUSED,
                target=refused_user if refused_user is not None else "accounts.user",
                detail={"method": "council_account", "reason": reason},
            )
        if reason == Refusal.LOCKED:
            return render(request, "accounts/locked_out.html", status=429)
        request.session[REFUSAL_KEY] = reason
        return redirect("accounts:oidc_refused")

    def login_success(self):
        request, user = self.request, self.user
        # Always a fresh login (a new session key), even over a half-finished password sign-in.
        auth.login(request, user)
        kept_answers.claim_for(request, user)
        by_provider = bool(getattr(request, MFA_ATTR, False))
        audit_record(
            actor=user,
            action=Action.SIGN_IN,
            target=user,
            detail={
                "method": "council_account",
                "second_factor": "council_account" if by_provider else "authenticator_app",
            },
        )
        next_url = request.session.pop("oidc_login_next", None)
        if by_provider:
            request.session[IDP_MFA_KEY] = True
            if kept_answers.pending_for(request) is not None:
                return redirect("accounts:resume")
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        # The provider says it asked for no second factor: ours is asked for, as after a password.
        if next_url:
            request.session["after_mfa"] = next_url
        has_device = selectors.has_mfa_device(user)
        return redirect("accounts:verify" if has_device else "accounts:setup_mfa")


@require_GET
def council_sign_in_refused(request: HttpRequest) -> HttpResponse:
    if not enabled():
        raise Http404
    reason = request.session.pop(REFUSAL_KEY, Refusal.FAILED)
    return render(request, "accounts/oidc_refused.html", {"reason": reason}, status=403)
