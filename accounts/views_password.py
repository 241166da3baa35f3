"""Changing one's own password (every member of staff), including the change a temporary
password demands at first sign-in (accounts.middleware.RequirePasswordChangeMiddleware)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms_teams import PasswordChangeForm
from accounts.views import _signed_in_redirect
from accounts.views_tokens import verified_session_required
from core.forms import add_service_errors


@verified_session_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    required = request.user.must_change_password
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_password_change(
                actor=request.user,
                current_password=data["current_password"],
                new_password=data["new_password"],
                new_password_again=data["new_password_again"],
                keep_session=request.session.session_key,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # This session stays signed in (with a new key); every other one has ended.
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed")
            return _signed_in_redirect(request, "/")
    context = {
        "form": form,
        "required": required,
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "accounts/password_change.html", context)
