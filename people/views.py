"""Pages for finding, adding and reading people and families.

The rules every view here keeps:
- records come only from people.selectors, so anything out of scope is a 404;
- every page that shows a person or family writes exactly one audit event, in the
  request's transaction (ATOMIC_REQUESTS); writes go through people.services, which
  write their own;
- no personal data in URLs: ids are UUIDs and search terms are POSTed, then kept in
  the server-side session, never in a query string.
"""

import time
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import scope
from core.audit import Action, audit_record
from core.models import AuditEvent
from people import presenters, selectors, services
from people.forms import (
    ChronologyEntryForm,
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
    ProfessionalForm,
)
from people.models import Family, FamilyMember

SEARCH_SESSION_KEY = "people_search"
# How long a search counts as 'searched before creating'.
SEARCH_FRESH_SECONDS = 30 * 60
PAGE_SIZE = 50

STALE_EDIT_MESSAGE = (
    "This record was changed by someone else since you opened it. Your changes have not been saved. "
    "Check the current details below, then save again."
)


def _require_case_access(user) -> None:
    if not scope.can_see_case_records(user):
        raise PermissionDenied


def _add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _page(request: HttpRequest, items):
    """One page of ``items`` (the page number is the only thing in the query string)."""
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.elided_range = list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )
    return page_obj


# ---------------------------------------------------------------- search before create


def _recent_search(request: HttpRequest) -> dict | None:
    stored = request.session.get(SEARCH_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    if time.time() - float(stored.get("at", 0)) > SEARCH_FRESH_SECONDS:
        return None
    return stored


def _run_search(user, terms: dict):
    dob = terms.get("date_of_birth") or None
    if isinstance(dob, str):
        dob = date.fromisoformat(dob)
    results, too_many = selectors.search_people(
        user, name=terms.get("name", ""), date_of_birth=dob, postcode=terms.get("postcode", "")
    )
    return [person for person, _score in results], too_many


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_case_access(user)
    form = PersonSearchForm(request.POST or None)
    context = {"form": form, "nav_section": "people", "searched": False}
    if request.method == "POST" and form.is_valid():
        terms = form.stored_terms()
        people, too_many = _run_search(user, terms)
        # The audit says a search happened and how many it found, never what was typed.
        audit_record(
            actor=user,
            action=Action.SEARCH,
            target="people.person",
            detail={"results": len(people)},
        )
        request.session[SEARCH_SESSION_KEY] = {**terms, "at": time.time()}
        context.update(searched=True, rows=presenters.search_rows(user, people), too_many=too_many)
    return render(request, "people/search.html", context)


def _name_initial(name: str) -> dict:
    words = name.split()
    if not words:
        return {}
    if len(words) == 1:
        return {"last_name": words[0]}
    return {"first_name": " ".join(words[:-1]), "last_name": words[-1]}


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_case_access(user)
    terms = _recent_search(request)
    if terms is None:
        messages.info(
            request,
            "Search for the person first, to check they are not already known to the service.",
        )
        return redirect("people:search")

    families = selectors.families_for(user)
    can_start_family = user.team_id is not None
    initial = _name_initial(terms.get("name", ""))
    if terms.get("date_of_birth"):
        initial["date_of_birth"] = date.fromisoformat(terms["date_of_birth"])
    if can_start_family and user.team and user.team.area_id:
        initial["area"] = user.team.area_id
    form = PersonCreateForm(
        request.POST or None, initial=initial, families=families, can_start_family=can_start_family
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One savepoint: a refused write leaves no half-made person or family behind.
            with transaction.atomic():
                person = services.person_create(actor=user, **form.person_fields())
                if data["family_choice"] == PersonCreateForm.FAMILY_NEW:
                    family = services.family_create(
                        actor=user, name=data["family_name"], area=data["area"]
                    )
                else:
                    family = data["family"]  # from families_for(user): in scope by construction
                services.family_add_member(
                    actor=user,
                    family=family,
                    person=person,
                    role=data["role"],
                    joined_on=timezone.localdate(),
                )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            request.session.pop(SEARCH_SESSION_KEY, None)
            # No names in messages: they are kept in a cookie until shown.
            messages.success(request, "Person added")
            return redirect("people:person_detail", person_id=person.pk)

    matches, too_many = _run_search(user, terms)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        target="people.person",
        detail={"results": len(matches), "page": "add_person"},
    )
    context = {
        "form": form,
        "nav_section": "people",
        "matches": presenters.search_rows(user, matches),
        "too_many": too_many,
        "can_add": bool(form.fields["family_choice"].choices),
    }
    return render(request, "people/person_new.html", context)


# ---------------------------------------------------------------- a person


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.person_detail(user, person_id)
    page = presenters.person_page(user, person)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=person,
        detail={"confidential_address_shown": page.confidential_address_shown},
    )
    context = {
        "page": page,
        "person": person,
        "nav_section": "people",
        "can_view_access_log": scope.can_view_access_log(user),
        "confidential_text": presenters.CONFIDENTIAL_ADDRESS_TEXT,
    }
    return render(request, "people/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user, person_id)
    stale = False
    saved = None
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            changes = form.changes()
            unchanged = form.cleaned_data["version"] == person.version and all(
                getattr(person, name) == value for name, value in changes.items()
            )
            if unchanged:
                messages.info(request, "Nothing was changed, so nothing was saved.")
                return redirect("people:person_detail", person_id=person.pk)
            try:
                services.person_update(
                    actor=user,
                    person=person,
                    expected_version=form.cleaned_data["version"],
                    changes=changes,
                )
            except services.StaleEditError:
                stale = True
                person.refresh_from_db()
                # The hidden version becomes the CURRENT one. The user has now been shown
                # what is saved (the 'Current saved details' list) next to what they typed,
                # so pressing Save again is a deliberate choice to replace it. Keeping the
                # old version would refuse every resubmission and force them to retype.
                data = request.POST.copy()
                data["version"] = str(person.version)
                form = PersonEditForm(data)
                form.is_valid()
                form.add_error(None, STALE_EDIT_MESSAGE)
                saved = presenters.saved_details(person, changes)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, "Details saved")
                return redirect("people:person_detail", person_id=person.pk)
    else:
        form = PersonEditForm(initial=PersonEditForm.initial_for(person))
    # The form shows the person's details: a view of the record, audited once.
    audit_record(
        actor=user, action=Action.VIEW, target=person, detail={"page": "edit", "stale": stale}
    )
    context = {
        "form": form,
        "person": person,
        "stale": stale,
        "saved": saved,
        "nav_section": "people",
    }
    return render(request, "people/person_edit.html", context)


