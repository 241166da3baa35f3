"""The staff pages that keep the directory (``/directory/``): services and their parts,
organisations, taxonomy terms, and importing an Open Referral UK 3.0 feed.

Thin: reads come from ``directory.selectors``, writes go through ``directory.services`` (and
``directory.importer``), which check the permission again. Directory records describe services,
not people, so reading them is not audited; every change is.
"""

from __future__ import annotations

import json
import secrets
import time
from functools import partial, wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from directory import selectors, services
from directory.forms_staff import (
    ADDING_FORMS,
    DAY_LABELS,
    PART_FORMS,
    STATUS_LABELS,
    SUBPART_FORMS,
    ImportForm,
    OrganizationForm,
    RemoveForm,
    SearchForm,
    ServiceForm,
    TermForm,
    TermsForm,
)
from directory.importer import oruk_import

PAGE_SIZE = 25
NAV_SECTION = "directory"
# The checked feed waits in the (server-side) session for the "Import" button, no longer.
IMPORT_SESSION_KEY = "directory_import"
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_KEEP_SECONDS = 30 * 60


def edit_required(view):
    """Someone who keeps the directory (403 for anyone else). Below ``login_required`` and the
    allowed methods: sign in first, then 405, then 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.has_perm("directory.edit", request.user):
            raise PermissionDenied("Only people who keep the directory may open this page")
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template, **context) -> HttpResponse:
    return render(request, f"directory/staff/{template}", {"nav_section": NAV_SECTION, **context})


def _service_or_404(service_id) -> object:
    service = selectors.service(str(service_id))
    if service is None:
        raise Http404
    return service


def _stale(form_class, request, version, *, error, **kwargs):
    """The form again with what was typed, carrying the version as it is now."""
    posted = request.POST.copy()
    posted["version"] = version
    form = form_class(posted, **kwargs)
    form.is_valid()
    form.add_error(None, error.messages)
    return form


# ------------------------------------------------------------------ services


@login_required
@require_GET
@edit_required
def index(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET or None)
    data = search.cleaned_data if search.is_valid() else {}
    found = selectors.staff_services(
        text=data.get("q", ""),
        status=data.get("status", ""),
        organization_id=data.get("organization"),
        term_id=data.get("term"),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.status_counts()
    return _render(
        request,
        "index.html",
        search=search,
        page=page,
        rows=list(page.object_list),
        query=query.urlencode(),
        organizations=list(selectors.organizations()),
        terms=list(selectors.taxonomy_terms_with_taxonomy()),
        status_counts=[(STATUS_LABELS.get(s, s), n) for s, n in counts.items()],
        total=sum(counts.values()),
        status_labels=STATUS_LABELS,
        can_import=rules.has_perm("directory.import_feed", request.user),
    )


def _service_values(data: dict) -> dict:
    return {name: data[name] for name in services.SERVICE_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def service_add(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None, initial={"status": "active"}, submit="Add service")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_create(
                actor=request.user,
                organization=selectors.organization(data["organization"]),
                **_service_values(data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service added")
            return redirect("directory:staff_service", service_id=service.pk)
    return _render(
        request,
        "form.html",
        form=form,
        title="Add a service",
        back=reverse("directory:staff_index"),
    )


@login_required
@require_GET
@edit_required
def service_detail(request: HttpRequest, service_id) -> HttpResponse:
    service = _service_or_404(service_id)
    parts = selectors.service_parts(service)
    return _render(
        request,
        "service.html",
        service=service,
        parts=parts,
        terms=selectors.service_terms(service),
        status_label=STATUS_LABELS.get(service.status, service.status),
        day_labels=DAY_LABELS,
        part_nouns={k: p.noun for k, p in services.PARTS.items()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def service_change(request: HttpRequest, service_id) -> HttpResponse:
    service = _service_or_404(service_id)
    version = services.service_version(service)
    initial = {
        "version": version,
        "organization": str(service.organization_id or ""),
        **{n: getattr(service, n) for n in services.SERVICE_FIELDS},
    }
    for name in ("minimum_age", "maximum_age"):
        if initial[name] is not None:
            initial[name] = int(initial[name])
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.service_update(
                actor=request.user,
                service=service,
                expected_version=data["version"],
                organization=selectors.organization(data["organization"]),
                **_service_values(data),
            )
        except StaleVersionError as error:
            form = _stale(ServiceForm, request, version, error=error, initial=initial)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service changed")
            return redirect("directory:staff_service", service_id=service.pk)
    return _render(
        request,
        "form.html",
        form=form,
        title="Change the service",
        caption=service.name,
        back=reverse("directory:staff_service", kwargs={"service_id": service.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def service_terms(request: HttpRequest, service_id) -> HttpResponse:
    service = _service_or_404(service_id)
    version = services.service_version(service)
    initial = {
        "version": version,
        "terms": [str(t.pk) for t in selectors.service_terms(service)],
    }
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["terms"])
        terms = [t for t in selectors.taxonomy_terms_with_taxonomy() if str(t.pk) in chosen]
        try:
            services.service_terms_set(
                actor=request.user,
                service=service,
                expected_version=form.cleaned_data["version"],
                terms=terms,
            )
        except StaleVersionError as error:
            form = _stale(TermsForm, request, version, error=error, initial=initial)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Taxonomy terms saved")
            return redirect("directory:staff_service", service_id=service.pk)
    return _render(
        request,
        "form.html",
        form=form,
        title="Needs and categories",
        caption=service.name,
        back=reverse("directory:staff_service", kwargs={"service_id": service.pk}),
    )


def _part(service, part: str, part_id=None):
    kind = services.PARTS.get(part)
    if kind is None:
        raise Http404
    row = None
    if part_id is not None:
        row = selectors.service_part(service, kind.model, part_id)
        if row is None:
            raise Http404
    return kind, row


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def part_edit(request: HttpRequest, service_id, part: str, part_id=None) -> HttpResponse:
    """Add (no ``part_id``) or change one of a service's parts: a location, opening times ..."""
    service = _service_or_404(service_id)
    kind, row = _part(service, part, part_id)
    form_class = PART_FORMS[part]
    if part in ADDING_FORMS:
        form_class = partial(form_class, adding=row is None)
    version = services.service_version(service)
    initial = {"version": version, **(selectors.part_values(part, row) if row else {})}
    form = form_class(request.POST or None, initial=initial)
    back = reverse("directory:staff_service", kwargs={"service_id": service.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.service_part_save(
                actor=request.user,
                service=service,
                expected_version=data.pop("version"),
                kind=part,
                part_id=row.pk if row else None,
                values=data,
            )
        except StaleVersionError as error:
            form = _stale(form_class, request, version, error=error, initial=initial)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{kind.noun.capitalize()} saved")
            return redirect(f"{back}#{part}")
    title = f"{'Change' if row else 'Add'} {'the' if row else 'a'} {kind.noun}"
    return _render(request, "form.html", form=form, title=title, caption=service.name, back=back)


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def part_remove(request: HttpRequest, service_id, part: str, part_id) -> HttpResponse:
    service = _service_or_404(service_id)
    kind, row = _part(service, part, part_id)
    version = services.service_version(service)
    form = RemoveForm(request.POST or None, initial={"version": version}, noun=kind.noun)
    back = reverse("directory:staff_service", kwargs={"service_id": service.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_part_remove(
                actor=request.user,
                service=service,
                expected_version=form.cleaned_data["version"],
                kind=part,
                part_id=row.pk,
            )
        except StaleVersionError as error:
            form = RemoveForm(initial={"version": version}, noun=kind.noun)
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{kind.noun.capitalize()} removed")
            return redirect(f"{back}#{part}")
    return _render(
        request,
        "remove.html",
        form=form,
        service=service,
        noun=kind.noun,
        summary=_summary(selectors.part_values(part, row)),
        back=back,
    )


def _subpart(service, part: str, part_id, sub: str, sub_id=None):
    """The sub-part's kind, its owner (a location or a contact) and its row (None to add)."""
    kind = services.SUBPARTS.get(sub)
    if kind is None or kind.part != part:
        raise Http404
    found = selectors.service_subpart(service, sub, part_id, sub_id)
    if found is None:
        raise Http404
    return (kind, *found)


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def subpart_edit(
    request: HttpRequest, service_id, part: str, part_id, sub: str, sub_id=None
) -> HttpResponse:
    """Add (no ``sub_id``) or change one address of a location or one phone of a contact."""
    service = _service_or_404(service_id)
    kind, owner, row = _subpart(service, part, part_id, sub, sub_id)
    form_class = SUBPART_FORMS[sub]
    version = services.service_version(service)
    initial = {"version": version, **(selectors.subpart_values(sub, row) if row else {})}
    form = form_class(request.POST or None, initial=initial)
    back = reverse("directory:staff_service", kwargs={"service_id": service.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.service_subpart_save(
                actor=request.user,
                service=service,
                expected_version=data.pop("version"),
                kind=sub,
                part_id=part_id,
                sub_id=row.pk if row else None,
                values=data,
            )
        except StaleVersionError as error:
            form = _stale(form_class, request, version, error=error, initial=initial)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{kind.noun.capitalize()} saved")
            return redirect(f"{back}#{part}")
    owner_name = owner.name or services.PARTS[part].noun
    if row:
        title = f"Change the {kind.noun}"
    elif selectors.subpart_count(sub, owner):
        title = f"Add another {kind.noun}"
    else:
        title = f"Add {'an' if kind.noun[0] in 'aeiou' else 'a'} {kind.noun}"
    return _render(
        request,
        "form.html",
        form=form,
        title=title,
        caption=f"{service.name}: {owner_name}",
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def subpart_remove(
    request: HttpRequest, service_id, part: str, part_id, sub: str, sub_id
) -> HttpResponse:
    service = _service_or_404(service_id)
    kind, _owner, row = _subpart(service, part, part_id, sub, sub_id)
    version = services.service_version(service)
    form = RemoveForm(request.POST or None, initial={"version": version}, noun=kind.noun)
    back = reverse("directory:staff_service", kwargs={"service_id": service.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_subpart_remove(
                actor=request.user,
                service=service,
                expected_version=form.cleaned_data["version"],
                kind=sub,
                part_id=part_id,
                sub_id=row.pk,
            )
        except StaleVersionError as error:
            form = RemoveForm(initial={"version": version}, noun=kind.noun)
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{kind.noun.capitalize()} removed")
            return redirect(f"{back}#{part}")
    return _render(
        request,
        "remove.html",
        form=form,
        service=service,
        noun=kind.noun,
        summary=_summary(selectors.subpart_values(sub, row), labels=SUBPART_LABELS),
        back=back,
    )


# The remove page's words for an address's and a phone's fields.
SUBPART_LABELS = {
    "address_type": "Kind of address",
    "attention": "For the attention of",
    "address_1": "Address line",
    "city": "Town or city",
    "state_province": "County",
    "number": "Phone number",
    "description": "About the number",
}


def _summary(values: dict, *, labels: dict | None = None) -> list[tuple[str, str]]:
    out = []
    for name, value in values.items():
        if isinstance(value, list):
            value = ", ".join(DAY_LABELS.get(v, v) for v in value)
        if value not in ("", None):
            label = (labels or {}).get(name) or name.replace("_", " ").capitalize()
            out.append((label, str(value)))
    return out


# ------------------------------------------------------------------ organisations


@login_required
@require_GET
@edit_required
def organizations(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.organizations(), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "organizations.html", page=page, rows=list(page.object_list))


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def organization_edit(request: HttpRequest, organization_id=None) -> HttpResponse:
    organization = None
    initial: dict = {}
    if organization_id is not None:
        organization = selectors.organization(str(organization_id))
        if organization is None:
            raise Http404
        initial = {
            "version": services.organization_version(organization),
            **{n: getattr(organization, n) for n in services.ORGANIZATION_FIELDS},
        }
    submit = "Save organisation" if organization else "Add organisation"
    form = OrganizationForm(request.POST or None, initial=initial, submit=submit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {n: data[n] for n in services.ORGANIZATION_FIELDS}
        try:
            if organization is None:
                services.organization_create(actor=request.user, **values)
            else:
                services.organization_update(
                    actor=request.user,
                    organization=organization,
                    expected_version=data["version"],
                    **values,
                )
        except StaleVersionError as error:
            form = _stale(
                OrganizationForm, request, initial["version"], error=error, initial=initial
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Organisation saved")
            return redirect("directory:staff_organizations")
    return _render(
        request,
        "form.html",
        form=form,
        title="Change the organisation" if organization else "Add an organisation",
        caption=organization.name if organization else "",
        back=reverse("directory:staff_organizations"),
    )


# ------------------------------------------------------------------ taxonomy terms


@login_required
@require_GET
@edit_required
def terms(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.taxonomy_terms_with_taxonomy(), PAGE_SIZE * 2).get_page(
        request.GET.get("page")
    )
    return _render(request, "terms.html", page=page, rows=list(page.object_list))


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def term_edit(request: HttpRequest, term_id=None) -> HttpResponse:
    term = None
    initial: dict = {}
    if term_id is not None:
        term = selectors.taxonomy_term(str(term_id))
        if term is None:
            raise Http404
        initial = {
            "version": services.term_version(term),
            "taxonomy": str(term.taxonomy_detail_id or ""),
            **{n: getattr(term, n) for n in services.TERM_FIELDS},
        }
    form = TermForm(
        request.POST or None, initial=initial, submit="Save term" if term else "Add term"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {n: data[n] for n in services.TERM_FIELDS}
        taxonomy = selectors.taxonomy(data["taxonomy"]) if data["taxonomy"] else None
        try:
            if term is None:
                services.taxonomy_term_create(actor=request.user, taxonomy=taxonomy, **values)
            else:
                services.taxonomy_term_update(
                    actor=request.user,
                    term=term,
                    expected_version=data["version"],
                    taxonomy=taxonomy,
                    **values,
                )
        except StaleVersionError as error:
            form = _stale(TermForm, request, initial["version"], error=error, initial=initial)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Taxonomy term saved")
            return redirect("directory:staff_terms")
    return _render(
        request,
        "form.html",
        form=form,
        title="Change the taxonomy term" if term else "Add a taxonomy term",
        caption=term.name if term else "",
        back=reverse("directory:staff_terms"),
    )


# ------------------------------------------------------------------ importing a feed


def _import_required(request) -> None:
    if not rules.has_perm("directory.import_feed", request.user):
        raise PermissionDenied("Only system administrators import directory feeds")


def _read_feed(form) -> object:
    upload = form.cleaned_data["feed"]
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationError({"feed": "The file must be 5 MB or smaller"})
    try:
        return json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(
            {"feed": "The file must be JSON (an Open Referral UK feed)"}
        ) from error


@login_required
@require_http_methods(["GET", "POST"])
@edit_required
def import_feed(request: HttpRequest) -> HttpResponse:
    """Upload a feed: it is checked by a dry run (nothing saved) and the report shown; the
    parsed feed waits in the server-side session, under a random token, for "Import"."""
    _import_required(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = token = None
    options: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            data = _read_feed(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            options = _options(form.cleaned_data)
            report = oruk_import(actor=request.user, data=data, dry_run=True, **options)
            if not report.errors:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "at": time.time(),
                    "data": data,
                    "options": options,
                }
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
    return _render(
        request,
        "import.html",
        form=form,
        token=token,
        **_report_context(report, options if report else {}),
    )


def _report_context(report, options: dict) -> dict:
    if report is None:
        return {"report": None}
    counts = report.counts()
    tables = sorted(set().union(*(set(c) for c in counts.values())))
    rows = [
        (
            table.replace("_", " ").capitalize(),
            counts["created"].get(table, 0),
            counts["updated"].get(table, 0),
            counts["unchanged"].get(table, 0),
        )
        for table in tables
    ]
    return {"report": report, "table_rows": rows, "retire": options.get("retire_missing")}


def _options(data: dict) -> dict:
    kind = data["kind"]
    return {
        "kind": kind,
        "organization_services": kind == "organization",
        "retire_missing": bool(data["retire_missing"]) and kind in ("service", "organization"),
    }


@login_required
@require_POST
@edit_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    _import_required(request)
    held = request.session.pop(IMPORT_SESSION_KEY, None)
    fresh = held and time.time() - held["at"] < IMPORT_KEEP_SECONDS
    if not fresh or not secrets.compare_digest(held["token"], request.POST.get("token", "")):
        messages.error(request, "Check the feed again: the checked file is no longer held")
        return redirect("directory:staff_import")
    report = oruk_import(actor=request.user, data=held["data"], dry_run=False, **held["options"])
    return _render(
        request,
        "import.html",
        form=ImportForm(),
        token=None,
        **_report_context(report, held["options"]),
    )
