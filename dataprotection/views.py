"""The council's data protection pages, for system administrators: the retention schedule and what
each nightly run did; a subject access request (find the person, download everything held as PDF
or JSON); rectification notes on a person's record."""

from __future__ import annotations

import json

import rules
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from dataprotection import pdf, selectors, services, subject_access
from dataprotection.forms import RectificationNoteForm, SubjectSearchForm
from dataprotection.models import RecordType


def _require(request: HttpRequest, perm: str) -> None:
    if not rules.has_perm(perm, request.user):
        raise PermissionDenied


def _run_lines(run) -> list[str]:
    labels = dict(RecordType.choices)
    words = {
        "anonymise": "anonymised",
        "delete": "deleted",
        "kept_open_case": "kept (the family's case is open)",
        "kept_legal_hold": "kept (legal hold)",
        "families_anonymised": "families anonymised",
    }
    return [
        f"{labels.get(record_type, record_type)}: {count} {words.get(what, what)}"
        for record_type, counts in run.summary.items()
        for what, count in counts.items()
    ]


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    _require(request, "dataprotection.manage_retention")
    context = {
        "nav_section": "configuration",
        "rules": selectors.retention_schedule(request.user),
        "runs": [(run, _run_lines(run)) for run in selectors.retention_runs(request.user)],
        "covered": RecordType.choices,
    }
    return render(request, "dataprotection/retention.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subject_search(request: HttpRequest) -> HttpResponse:
    _require(request, "dataprotection.subject_access")
    # Sent by POST, so the name and date of birth never appear in an address or a log.
    form = SubjectSearchForm(request.POST or None)
    context = {"nav_section": "configuration", "form": form, "searched": False}
    if request.method == "POST" and form.is_valid():
        context["people"] = selectors.subject_search(
            request.user,
            last_name=form.cleaned_data["last_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
        context["searched"] = True
    return render(request, "dataprotection/subject_search.html", context)


@login_required
@require_GET
def subject_detail(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.subject(request.user, person_id)
    context = {
        "nav_section": "configuration",
        "person": person,
        "notes": selectors.rectification_notes(person),
    }
    return render(request, "dataprotection/subject_detail.html", context)


def _download(person, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # The file is named by the record's id, never by the person's name.
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{person.pk}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def subject_json(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.subject(request.user, person_id)
    data = subject_access.gather(person)
    services.subject_access_audit(actor=request.user, person=person, file_format="json")
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _download(person, content, "application/json", "json")


@login_required
@require_GET
def subject_pdf(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.subject(request.user, person_id)
    data = subject_access.gather(person)
    services.subject_access_audit(actor=request.user, person=person, file_format="pdf")
    return _download(person, pdf.render(data), "application/pdf", "pdf")


@login_required
@require_http_methods(["GET", "POST"])
def rectification_add(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.subject(request.user, person_id)
    form = RectificationNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_note_add(
                actor=request.user,
                person=person,
                what=form.cleaned_data["what"],
                why=form.cleaned_data["why"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, "The rectification note has been saved")
            return redirect("dataprotection:subject_detail", person_id=person.pk)
    context = {"nav_section": "configuration", "person": person, "form": form}
    return render(request, "dataprotection/rectification_form.html", context)