def _access_log(request: HttpRequest, record, template: str, nav_section: str) -> HttpResponse:
    user = request.user
    if not scope.can_view_access_log(user):
        raise Http404
    audit_record(actor=user, action=Action.VIEW, target=record, detail={"page": "access_log"})
    events = (
        AuditEvent.objects.filter(record_type=record._meta.label_lower, record_id=str(record.pk))
        .select_related("actor", "actor__team")
        .order_by("-at", "-id")
    )
    context = {"record": record, "page_obj": _page(request, events), "nav_section": nav_section}
    return render(request, template, context)


@login_required
@require_GET
def person_access_log(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.get_person(request.user, person_id)
    return _access_log(request, person, "people/person_access_log.html", "people")


def _person_subpage(request, person_id, form_class, template: str, page_name: str, save):
    """A small form about one person: GET/invalid POST show it (audited), a valid POST saves."""
    user = request.user
    person = selectors.get_person(user, person_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(user, person, form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return None, person
    audit_record(actor=user, action=Action.VIEW, target=person, detail={"page": page_name})
    context = {"form": form, "person": person, "nav_section": "people"}
    return render(request, template, context), person


@login_required
@require_http_methods(["GET", "POST"])
def chronology_add(request: HttpRequest, person_id) -> HttpResponse:
    def save(user, person, data):
        services.chronology_add(
            actor=user,
            person=person,
            occurred_on=data["occurred_on"],
            category=data["category"],
            summary=data["summary"],
            source=data["source"],
        )

    response, person = _person_subpage(
        request,
        person_id,
        ChronologyEntryForm,
        "people/chronology_add.html",
        "add_chronology",
        save,
    )
    if response is not None:
        return response
    messages.success(request, "Chronology entry added")
    return redirect("people:person_detail", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def professional_add(request: HttpRequest, person_id) -> HttpResponse:
    def save(user, person, data):
        services.professional_add(
            actor=user,
            person=person,
            name=data["name"],
            role=data["role"],
            agency=data["agency"],
            organisation=data["organisation"],
            phone=data["phone"],
            email=data["email"],
            started_on=data["started_on"],
        )

    response, person = _person_subpage(
        request,
        person_id,
        ProfessionalForm,
        "people/professional_add.html",
        "add_professional",
        save,
    )
    if response is not None:
        return response
    messages.success(request, "Professional added")
    return redirect("people:person_detail", person_id=person.pk)


# ---------------------------------------------------------------- families


@login_required
@require_GET
def family_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page_obj = _page(request, selectors.family_list(user))
    rows = [
        {
            "family": family,
            "children": [
                m.person for m in family.members.all() if m.role == FamilyMember.Role.CHILD
            ],
            "teams": [link.team for link in family.team_links.all()],
        }
        for family in page_obj
    ]
    # One event for the list, not one per family: what was shown, not who.
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=Family._meta.label_lower,
        detail={"page": "list", "count": len(rows)},
    )
    context = {
        "rows": rows,
        "page_obj": page_obj,
        "nav_section": "families",
        "sees_every_family": scope.sees_every_family(user),
    }
    return render(request, "people/family_list.html", context)


@login_required
@require_GET
def family_detail(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = selectors.family_detail(user, family_id)
    page = presenters.family_page(user, family)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=family,
        detail={"confidential_address_shown": page.confidential_address_shown},
    )
    context = {
        "page": page,
        "family": family,
        "nav_section": "families",
        "can_view_access_log": scope.can_view_access_log(user),
        "confidential_text": presenters.CONFIDENTIAL_ADDRESS_TEXT,
    }
    return render(request, "people/family_detail.html", context)


@login_required
@require_GET
def family_access_log(request: HttpRequest, family_id) -> HttpResponse:
    family = selectors.get_family(request.user, family_id)
    return _access_log(request, family, "people/family_access_log.html", "families")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return redirect("people:search")
