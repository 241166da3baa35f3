import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa import is_mfa_satisfied

# Pages a signed-in but not yet verified user may reach.
_UNVERIFIED_ALLOWED = ("/accounts/", "/static/", "/healthz", "/api/")


class SessionLimitsMiddleware:
    """Signs staff out after 30 minutes idle or 10 hours in all, whatever they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            started = request.session.setdefault("session_started", now)
            last_seen = request.session.get("last_seen", now)
            expired_reason = None
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                expired_reason = "You have been signed out because you have been signed in for 10 hours."
            elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                expired_reason = "You have been signed out because you were inactive for 30 minutes."
            if expired_reason:
                logout(request)
                messages.info(request, expired_reason)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(reverse("accounts:login"))
            request.session["last_seen"] = now
        return self.get_response(request)


class RequireVerifiedStaffMiddleware:
    """Staff who have given a password but not a second factor can only finish signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not is_mfa_satisfied(request)
            and not request.path.startswith(_UNVERIFIED_ALLOWED)
        ):
            return redirect(reverse("accounts:verify"))
        return self.get_response(request)
