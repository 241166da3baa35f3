"""The radar's pages: the radar (a manager's teams by worker, a lead professional's families), a
flag with its history, acknowledging a flag, and running the radar now.

Flags come only from radar.selectors, so one outside the user's radar is a 404. Reading the radar
or a flag reads families' records, so each page writes one view audit event; changes go through
radar.services, which audit themselves.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from radar import presenters, selectors, services
from radar.forms import AcknowledgeForm
from radar.models import RadarFlag
from radar.reasons import reasons

NAV_SECTION = "radar"
FLAG_LABEL = "radar.radarflag"
STALE = "The flag changed since you opened this page (the radar updated its facts): check it and try again"


def _team_id(request: HttpRequest, teams) -> int | None:
    """The team filter, when it names one of the user's teams (anything else shows all)."""
    value = request.GET.get("team", "")
    if value.isdigit() and int(value) in {team.pk for team in teams}:
        return int(value)
    return None


@login_required
@require_GET
def radar(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("radar.view_radar", user):
        raise PermissionDenied
    teams = selectors.teams_to_filter(user)
    team_id = _team_id(request, teams)
    flags = list(selectors.open_flags_for(user, team_id=team_id))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=FLAG_LABEL,
        detail={"page": "radar", "count": len(flags), "team": team_id},
    )
    return render(
        request,
        "radar/radar.html",
        {
            "nav_section": NAV_SECTION,
            "groups": presenters.grouped(flags, clock.today()),
            "count": len(flags),
            "teams": teams,
            "team_id": team_id,
            "can_run": rules.has_perm("radar.run", user),
            "rules": selectors.rules_in_force(),
        },
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("radar.run", request.user):
        raise PermissionDenied
    counts = services.radar_run(today=clock.today(), actor=request.user)
    messages.success(
        request,
        f"The radar has run: {counts['raised']} raised, {counts['updated']} updated, "
        f"{counts['cleared']} cleared",
    )
    return redirect("radar:radar")


@login_required
@require_GET
def flag_detail(request: HttpRequest, flag_id) -> HttpResponse:
    user = request.user
    flag = selectors.get_flag(user, flag_id)
    audit_record(actor=user, action=Action.VIEW, target=flag, detail={"page": "radar_flag"})
    return render(
        request,
        "radar/flag.html",
        {
            "nav_section": NAV_SECTION,
            "flag": flag,
            "row": presenters.row(flag, clock.today()),
            "history": selectors.flag_history(flag),
            "can_acknowledge": services.WORKFLOW.can_move(
                flag.status, RadarFlag.Status.ACKNOWLEDGED
            )
            and rules.has_perm("radar.acknowledge_flag", user, flag),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_acknowledge(request: HttpRequest, flag_id) -> HttpResponse:
    user = request.user
    flag = selectors.get_flag(user, flag_id)
    if not rules.has_perm("radar.acknowledge_flag", user, flag):
        raise PermissionDenied
    detail_url = reverse("radar:flag_detail", kwargs={"flag_id": flag.pk})
    if request.method == "POST":
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                services.radar_flag_acknowledge(
                    actor=user,
                    flag=flag,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Flag acknowledged")
                return redirect(detail_url)
    else:
        form = AcknowledgeForm(initial={"version": flag.version})
        audit_record(
            actor=user, action=Action.VIEW, target=flag, detail={"page": "radar_acknowledge"}
        )
    return render(
        request,
        "radar/acknowledge.html",
        {
            "nav_section": NAV_SECTION,
            "flag": flag,
            "reasons": reasons(flag, clock.today()),
            "form": form,
            "back_url": detail_url,
        },
    )
