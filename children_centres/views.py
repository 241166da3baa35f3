"""Children's centre pages: the reach table (per area and centre, for a period, with a CSV
download), a centre's page (its figures and registered children), a child's page (their
registrations and contacts) with the forms to register, record a contact and end a registration,
and the page where the council loads the under-fives population.

Children come only from ``people.selectors`` (out of scope: 404); every page that names a child,
and the CSV download, writes an audit row. Writes go through ``children_centres.services``.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from children_centres import selectors, services
from children_centres.forms import (
    ContactForm,
    EndForm,
    PeriodForm,
    PopulationForm,
    RegistrationForm,
)
from core import clock
from core.audit import Action, audit_record
from core.forms import add_service_errors
from core.spreadsheets import Column, as_csv
from people.selectors import get_person

NAV_SECTION = "children_centres"
VIEW = "children_centres.view_reach"
RECORD = "children_centres.record"
LOAD = "children_centres.load_population"
RECORD_TYPE = "children_centres.centreregistration"


def _require(perm: str, user) -> None:
    if not rules.has_perm(perm, user):
        raise PermissionDenied


def _period_form(request) -> PeriodForm:
    form = PeriodForm(request.GET or None, today=clock.today())
    if form.is_bound:
        form.is_valid()
    return form


def _child_url(person_id) -> str:
    return reverse("children_centres:child", kwargs={"person_id": person_id})


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(VIEW, user)
    form = _period_form(request)
    table = selectors.reach_table(period=form.period(), today=clock.today())
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=RECORD_TYPE,
        detail={"page": "reach", "rows": len(table.rows)},
    )
    return render(
        request,
        "children_centres/index.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "table": table,
            "query": form.query(),
            "can_load": rules.has_perm(LOAD, user),
        },
    )


CSV_COLUMNS = (
    Column("area", "Area", 30),
    Column("centre", "Centre", 40),
    Column("population", "Under-fives population", 12),
    Column("population_source", "Population from", 16),
    Column("registered", "Registered under-fives", 12),
    Column("registered_percent", "Registered %", 10),
    Column("reached", "Reached under-fives", 12),
    Column("reached_percent", "Reached %", 10),
    Column("reached_of_registered", "Reached as % of registered", 10),
)
SOURCES = {"centre": "centre", "area": "area figure", "sum": "sum of centres", "": "not loaded"}


def _csv_safe(text: str) -> str:
    """A spreadsheet must not read a name as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_GET
