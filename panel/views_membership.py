"""Setting a panel up: adding a panel and changing its settings, its seats, the members and
substitutes who sit in them (and moving them to another panel), the chair and the deputy. For the
council's system administrators and business support (``panel.manage_membership`` in
``panel.rules``); anyone else gets 403. Each change is one of
``panel.services.membership``'s services; these views only read the form and show the answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import selectors as core_selectors
from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from panel import selectors, services
from panel.forms import (
    ChairForm,
    PanelSettingsForm,
    SeatAddForm,
    SeatMemberAddForm,
    SeatMemberMoveForm,
)
from panel.views import _require


def _panel(request: HttpRequest, panel_id: int):
    """The panel (404 if there is none), then the role (403), before any form is read."""
    user = request.user
    _require("panel.view_panels", user)
    panel = selectors.get_panel(user, panel_id)
    _require("panel.manage_membership", user, panel)
    return panel


def seats_url(panel) -> str:
    return reverse("panel:panel_seats", kwargs={"panel_id": panel.pk})


def _form_page(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, {**context, "nav_section": "panel"})


@login_required
@require_GET
def panel_seats(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    return _form_page(request, "panel/membership/seats.html", {"panel": panel})


@login_required
@require_http_methods(["GET", "POST"])
def panel_seat_add(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    choices = selectors.seat_agency_choices(panel)
    form = SeatAddForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            services.panel_seat_add(actor=request.user, panel=panel, agency=agency)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Seat added for {agency.name}")
            return redirect(seats_url(panel))
    return _form_page(request, "panel/membership/seat_add.html", {"panel": panel, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def panel_seat_remove(request: HttpRequest, panel_id: int, seat_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    seat = selectors.get_seat(request.user, panel, seat_id)
    errors = []
    if request.method == "POST":
        try:
            services.panel_seat_remove(actor=request.user, seat=seat)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"Seat removed for {seat.agency.name}")
            return redirect(seats_url(panel))
    return _form_page(
        request,
        "panel/membership/seat_remove.html",
        {"panel": panel, "seat": seat, "errors": errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_seat_member_add(request: HttpRequest, panel_id: int, seat_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    seat = selectors.get_seat(request.user, panel, seat_id)
    choices = selectors.seat_member_choices(seat)
    form = SeatMemberAddForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        substitute = form.cleaned_data["kind"] == "substitute"
        try:
            services.panel_seat_member_add(
                actor=request.user,
                seat=seat,
                user=form.cleaned_data["user"],
                is_substitute=substitute,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            what = "Substitute" if substitute else "Member"
            messages.success(request, f"{what} added to the {seat.agency.name} seat")
            return redirect(seats_url(panel))
    return _form_page(
        request,
        "panel/membership/member_add.html",
        {"panel": panel, "seat": seat, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_seat_member_remove(
    request: HttpRequest, panel_id: int, seat_id: int, member_id: int
) -> HttpResponse:
    panel = _panel(request, panel_id)
    seat = selectors.get_seat(request.user, panel, seat_id)
    member = selectors.get_seat_member(request.user, seat, member_id)
    if request.method == "POST":
        services.panel_seat_member_remove(actor=request.user, member=member)
        what = "Substitute" if member.is_substitute else "Member"
        messages.success(request, f"{what} removed from the {seat.agency.name} seat")
        return redirect(seats_url(panel))
    return _form_page(
        request,
        "panel/membership/member_remove.html",
        {"panel": panel, "seat": seat, "member": member},
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_chair(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    choices = selectors.chair_choices()
    if request.method == "POST":
        form = ChairForm(request.POST, choices=choices)
    else:
        form = ChairForm(
            choices=choices, initial={"chair": panel.chair_id, "deputy": panel.deputy_id}
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_set_chair_and_deputy(
                actor=request.user,
                panel=panel,
                chair=form.cleaned_data["chair"],
                deputy=form.cleaned_data["deputy"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Chair and deputy saved")
            return redirect(seats_url(panel))
    return _form_page(request, "panel/membership/chair.html", {"panel": panel, "form": form})


# ---------------------------------------------------------------- adding a panel, its settings

SETTINGS = (
    "name",
    "area",
    "weekday",
    "first_meeting_date",
    "start_time",
    "end_time",
    "location",
    "cutoff_days",
    "publication_working_days",
    "quorum_members",
)


def _settings_initial(panel) -> dict:
    return {
        **{name: getattr(panel, name) for name in SETTINGS},
        "area": panel.area_id,
        "active": "yes" if panel.active else "no",
        "version": selectors.panel_settings_version(panel),
    }


def _settings_data(panel) -> dict:
    """The panel's settings as its form would send them back."""
    initial = _settings_initial(panel)
    day = panel.first_meeting_date
    return {
        **{name: "" if value is None else str(value) for name, value in initial.items()},
        "start_time": panel.start_time.strftime("%H:%M"),
        "end_time": panel.end_time.strftime("%H:%M"),
        "first_meeting_date_0": str(day.day),
        "first_meeting_date_1": str(day.month),
        "first_meeting_date_2": str(day.year),
    }


