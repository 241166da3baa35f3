"""Staff account pages for system administrators (accounts.manage_staff): thin; the rules are in
accounts.services and the reads in accounts.selectors."""

from functools import wraps

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms_staff import ReasonForm, StaffChangeForm, StaffCreateForm, StaffSearchForm
from accounts.models import User
from accounts.views_tokens import verified_session_required
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors

PAGE_SIZE = 50


def manage_staff_required(view):
    """Someone who may manage staff accounts (403 for anyone else). Below
    ``verified_session_required`` and the allowed methods: sign in first, then 405, then 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.has_perm("accounts.manage_staff", request.user):
            raise PermissionDenied("Only system administrators manage staff accounts")
        return view(request, *args, **kwargs)

    return wrapped


def _context(**extra) -> dict:
    return {"nav_section": "configuration", **extra}


@verified_session_required
@require_http_methods(["GET"])
@manage_staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    search = StaffSearchForm(request.GET or None)
    words = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.staff_for(request.user, search=words), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        actor=request.user,
        action=Action.SEARCH if words else Action.VIEW,
        target=User._meta.label_lower,
        detail={"count": page.paginator.count, "page": page.number},
    )
    return render(
        request,
        "accounts/staff/list.html",
        _context(page=page, members=list(page.object_list), search=search, q=words),
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                agency=data["agency"],
                team=data["team"],
                roles=data["roles"],
                managed_teams=data["managed_teams"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown on this response only (never cached): the database keeps just its hash.
            return render(
                request,
                "accounts/staff/created.html",
                _context(member=created.user, temporary_password=created.temporary_password),
            )
    return render(request, "accounts/staff/create.html", _context(form=form))


@verified_session_required
@require_http_methods(["GET"])
@manage_staff_required
def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    member = selectors.staff_member_for(request.user, user_id=user_id)
    audit_record(actor=request.user, action=Action.VIEW, target=member)
    return render(
        request,
        "accounts/staff/detail.html",
        _context(
            member=member,
            changes=list(selectors.staff_changes_of(member)),
            has_authenticator=selectors.has_mfa_device(member),
            is_self=member.pk == request.user.pk,
        ),
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_change(request: HttpRequest, user_id: int) -> HttpResponse:
    member = selectors.staff_member_for(request.user, user_id=user_id)
    initial = {
        "version": selectors.staff_version(member),
        "agency": member.agency,
        "team": member.team,
        "roles": sorted(member.roles),
        "managed_teams": list(member.managed_teams.all()),
    }
    form = StaffChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_change(
                actor=request.user,
                user=member,
                expected_version=data["version"],
                agency=data["agency"],
                team=data["team"],
                roles=data["roles"],
                managed_teams=data["managed_teams"],
            )
        except StaleVersionError as error:
            # Keep what was typed; the next save compares with the account as it is now.
            posted = request.POST.copy()
            posted["version"] = initial["version"]
            form = StaffChangeForm(posted, initial=initial)
            form.is_valid()
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The account has been changed")
            return redirect("accounts:staff_detail", user_id=member.pk)
    return render(request, "accounts/staff/change.html", _context(member=member, form=form))


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    return _reason_action(
        request,
        user_id,
        service=services.user_disable,
        label="Why are you disabling this account?",
        submit_label="Disable account",
        template="accounts/staff/disable.html",
        done="The account has been disabled, its sessions ended and its API tokens revoked",
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_enable(request: HttpRequest, user_id: int) -> HttpResponse:
    return _reason_action(
        request,
        user_id,
        service=services.user_enable,
        label="Why are you enabling this account again?",
        submit_label="Enable account",
        template="accounts/staff/enable.html",
        done="The account has been enabled",
        warning=False,
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_authenticator_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    return _reason_action(
        request,
        user_id,
        service=services.user_authenticator_reset,
        label="Why are you resetting their authenticator?",
        submit_label="Reset authenticator",
        template="accounts/staff/authenticator_reset.html",
        done="Their authenticator has been reset: they set up a new one when they next sign in",
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_staff_required
def staff_temporary_password(request: HttpRequest, user_id: int) -> HttpResponse:
    member = selectors.staff_member_for(request.user, user_id=user_id)
    form = ReasonForm(
        request.POST or None,
        label="Why are you setting a temporary password?",
        submit_label="Set a temporary password",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.user_temporary_password_set(
                actor=request.user, user=member, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown on this response only (never cached): the database keeps just its hash.
            return render(
                request,
                "accounts/staff/temporary_password_set.html",
                _context(member=issued.user, temporary_password=issued.temporary_password),
            )
    return render(
        request, "accounts/staff/temporary_password.html", _context(member=member, form=form)
    )


def _reason_action(
    request, user_id, *, service, label, submit_label, template, done, warning=True
) -> HttpResponse:
    member = selectors.staff_member_for(request.user, user_id=user_id)
    form = ReasonForm(request.POST or None, label=label, submit_label=submit_label, warning=warning)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, user=member, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("accounts:staff_detail", user_id=member.pk)
    return render(request, template, _context(member=member, form=form))