def reach_csv(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(VIEW, user)
    form = _period_form(request)
    period = form.period()
    table = selectors.reach_table(period=period, today=clock.today())
    rows = [
        {
            "area": _csv_safe(row.area.name if row.area else "All areas"),
            "centre": _csv_safe(row.centre.name) if row.centre else "",
            "population": row.population,
            "population_source": SOURCES[row.population_source],
            "registered": row.registered.shown,
            "registered_percent": row.registered_percent,
            "reached": row.reached.shown,
            "reached_percent": row.reached_percent,
            "reached_of_registered": row.reached_of_registered,
        }
        for row in table.rows
    ]
    audit_record(
        actor=user,
        action=Action.EXPORT,
        target=RECORD_TYPE,
        detail={"page": "reach_csv", "rows": len(rows)},
    )
    response = HttpResponse(as_csv(CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    name = f"childrens-centre-reach-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def centre(request: HttpRequest, site_id: int) -> HttpResponse:
    user = request.user
    _require(VIEW, user)
    site = selectors.get_centre(site_id)
    form = _period_form(request)
    today = clock.today()
    table = selectors.reach_table(period=form.period(), today=today, only_centre=site)
    named, others = selectors.centre_children(user, site, today=today)
    settings = selectors.centre_settings()
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=RECORD_TYPE,
        detail={"page": "centre", "centre": site.pk, "named": len(named), "others": others},
    )
    return render(
        request,
        "children_centres/centre.html",
        {
            "nav_section": NAV_SECTION,
            "centre": site,
            "form": form,
            "table": table,
            "row": table.rows[0],
            "named": named,
            "others": others,
            "others_shown": (
                f"Fewer than {settings.small_number}"
                if 0 < others < settings.small_number
                else f"{others:,}"
            ),
            "query": form.query(),
            "can_record": rules.has_perm(RECORD, user),
        },
    )


def _child(request, person_id):
    """The child (in scope: else 404), for a reader of the figures (else 403)."""
    person = get_person(request.user, person_id)
    _require(VIEW, request.user)
    return person


@login_required
@require_GET
def child(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = _child(request, person_id)
    settings = selectors.centre_settings()
    names = selectors.kind_names(settings)
    counting = set(selectors.counting_kinds(settings))
    contacts = [
        (c, names.get(c.kind, c.kind), c.kind in counting) for c in selectors.child_contacts(person)
    ]
    audit_record(actor=user, action=Action.VIEW, target=person, detail={"page": "children_centres"})
    return render(
        request,
        "children_centres/child.html",
        {
            "nav_section": NAV_SECTION,
            "person": person,
            "registrations": selectors.child_registrations(person),
            "contacts": contacts,
            "can_record": rules.has_perm(RECORD, user),
        },
    )


def _recorder_child(request, person_id):
    person = get_person(request.user, person_id)
    _require(RECORD, request.user)
    return person


def _initial_centre(request, centres) -> dict:
    wanted = request.GET.get("centre", "")
    ids = {str(c.pk) for c in centres}
    return {"centre": wanted} if wanted in ids else {}


def _form_page(request, *, person, form, title, button, page):
    audit_record(actor=request.user, action=Action.VIEW, target=person, detail={"page": page})
    return render(
        request,
        "children_centres/form.html",
        {
            "nav_section": NAV_SECTION,
            "person": person,
            "form": form,
            "title": title,
            "button": button,
            "back_url": _child_url(person.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = _recorder_child(request, person_id)
    centres = list(selectors.centres())
    form = RegistrationForm(
        request.POST or None, centres=centres, initial=_initial_centre(request, centres)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_registration_add(
                actor=user,
                child=person,
                centre=form.chosen_centre(),
                registered_on=form.cleaned_data["registered_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Child registered at the children's centre")
            return redirect(_child_url(person.pk))
    return _form_page(
        request,
        person=person,
        form=form,
        title="Register a child at a children's centre",
        button="Register",
        page="centre_register",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = _recorder_child(request, person_id)
    centres = list(selectors.centres())
    kinds = selectors.contact_kinds(selectors.centre_settings())
    form = ContactForm(
        request.POST or None,
        centres=centres,
        kinds=kinds,
        initial=_initial_centre(request, centres),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.reach_contact_record(
                actor=user,
                child=person,
                centre=form.chosen_centre(),
                seen_on=d["seen_on"],
                kind=d["kind"],
                note=d["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contact recorded")
            return redirect(_child_url(person.pk))
    return _form_page(
        request,
        person=person,
        form=form,
        title="Record a children's centre contact",
        button="Save the contact",
        page="centre_contact",
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_end(request: HttpRequest, registration_id: int) -> HttpResponse:
    user = request.user
    registration = selectors.get_registration(user, registration_id)
    person = registration.child
    _require(RECORD, user)
    if registration.ended_on is not None:
        messages.info(request, "This registration has already ended")
        return redirect(_child_url(person.pk))
    form = EndForm(request.POST or None, initial={"version": registration.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.centre_registration_end(
                actor=user,
                registration=registration,
                ended_on=d["ended_on"],
                reason=d["reason"],
                expected_version=d["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Registration ended")
            return redirect(_child_url(person.pk))
    return _form_page(
        request,
        person=person,
        form=form,
        title=f"End the registration at {registration.centre.name}",
        button="End the registration",
        page="centre_registration_end",
    )


@login_required
@require_http_methods(["GET", "POST"])
def population(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(LOAD, user)
    form = PopulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.read_population_csv(form.cleaned_data["file"])
            result = services.under_fives_load(actor=user, rows=rows)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            years = ", ".join(str(y) for y in result.years)
            messages.success(
                request,
                f"Loaded {result.centres} centre and {result.areas} area figures for {years}",
            )
            return redirect(reverse("children_centres:population"))
    return render(
        request,
        "children_centres/population.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "years": selectors.population_years(),
        },
    )
