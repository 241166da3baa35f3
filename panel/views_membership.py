"""Setting a panel up: its seats, the members and substitutes who sit in them, the chair and the
deputy. For the council's system administrators and business support
(``panel.manage_membership`` in ``panel.rules``); anyone else gets 403. Each change is one of
``panel.services.membership``'s services; these views only read the form and show the answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from panel import selectors, services
from panel.forms import ChairForm, SeatAddForm, SeatMemberAddForm
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
