"""Neglect pages: a child's neglect record, and the forms that record a concern, add what was
seen, change the child's lived experience, end a concern and record a graded-care tool's grades.

The child comes only through ``people.selectors`` (out of scope is a 404) and must be a child of
a family in scope; concerns come only through ``neglect.selectors``. Every page writes one view
audit row on the child's record; changes go through ``neglect.services``, which audit themselves.
Who may record is the ``neglect.record_concern`` rule, asked before a form is read (403).
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from neglect import selectors, services
from neglect.forms import (
    ConcernEndForm,
    ConcernRecordForm,
    LivedExperienceForm,
    ObservationForm,
    ToolResultForm,
)
from neglect.models import NeglectConcern
from people.selectors import get_person

NAV_SECTION = "people"
PERM = "neglect.record_concern"
OTHER = "other"
STALE_MESSAGE = (
    "This concern was changed by someone else since you opened it. Nothing has been saved. "
    "Check the record, then save again."
)
# Where a service's error about where the concern came from shows on the record form.
ORIGIN_FIELDS = ("source", "support_request", "assessment", "episode", "child")


def _child_and_family(user, person_id):
    """The child (in scope) and the first family in scope they are a child of; else 404."""
    person = get_person(user, person_id)
    families = selectors.child_families(user, person)
    if not families:
        raise Http404("Not a child of a family in your scope")
    return person, families[0]


def _child_url(person_id) -> str:
    return reverse("neglect:child", kwargs={"person_id": person_id})


def _view_audit(user, person, page: str) -> None:
    audit_record(actor=user, action=Action.VIEW, target=person, detail={"page": page})


def _form_page(request, *, person, form, title, button, page, extra=None):
    _view_audit(request.user, person, page)
    return render(
        request,
        "neglect/form.html",
        {
            "nav_section": NAV_SECTION,
            "person": person,
            "form": form,
            "title": title,
            "button": button,
            "back_url": _child_url(person.pk),
            **(extra or {}),
        },
    )


@login_required
@require_GET
def child(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person, family = _child_and_family(user, person_id)
    concerns = selectors.child_concerns(user, person)
    results = selectors.child_results(user, person)
    _view_audit(user, person, "neglect")
    can_record = rules.has_perm(PERM, user, family)
    return render(
        request,
        "neglect/child.html",
        {
            "nav_section": NAV_SECTION,
            "person": person,
            "family": family,
            "concerns": concerns,
            "results": results,
            "can_record": can_record,
            "can_record_new": can_record and not any(c.is_current for c in concerns),
        },
    )


@login_required
@require_GET
def concern(request: HttpRequest, concern_id) -> HttpResponse:
    """A chronology entry's link: the concern, on the child's neglect record."""
    found = selectors.get_concern(request.user, concern_id)
    return redirect(f"{_child_url(found.child_id)}#concern-{found.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def concern_record(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person, family = _child_and_family(user, person_id)
    if not rules.has_perm(PERM, user, family):
        raise PermissionDenied
    origins = selectors.family_origins(user, family)
    choices = [(key, label) for key, (_, label, _) in origins.items()]
    choices.append((OTHER, str(NeglectConcern.Source.OTHER.label)))
    form = ConcernRecordForm(request.POST or None, origins=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        source, _, record = origins.get(d["origin"], (NeglectConcern.Source.OTHER, "", None))
        try:
            services.neglect_concern_record(
                actor=user,
                child=person,
                family=family,
                source=source,
                identified_on=d["identified_on"],
                lived_experience=d["lived_experience"],
                observations=[
                    services.ObservationInput(
                        category=d["category"],
                        seen=d["seen"],
                        seen_by=d["seen_by"],
                        seen_on=d["seen_on"],
                    )
                ],
                **{source: record} if record is not None else {},
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {
                        ("origin" if name in ORIGIN_FIELDS else name): messages_
                        for name, messages_ in error.message_dict.items()
                    }
                )
            add_service_errors(form, error)
        else:
            messages.success(request, "Neglect concern recorded")
            return redirect(_child_url(person.pk))
    return _form_page(
        request,
        person=person,
        form=form,
        title="Record a neglect concern",
        button="Save the concern",
        page="neglect_record",
    )


def _concern_form(request, concern_id, *, form_class, run, title, button, page, success):
    """A change to one concern: GET shows the form, POST runs the service with the version the
    form was opened at."""
    user = request.user
    found = selectors.get_concern(user, concern_id)
    if not rules.has_perm(PERM, user, found.family):
        raise PermissionDenied
    if not found.is_current:
        messages.info(request, "This neglect concern has ended, so it cannot be changed.")
        return redirect(_child_url(found.child_id))
    form = form_class(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or found.version
        try:
            run(user, found, version, form.cleaned_data)
        except StaleVersionError:
            data = request.POST.copy()
            data["version"] = str(selectors.get_concern(user, found.pk).version)
            form = form_class(data)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_child_url(found.child_id))
    return _form_page(request, person=found.child, form=form, title=title, button=button, page=page)


@login_required
@require_http_methods(["GET", "POST"])
def observation_add(request: HttpRequest, concern_id) -> HttpResponse:
    return _concern_form(
        request,
        concern_id,
        form_class=ObservationForm,
        run=lambda user, c, version, d: services.neglect_observation_add(
            actor=user,
            concern=c,
            expected_version=version,
            category=d["category"],
            seen=d["seen"],
            seen_by=d["seen_by"],
            seen_on=d["seen_on"],
        ),
        title="Add what was seen",
        button="Save what was seen",
        page="neglect_observation",
        success="Observation added",
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_change(request: HttpRequest, concern_id) -> HttpResponse:
    return _concern_form(
        request,
        concern_id,
        form_class=LivedExperienceForm,
        run=lambda user, c, version, d: services.neglect_concern_change(
            actor=user,
            concern=c,
            expected_version=version,
            lived_experience=d["lived_experience"],
            reason=d["reason"],
        ),
        title="Change the child's daily lived experience",
        button="Save the change",
        page="neglect_change",
        success="Lived experience changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_end(request: HttpRequest, concern_id) -> HttpResponse:
    return _concern_form(
        request,
        concern_id,
        form_class=ConcernEndForm,
        run=lambda user, c, version, d: services.neglect_concern_end(
            actor=user,
            concern=c,
            expected_version=version,
            ended_on=d["ended_on"],
            reason=d["reason"],
            note=d["note"],
        ),
        title="End the neglect concern",
        button="End the concern",
        page="neglect_end",
        success="Neglect concern ended",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_result_add(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person, family = _child_and_family(user, person_id)
    if not rules.has_perm(PERM, user, family):
        raise PermissionDenied
    tools = selectors.tools_offered()
    if not tools:
        return _form_page(
            request,
            person=person,
            form=None,
            title="Record a graded-care tool's grades",
            button="",
            page="neglect_tool_result",
            extra={"no_tools": True},
        )
    tool = next((t for t in tools if t.code == request.GET.get("tool")), tools[0])
    concerns = {str(c.pk): c for c in selectors.child_concerns(user, person)}
    current = next((key for key, c in concerns.items() if c.is_current), "")
    form = ToolResultForm(
        request.POST or None,
        tool=tool,
        concerns=[
            (key, f"{c.get_status_display()} concern identified {c.identified_on:%-d %B %Y}")
            for key, c in concerns.items()
        ],
        initial={"concern": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.graded_care_result_record(
                actor=user,
                child=person,
                family=family,
                tool=tool,
                done_on=form.cleaned_data["done_on"],
                area_grades=form.area_grades(),
                overall_grade=form.cleaned_data["overall_grade"],
                concern=concerns.get(form.cleaned_data["concern"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{tool.name} grades recorded")
            return redirect(_child_url(person.pk))
    return _form_page(
        request,
        person=person,
        form=form,
        title=f"Record the grades of the {tool.name}",
        button="Save the grades",
        page="neglect_tool_result",
        extra={"tools": tools if len(tools) > 1 else [], "tool": tool},
    )