@login_required
@require_http_methods(["GET", "POST"])
def panel_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require("panel.view_panels", user)
    _require("panel.manage_membership", user)
    council = core_selectors.the_council()
    if council is None:
        raise Http404("No council is set up")
    form = PanelSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=selectors.panel_defaults(),
        areas=selectors.panel_area_choices(),
        submit="Add the panel",
    )
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_create(
                actor=user,
                council=council,
                **{name: form.cleaned_data[name] for name in SETTINGS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{panel.name} added: now add its seats, chair and deputy")
            return redirect(seats_url(panel))
    return _form_page(request, "panel/settings/add.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def panel_settings(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel(request, panel_id)
    areas = selectors.panel_area_choices()
    if request.method == "POST":
        form = PanelSettingsForm(request.POST, areas=areas, with_active=True)
    else:
        form = PanelSettingsForm(initial=_settings_initial(panel), areas=areas, with_active=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_change(
                actor=request.user,
                panel=panel,
                expected_version=data["version"] or "",
                active=data["active"],
                **{name: data[name] for name in SETTINGS},
            )
        except StaleVersionError as error:
            # Show what is saved now, so they make their changes again over it.
            panel = _panel(request, panel_id)
            form = PanelSettingsForm(_settings_data(panel), areas=areas, with_active=True)
            form.is_valid()
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Panel settings saved")
            return redirect("panel:panel_detail", panel_id=panel.pk)
    return _form_page(request, "panel/settings/change.html", {"panel": panel, "form": form})


# ---------------------------------------------------------------- moving a member to another panel


@login_required
@require_http_methods(["GET", "POST"])
def panel_seat_member_move(
    request: HttpRequest, panel_id: int, seat_id: int, member_id: int
) -> HttpResponse:
    panel = _panel(request, panel_id)
    seat = selectors.get_seat(request.user, panel, seat_id)
    member = selectors.get_seat_member(request.user, seat, member_id)
    offered = list(selectors.seat_move_choices(member))
    form = SeatMemberMoveForm(
        request.POST if request.method == "POST" else None,
        seats=selectors.seats_for(request.user),
        offered=offered,
    )
    if request.method == "POST" and form.is_valid():
        to_seat = form.cleaned_data["to_seat"]
        try:
            services.panel_seat_member_move(actor=request.user, member=member, to_seat=to_seat)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            what = "Substitute" if member.is_substitute else "Member"
            messages.success(request, f"{what} moved to {to_seat.panel.name}")
            return redirect(seats_url(panel))
    return _form_page(
        request,
        "panel/membership/member_move.html",
        {"panel": panel, "seat": seat, "member": member, "form": form, "offered": offered},
    )
