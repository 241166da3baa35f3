"""The council page, for system administrators: the council's values (contacts, cadences and
thresholds) by group, a change page per group with a reason, and every change's history. Thin:
the rules are in core.services_council and the reads in core.selectors_council."""

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import selectors, selectors_council, services_council
from core.concurrency import StaleVersionError
from core.forms import add_service_errors
from core.forms_council import GROUPS, GROUPS_BY_KEY, CouncilValuesForm, Group, initial_for
from core.models import COUNCIL_VALUE_LABELS, council_value_text

HISTORY_PAGE_SIZE = 50


def change_council_values_required(view):
    """A system administrator (403 for anyone else). Below sign-in and the allowed methods."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.has_perm("core.change_council_values", request.user):
            raise PermissionDenied("Only system administrators change the council's values")
        return view(request, *args, **kwargs)

    return wrapped


def _rows(group: Group, council) -> list[tuple[str, str, str]]:
    """(field name, label, value as shown) for each value of a group."""
    return [
        (name, COUNCIL_VALUE_LABELS[name], council_value_text(getattr(council, name)))
        for name in group.fields
    ]


@login_required
@require_http_methods(["GET"])
@change_council_values_required
def council_values(request: HttpRequest) -> HttpResponse:
    council = selectors.the_council()
    sections: dict[str, list] = {}
    if council is not None:
        for group in GROUPS:
            sections.setdefault(group.heading, []).append((group, _rows(group, council)))
    context = {
        "nav_section": "configuration",
        "council_record": council,
        "sections": list(sections.items()),
        "panels": selectors_council.council_panels(council) if council else [],
    }
    return render(request, "core/council/values.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@change_council_values_required
def council_values_change(request: HttpRequest, group: str) -> HttpResponse:
    chosen = GROUPS_BY_KEY.get(group)
    council = selectors.the_council()
    if chosen is None or council is None:
        raise Http404
    initial = {
        **initial_for(chosen, council),
        "version": selectors_council.council_values_version(council, chosen.fields),
    }
    form = CouncilValuesForm(request.POST or None, initial=initial, group=chosen)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services_council.council_values_change(
                actor=request.user,
                council=council,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersionError as error:
            # Keep what was typed; the next save compares with the values as they are now.
            council = selectors.the_council()
            posted = request.POST.copy()
            posted["version"] = selectors_council.council_values_version(council, chosen.fields)
            form = CouncilValuesForm(posted, initial=initial, group=chosen)
            form.is_valid()
            form.add_error(None, error.messages)
            stale = True
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{chosen.title}: your changes have been saved")
            return redirect("core:council_values")
    context = {
        "nav_section": "configuration",
        "group": chosen,
        "form": form,
        "stale": stale,
        "current": _rows(chosen, council) if stale else [],
    }
    return render(request, "core/council/change.html", context)


@login_required
@require_http_methods(["GET"])
@change_council_values_required
def council_values_history(request: HttpRequest) -> HttpResponse:
    council = selectors.the_council()
    if council is None:
        raise Http404
    page = Paginator(selectors_council.council_value_changes(council), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"nav_section": "configuration", "page": page, "changes": list(page.object_list)}
    return render(request, "core/council/history.html", context)
