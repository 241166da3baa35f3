"""API token pages: a member of staff's own tokens, and every token for system administrators."""

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import ApiTokenForm
from accounts.mfa import is_mfa_satisfied
from accounts.models import ApiToken
from core.audit import Action, audit_record


def verified_session_required(view):
    """Tokens are made and managed only from a session that has given its second factor.

    /accounts/ pages are open to a session still on its password alone (so it can finish
    signing in), so this is checked here rather than by RequireVerifiedStaffMiddleware.
    """

    @wraps(view)
    @login_required
    @never_cache
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_mfa_satisfied(request):
            raise PermissionDenied("Enter your security code before managing API tokens")
        return view(request, *args, **kwargs)

    return wrapped


@verified_session_required
@require_http_methods(["GET"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    context = {
        "tokens": selectors.api_tokens_of(request.user),
        "can_list_all": rules.has_perm("accounts.list_all_api_tokens", request.user),
    }
    return render(request, "accounts/api_tokens/list.html", context)


@verified_session_required
@require_http_methods(["GET", "POST"])
def api_token_create(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("accounts.create_api_token", request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            # Shown on this response only (never_cache): the database keeps just its digest.
            context = {"token": issued.token, "raw_token": issued.raw}
            return render(request, "accounts/api_tokens/created.html", context)
    return render(request, "accounts/api_tokens/create.html", {"form": form})


@verified_session_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_tokens_all().filter(pk=token_id).first()
    # Someone else's token is "not found", exactly like one that does not exist.
    if token is None or not rules.has_perm("accounts.revoke_api_token", request.user, token):
        raise Http404
    own = token.user_id == request.user.pk
    if request.method == "POST":
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, f"The API token “{token.name}” has been revoked")
        return redirect("accounts:api_tokens" if own else "accounts:api_tokens_all")
    return render(request, "accounts/api_tokens/revoke.html", {"token": token, "own": own})


@verified_session_required
@require_http_methods(["GET"])
def api_tokens_all(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("accounts.list_all_api_tokens", request.user):
        raise PermissionDenied
    tokens = list(selectors.api_tokens_all())
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=ApiToken._meta.label_lower,
        detail={"count": len(tokens)},
    )
    return render(
        request,
        "accounts/api_tokens/all.html",
        {"tokens": tokens, "nav_section": "configuration"},
    )
