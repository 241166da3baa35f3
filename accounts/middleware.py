import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from accounts import kept_answers
from accounts.api_auth import TOKEN_USE_ATTR, record_token_use
from accounts.mfa import (
    is_mfa_satisfied,
    signed_in_by_council_account,
    verified_by_identity_provider,
)
from core.models import AuditEvent

# Pages a signed-in but not yet verified user may reach.
_UNVERIFIED_ALLOWED = ("/accounts/", "/static/", "/healthz", "/readyz", "/api/")


# Requests the browser makes by itself, which are not someone using the service. They must not
# write the session either: each write saves the whole session, and the favicon's request, which
# overlaps the page's next one, would put back what that one changed (such as the security code
# just given, leaving the session unverified).
UNTIMED_PATHS = ("/static/", "/favicon.ico")


class SessionLimitsMiddleware:
    """Signs staff out after 30 minutes idle or 10 hours in all, whatever they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_signed_in = request.user.is_authenticated
        if was_signed_in and not request.path.startswith(UNTIMED_PATHS):
            now = time.time()
            started = request.session.setdefault("session_started", now)
            last_seen = request.session.get("last_seen", now)
            expired_reason = None
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                expired_reason = (
                    "You have been signed out because you have been signed in for 10 hours."
                )
            elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                expired_reason = (
                    "You have been signed out because you were inactive for 30 minutes."
                )
            if expired_reason:
                # Whatever they were saving is kept (never for /api/), to offer back after sign-in.
                user_id = request.user.pk
                fields = None
                if request.method == "POST" and not request.path.startswith("/api/"):
                    fields = kept_answers.capture_fields(request)
                    if fields is not None and not kept_answers.csrf_ok(request):
                        fields = None
                logout(request)
                if fields is not None:
                    kept_answers.keep(request, fields, user_id=user_id)
                    expired_reason += " We have kept what you typed. Sign in again to save it."
                messages.info(request, expired_reason)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(reverse("accounts:login"))
            request.session["last_seen"] = now
            if request.method == "POST":
                kept_answers.resumed(request)
        response = self.get_response(request)
        if not was_signed_in and request.method == "POST" and _is_sign_in_redirect(response):
            # A form posted to a page that needs signing in: keep it the same way.
            kept_answers.keep_from_request(request)
        return response


def _is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response.get("Location", "")).path == kept_answers.login_path()


class RequireVerifiedStaffMiddleware:
    """Staff who have given a password but not a second factor can only finish signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and verified_by_identity_provider(request):
            # django_otp's is_verified() looks for one of our devices; the council's provider
            # gave the second factor instead (ADR 0021), so it answers yes for this request.
            user.is_verified = lambda: True
        if (
            user.is_authenticated
            and not is_mfa_satisfied(request)
            and not request.path.startswith(_UNVERIFIED_ALLOWED)
        ):
            return redirect(reverse("accounts:verify"))
        return self.get_response(request)


class RequirePasswordChangeMiddleware:
    """Staff signed in with a temporary password (``User.must_change_password``) choose their own
    once they have given their security code, before anything else: every page but the password
    page and signing out sends them there. The API ignores such a session
    (``accounts.api_auth.VerifiedSessionAuthentication``); API tokens are not affected."""

    ALLOWED = (*UNTIMED_PATHS, "/healthz", "/readyz", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and is_mfa_satisfied(request)
            and not signed_in_by_council_account(request)
            and not request.path.startswith(self.ALLOWED)
            and request.path
            not in (reverse("accounts:password_change"), reverse("accounts:logout"))
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


class ApiTokenUseAuditMiddleware:
    """Every request made with an API token leaves exactly one audit event (ADR 0011).

    The event is written in the request's transaction by AuditedTokenAuthentication. When the
    answer is an error, DRF (or the exception) rolls that transaction back and the event with it,
    so it is written again here, after the transaction, naming the status.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        use = getattr(request, TOKEN_USE_ATTR, None)
        rolled_back = (
            use is not None
            and response.status_code >= 400
            and not AuditEvent.objects.filter(pk=use.event_id).exists()
        )
        if rolled_back:
            with transaction.atomic():
                record_token_use(user=use.user, token_id=use.token_id, status=response.status_code)
        return response
