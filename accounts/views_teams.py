"""Team pages for system administrators (accounts.manage_teams): thin; the rules are in
accounts.services and the reads in accounts.selectors."""

from functools import wraps

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms_teams import TeamForm, TeamManagersForm
from accounts.views_tokens import verified_session_required
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from core.models import Team


def manage_teams_required(view):
    """Someone who may manage teams (403 for anyone else). Below ``verified_session_required``
    and the allowed methods: sign in first, then 405, then 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.has_perm("accounts.manage_teams", request.user):
            raise PermissionDenied("Only system administrators manage teams")
        return view(request, *args, **kwargs)

    return wrapped


def _context(**extra) -> dict:
    return {"nav_section": "configuration", **extra}


@verified_session_required
@require_http_methods(["GET"])
@manage_teams_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = list(selectors.teams_for(request.user))
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=Team._meta.label_lower,
        detail={"count": len(teams)},
    )
    return render(request, "accounts/teams/list.html", _context(teams=teams))


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_teams_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, submit_label="Add team")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(
                actor=request.user, name=data["name"], agency=data["agency"], area=data["area"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The team has been added. Now choose who manages it")
            return redirect("accounts:team_detail", team_id=team.pk)
    return render(request, "accounts/teams/create.html", _context(form=form))


@verified_session_required
@require_http_methods(["GET"])
@manage_teams_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_for(request.user, team_id=team_id)
    audit_record(actor=request.user, action=Action.VIEW, target=team)
    return render(
        request,
        "accounts/teams/detail.html",
        _context(
            team=team,
            members=list(selectors.team_members_of(team)),
            changes=list(selectors.team_changes_of(team)),
        ),
    )


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_teams_required
def team_change(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_for(request.user, team_id=team_id)
    initial = {
        "version": selectors.team_version(team),
        "name": team.name,
        "agency": team.agency,
        "area": team.area,
    }
    form = TeamForm(request.POST or None, initial=initial, submit_label="Save changes")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_change(
                actor=request.user,
                team=team,
                expected_version=data["version"],
                name=data["name"],
                agency=data["agency"],
                area=data["area"],
            )
        except StaleVersionError as error:
            form = _again(TeamForm, request, initial, error, submit_label="Save changes")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The team has been changed")
            return redirect("accounts:team_detail", team_id=team.pk)
    return render(request, "accounts/teams/change.html", _context(team=team, form=form))


@verified_session_required
@require_http_methods(["GET", "POST"])
@manage_teams_required
def team_managers(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_for(request.user, team_id=team_id)
    initial = {"version": selectors.team_version(team), "managers": list(team.managers.all())}
    form = TeamManagersForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_managers_set(
                actor=request.user,
                team=team,
                expected_version=form.cleaned_data["version"],
                managers=form.cleaned_data["managers"],
            )
        except StaleVersionError as error:
            form = _again(TeamManagersForm, request, initial, error, team=team)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The team's managers have been saved")
            return redirect("accounts:team_detail", team_id=team.pk)
    return render(request, "accounts/teams/managers.html", _context(team=team, form=form))


def _again(form_class, request, initial, error, **kwargs):
    """The form as typed, with the version as it is now: the next save compares with that."""
    posted = request.POST.copy()
    posted["version"] = initial["version"]
    form = form_class(posted, initial=initial, **kwargs)
    form.is_valid()
    form.add_error(None, error.messages)
    return form
