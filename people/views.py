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
import uuid
from datetime import date

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import clock, scope
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors as _add_service_errors
from core.returns import safe_return_to
from people import presenters, selectors, services
from people.forms import (
    AddressEndForm,
    AddressForm,
    ChronologyEntryForm,
    ConfirmForm,
    FamilyMemberAddForm,
    FamilyTeamForm,
    HouseholdForm,
    HouseholdMembersForm,
    OtherNameForm,
    ParentalResponsibilityEndForm,
    ParentalResponsibilityForm,
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
    ProfessionalForm,
    RelationshipForm,
)
from people.models import Family, FamilyMember, Person

SEARCH_SESSION_KEY = "people_search"
# How long a search counts as 'searched before creating'.
SEARCH_FRESH_SECONDS = 30 * 60
PAGE_SIZE = 50

STALE_EDIT_MESSAGE = (
    "This record was changed by someone else since you opened it. Your changes have not been saved. "
    "Check the current details below, then save again."
)


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
    if not rules.has_perm("people.search_people", user):
        raise PermissionDenied
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


def _target_family(request: HttpRequest) -> Family | None:
    """The family a new person is being added to, when they came from its page (?family=<id>)."""
    raw = request.GET.get("family")
    if not raw:
        return None
    try:
        family_id = uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
    return selectors.get_family(request.user, family_id)  # out of scope: 404


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("people.add_person", user):
        raise PermissionDenied
    target = _target_family(request)
    terms = _recent_search(request)
    if terms is None:
        messages.info(
            request,
            "Search for the person first, to check they are not already known to the service.",
        )
        if target is not None:
            return redirect("people:family_member_add", family_id=target.pk)
        return redirect("people:search")

    families = selectors.families_for(user)
    can_start_family = user.team_id is not None
    initial = _name_initial(terms.get("name", ""))
    if terms.get("date_of_birth"):
        initial["date_of_birth"] = date.fromisoformat(terms["date_of_birth"])
    if can_start_family and user.team and user.team.area_id:
        initial["area"] = user.team.area_id
    if target is not None:
        # Came from the family's page: that family is already chosen.
        initial["family_choice"] = PersonCreateForm.FAMILY_EXISTING
        initial["family"] = target.pk
    form = PersonCreateForm(
        request.POST or None, initial=initial, families=families, can_start_family=can_start_family
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_family = data["family_choice"] == PersonCreateForm.FAMILY_NEW
        try:
            # All or nothing (the service's savepoint): no half-made person or family.
            person, family = services.person_add(
                actor=user,
                fields=form.person_fields(),
                family=None if new_family else data["family"],
                role=data["role"],
                new_family_name=data["family_name"] if new_family else "",
                new_family_area=data["area"] if new_family else None,
                joined_on=clock.today(),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            request.session.pop(SEARCH_SESSION_KEY, None)
            # No names in messages: they are kept in a cookie until shown.
            messages.success(request, "Person added")
            if target is not None and family.pk == target.pk:
                return redirect("people:family_detail", family_id=target.pk)
            return redirect("people:person_detail", person_id=person.pk)

    matches, too_many = _run_search(user, terms)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        target="people.person",
        detail={"results": len(matches), "page": "add_person"},
    )
    action = reverse("people:person_new")
    context = {
        "form": form,
        "nav_section": "people",
        "matches": presenters.search_rows(user, matches),
        "too_many": too_many,
        "can_add": bool(form.fields["family_choice"].choices),
        "target_family": target,
        "form_action": f"{action}?family={target.pk}" if target is not None else action,
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
        "can_record_pr": person.kind in (Person.Kind.CHILD, Person.Kind.UNBORN),
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
            except StaleVersionError:
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
    events = selectors.access_log(record)
    context = {"record": record, "page_obj": _page(request, events), "nav_section": nav_section}
    return render(request, template, context)


@login_required
@require_GET
def person_access_log(request: HttpRequest, person_id) -> HttpResponse:
    person = selectors.get_person(request.user, person_id)
    return _access_log(request, person, "people/person_access_log.html", "people")


def _subpage(
    request: HttpRequest,
    record: Person | Family,
    form,
    template: str,
    page_name: str,
    save,
    context: dict | None = None,
    audit_detail: dict | None = None,
) -> HttpResponse | None:
    """A small form about one person or family, already fetched through the selectors.

    A GET, or a POST that fails validation (the form's or the service's), shows the form:
    a view of the record, audited once. A valid POST calls ``save(form)``, whose service
    writes its own audit event, and returns None for the caller to redirect.
    """
    user = request.user
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return None
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=record,
        detail={"page": page_name, **(audit_detail or {})},
    )
    key = "person" if isinstance(record, Person) else "family"
    page_context = {
        "form": form,
        key: record,
        "nav_section": "people" if key == "person" else "families",
        # Where to go back to, e.g. the assessment section that sent the user here.
        "return_to": safe_return_to(request),
        **(context or {}),
    }
    return render(request, template, page_context)


def _bound(request: HttpRequest):
    """The posted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _person_subpage(request, person_id, form_class, template: str, page_name: str, save):
    """A small form about one person: GET/invalid POST show it (audited), a valid POST saves."""
    user = request.user
    person = selectors.get_person(user, person_id)
    response = _subpage(
        request,
        person,
        form_class(request.POST or None),
        template,
        page_name,
        lambda form: save(user, person, form.cleaned_data),
    )
    return response, person


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
    return redirect(
        safe_return_to(request) or reverse("people:person_detail", kwargs={"person_id": person.pk})
    )


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
    return redirect(
        safe_return_to(request) or reverse("people:person_detail", kwargs={"person_id": person.pk})
    )


# ---------------------------------------------------------------- addresses, names, relationships


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user, person_id)
    form = AddressForm(
        _bound(request),
        has_current_address=person.addresses.filter(moved_out__isnull=True).exists(),
    )

    def save(form):
        services.address_add(actor=user, person=person, **form.address_fields())
        messages.success(request, "Address added")

    response = _subpage(request, person, form, "people/address_add.html", "add_address", save)
    return response or redirect("people:person_detail", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def address_end(request: HttpRequest, person_id, link_id: int) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user, person_id)
    link = selectors.current_address_link(user, person, link_id)
    # Confidential if anyone's link to it is (selectors.confidential_address_ids), not just this one.
    confidential = bool(selectors.confidential_address_ids([link.address_id]))

    def save(form):
        services.address_end(actor=user, link=link, moved_out=form.cleaned_data["moved_out"])
        messages.success(request, "Moving out date saved")

    response = _subpage(
        request,
        person,
        AddressEndForm(_bound(request)),
        "people/address_end.html",
        "end_address",
        save,
        context={"link": link, "confidential": confidential},
        audit_detail={"confidential_address_shown": confidential},
    )
    return response or redirect("people:person_detail", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def other_name_add(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user, person_id)

    def save(form):
        data = form.cleaned_data
        services.person_add_other_name(
            actor=user,
            person=person,
            kind=data["kind"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        messages.success(request, "Name added")

    response = _subpage(
        request,
        person,
        OtherNameForm(_bound(request)),
        "people/other_name_add.html",
        "add_other_name",
        save,
    )
    return response or redirect("people:person_detail", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_add(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.get_person(user, person_id)
    relatives = list(selectors.fellow_members(user, person))
    form = RelationshipForm(_bound(request), person=person, relatives=relatives)

    def save(form):
        data = form.cleaned_data
        services.relationship_add(
            actor=user,
            person=person,
            relative=data["relative"],
            kind=data["kind"],
            notes=data["notes"],
        )
        messages.success(request, "Relationship added")

    response = _subpage(
        request,
        person,
        form,
        "people/relationship_add.html",
        "add_relationship",
        save,
        context={"has_choices": bool(relatives), "families": _visible_families(user, person)},
    )
    return response or redirect("people:person_detail", person_id=person.pk)


def _visible_families(user, person: Person):
    return selectors.families_for(user).filter(members__person=person).order_by("name")


def _child_or_404(person: Person) -> Person:
    # Parental responsibility is for a child (or an unborn baby): an adult has no such page.
    if person.kind not in (Person.Kind.CHILD, Person.Kind.UNBORN):
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def parental_responsibility_add(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    child = _child_or_404(selectors.get_person(user, person_id))
    adults = list(selectors.fellow_members(user, child).filter(kind=Person.Kind.ADULT))
    form = ParentalResponsibilityForm(_bound(request), child=child, adults=adults)

    def save(form):
        data = form.cleaned_data
        services.parental_responsibility_add(
            actor=user,
            child=child,
            adult=data["adult"],
            basis=data["basis"],
            from_date=data["from_date"],
        )
        messages.success(request, "Parental responsibility recorded")

    response = _subpage(
        request,
        child,
        form,
        "people/parental_responsibility_add.html",
        "add_parental_responsibility",
        save,
        context={"has_choices": bool(adults), "families": _visible_families(user, child)},
    )
    return response or redirect("people:person_detail", person_id=child.pk)


@login_required
@require_http_methods(["GET", "POST"])
def parental_responsibility_end(request: HttpRequest, person_id, pr_id: int) -> HttpResponse:
    user = request.user
    child = _child_or_404(selectors.get_person(user, person_id))
    responsibility = selectors.current_parental_responsibility(child, pr_id)

    def save(form):
        services.parental_responsibility_end(
            actor=user, responsibility=responsibility, to_date=form.cleaned_data["to_date"]
        )
        messages.success(request, "Parental responsibility ended")

    response = _subpage(
        request,
        child,
        ParentalResponsibilityEndForm(_bound(request)),
        "people/parental_responsibility_end.html",
        "end_parental_responsibility",
        save,
        context={"responsibility": responsibility},
    )
    return response or redirect("people:person_detail", person_id=child.pk)


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
        "can_change_teams": rules.has_perm("people.change_family_teams", user),
        "can_view_access_log": scope.can_view_access_log(user),
        "confidential_text": presenters.CONFIDENTIAL_ADDRESS_TEXT,
    }
    return render(request, "people/family_detail.html", context)


@login_required
@require_GET
def family_access_log(request: HttpRequest, family_id) -> HttpResponse:
    family = selectors.get_family(request.user, family_id)
    return _access_log(request, family, "people/family_access_log.html", "families")


# ---------------------------------------------------------------- adding to a family


def _search_initial(terms: dict | None) -> dict:
    if not terms:
        return {}
    dob = terms.get("date_of_birth")
    return {
        "name": terms.get("name", ""),
        "date_of_birth": date.fromisoformat(dob) if dob else None,
        "postcode": terms.get("postcode", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def family_member_add(request: HttpRequest, family_id) -> HttpResponse:
    """Search before create: find the person among those the user can see, or go on to add them."""
    user = request.user
    family = selectors.get_family(user, family_id)
    adding = request.method == "POST" and "add" in request.POST
    searching = request.method == "POST" and not adding
    terms = None
    if searching:
        search_form = PersonSearchForm(request.POST)
        if search_form.is_valid():
            terms = search_form.stored_terms()
            # Kept server side, as on the search page: 'add a new person' checks for it.
            request.session[SEARCH_SESSION_KEY] = {**terms, "at": time.time()}
    else:
        recent = _recent_search(request)
        if adding and recent is None:
            messages.info(
                request,
                "Search for the person first, to check they are not already known to the service.",
            )
            return redirect("people:family_member_add", family_id=family.pk)
        # Coming back to the page keeps what they typed; results are shown again only
        # when they are choosing from them.
        terms = recent if adding else None
        search_form = PersonSearchForm(initial=_search_initial(recent))

    rows, already, too_many, found = [], [], False, 0
    if terms is not None:
        people, too_many = _run_search(user, terms)
        found = len(people)
        member_ids = set(family.members.values_list("person_id", flat=True))
        all_rows = presenters.search_rows(user, people)
        rows = [row for row in all_rows if row.person.pk not in member_ids]
        already = [row.person for row in all_rows if row.person.pk in member_ids]
    add_form = FamilyMemberAddForm(request.POST if adding else None, rows=rows)

    if adding and add_form.is_valid():
        try:
            services.family_add_member(
                actor=user,
                family=family,
                person=add_form.cleaned_data["person"],
                role=add_form.cleaned_data["role"],
                joined_on=clock.today(),
            )
        except ValidationError as error:
            _add_service_errors(add_form, error)
        else:
            messages.success(request, "Person added to the family")
            return redirect("people:family_detail", family_id=family.pk)

    if terms is not None:
        # The results show people: audited as a search (how many, never what was typed).
        audit_record(
            actor=user,
            action=Action.SEARCH,
            target="people.person",
            detail={"results": found, "page": "add_family_member"},
        )
    else:
        audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "add_member"})
    context = {
        "family": family,
        "form": add_form if adding else search_form,
        "search_form": search_form,
        "add_form": add_form,
        "searched": terms is not None,
        "found": found,
        "rows": rows,
        "already": already,
        "too_many": too_many,
        "new_person_url": f"{reverse('people:person_new')}?family={family.pk}",
        "nav_section": "families",
    }
    return render(request, "people/family_member_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_add(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = selectors.get_family(user, family_id)
    options = selectors.household_address_options(user, family)

    def save(form):
        services.household_create(actor=user, family=family, **form.household_fields())
        messages.success(request, "Household added")

    response = _subpage(
        request,
        family,
        HouseholdForm(_bound(request), address_options=options),
        "people/household_add.html",
        "add_household",
        save,
        audit_detail={"confidential_address_shown": any(o["confidential"] for o in options)},
    )
    return response or redirect("people:family_detail", family_id=family.pk)


@login_required
@require_http_methods(["GET", "POST"])
def household_members(request: HttpRequest, family_id, household_id: int) -> HttpResponse:
    user = request.user
    family = selectors.get_family(user, family_id)
    household = selectors.family_household(family, household_id)
    form = HouseholdMembersForm(
        _bound(request),
        candidates=selectors.household_candidates(family, household),
        current=household.memberships.filter(to_date__isnull=True),
    )

    def save(form):
        counts = services.household_set_members(
            actor=user, household=household, residents=form.chosen_residents()
        )
        if any(counts.values()):
            messages.success(request, "Who lives here saved")
        else:
            messages.info(request, "Nothing was changed, so nothing was saved.")

    response = _subpage(
        request,
        family,
        form,
        "people/household_members.html",
        "household_members",
        save,
        context={"household": household},
    )
    return response or redirect("people:family_detail", family_id=family.pk)


def _require_team_change(user) -> None:
    # The family is in scope (or we would have 404'd): seeing it but not being allowed is a 403.
    if not rules.has_perm("people.change_family_teams", user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def family_team_add(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = selectors.get_family(user, family_id)
    _require_team_change(user)

    def save(form):
        services.family_link_team(actor=user, family=family, team=form.cleaned_data["team"])
        messages.success(request, "Team added")

    response = _subpage(
        request,
        family,
        FamilyTeamForm(_bound(request), teams=selectors.teams_not_working_with(family)),
        "people/family_team_add.html",
        "add_team",
        save,
    )
    return response or redirect("people:family_detail", family_id=family.pk)


@login_required
@require_http_methods(["GET", "POST"])
def family_team_end(request: HttpRequest, family_id, link_id: int) -> HttpResponse:
    user = request.user
    family = selectors.get_family(user, family_id)
    _require_team_change(user)
    link = selectors.open_team_link(family, link_id)
    remaining = set(
        family.team_links.filter(ended_on__isnull=True)
        .exclude(pk=link.pk)
        .values_list("team_id", flat=True)
    )
    loses_access = not scope.sees_every_family(user) and not (
        selectors.working_team_ids(user) & remaining
    )

    def save(form):
        services.family_unlink_team(actor=user, family=family, team=link.team)
        messages.success(request, "Team\u2019s involvement ended")

    response = _subpage(
        request,
        family,
        ConfirmForm(_bound(request)),
        "people/family_team_end.html",
        "end_team",
        save,
        context={"link": link, "other_teams": bool(remaining), "loses_access": loses_access},
    )
    if response is not None:
        return response
    if not selectors.families_for(user).filter(pk=family.pk).exists():
        # Their own team was the way they could see the family: they can no longer open it.
        return redirect("people:family_list")
    return redirect("people:family_detail", family_id=family.pk)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return redirect("people:search")
