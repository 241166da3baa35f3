"""The public "ask for help" pages: no sign-in, one question per page, answers in the session.

Rules every page here keeps:
- nothing is looked up in people or family records, so what anyone sees is the same
  whoever they name (a request can never reveal that someone is known to services);
- nothing typed goes in a URL, and pages are never cached (a shared computer);
- every POST counts towards the per-address page limit, and sending a request towards the
  per-address submission limit; over either, a GOV.UK "too many requests" page (429);
- every page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.middleware import client_ip
from core.models import Council
from support_requests import journey, selectors, services, throttle
from support_requests.forms import (
    NOT_SURE,
    YES,
    AddAnotherForm,
    AreaForm,
    ChildForm,
    ConsentForm,
    ContactForm,
    HappeningForm,
    HelpWantedForm,
    LocationForm,
    NameForm,
    QuestionForm,
    WhoForm,
)
from support_requests.models import SupportRequest, SupportRequestChild
from support_requests.presenters import check_answer_rows, child_summary

PAGE_POST_BUCKET = "ask_for_help_post"


def _council():
    return selectors.council()


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    council = _council()
    context = {
        # Where "Exit this page" goes (an ordinary, innocent page), from the council pack.
        "exit_page_url": council.public_exit_url
        if council
        else Council._meta.get_field("public_exit_url").default,
        "council_contact": council,
        **context,
    }
    return render(request, f"support_requests/ask/{template}", context, status=status)


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    response = _render(request, "too_many_requests.html", {}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def public_page(*methods: str) -> Callable:
    """Never cached; POSTs counted against the per-address limit before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method == "POST" and not throttle.allow(
                bucket=PAGE_POST_BUCKET,
                key=throttle.client_hash(client_ip(request)),
                rate=throttle.PAGE_POSTS,
            ):
                return too_many_requests(
                    request, retry_after=int(throttle.PAGE_POSTS.window.total_seconds())
                )
            return view(request, *args, **kwargs)

        return never_cache(require_http_methods(list(methods))(wrapped))

    return decorator


def _question(
    request: HttpRequest,
    *,
    step: str,
    form_class: type[QuestionForm],
    title: str,
    template: str = "question.html",
    on_valid: Callable[[dict], None] | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    answers = journey.load(request)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            answers.update(form.to_answers())
            if on_valid:
                on_valid(answers)
            journey.save(request, answers)
            return redirect(journey.next_url(step, answers))
    else:
        form = form_class(initial=form_class.initial_from(answers))
    context = {
        "form": form,
        "page_title": title,
        "back_url": journey.back_url(step, answers),
        **(extra or {}),
    }
    return _render(request, template, context)


@public_page("GET")
def ask_start(request: HttpRequest) -> HttpResponse:
    return _render(request, "start.html", {"first_question_url": journey.url("area")})


@public_page("GET", "POST")
def ask_area(request: HttpRequest) -> HttpResponse:
    def forget_location_if_area_known(answers: dict) -> None:
        if answers.get("area") != NOT_SURE:
            answers.pop("location", None)

    return _question(
        request,
        step="area",
        form_class=AreaForm,
        title="Which area do you live in?",
        on_valid=forget_location_if_area_known,
    )


@public_page("GET", "POST")
def ask_location(request: HttpRequest) -> HttpResponse:
    return _question(
        request, step="location", form_class=LocationForm, title="What is your town or postcode?"
    )


@public_page("GET", "POST")
def ask_who(request: HttpRequest) -> HttpResponse:
    return _question(request, step="who", form_class=WhoForm, title="Who is asking for help?")


# ---------------------------------------------------------------- children: add to a list


@public_page("GET", "POST")
def ask_children(request: HttpRequest) -> HttpResponse:
    """The children added so far, and 'Do you need to add another?'."""
    answers = journey.load(request)
    children = journey.children(answers)
    if not children:
        return redirect("support_requests:ask_child_add")
    full = len(children) >= SupportRequestChild.MAX_PER_REQUEST
    form = AddAnotherForm(request.POST or None)
    if request.method == "POST":
        if full:
            return redirect(journey.next_url("children", answers))
        if form.is_valid():
            if form.cleaned_data["add_another"] == YES:
                return redirect("support_requests:ask_child_add")
            return redirect(journey.next_url("children", answers))
    count = len(children)
    context = {
        "form": form,
        "full": full,
        "max_children": SupportRequestChild.MAX_PER_REQUEST,
        "rows": [(number, child_summary(child)) for number, child in enumerate(children, start=1)],
        "page_title": f"You have added {count} child{'' if count == 1 else 'ren'}",
        "back_url": journey.back_url("children", answers),
    }
    return _render(request, "children.html", context)


def _child_page(request: HttpRequest, *, number: int | None) -> HttpResponse:
    answers = journey.load(request)
    children = journey.children(answers)
    if number is None and len(children) >= SupportRequestChild.MAX_PER_REQUEST:
        return redirect("support_requests:ask_children")
    if number is not None and not 1 <= number <= len(children):
        raise Http404
    if request.method == "POST":
        form = ChildForm(request.POST)
        if form.is_valid():
            if number is None:
                children.append(form.to_child())
            else:
                children[number - 1] = form.to_child()
            answers["children"] = children
            journey.save(request, answers)
            return redirect("support_requests:ask_children")
    else:
        form = ChildForm(initial=ChildForm.initial_for(children[number - 1]) if number else None)
    if number is None and not children:
        title = "Tell us about the child or young person who needs help"
    elif number is None:
        title = "Tell us about another child or young person who needs help"
    else:
        title = "Change the details of a child or young person"
    context = {
        "form": form,
        "page_title": title,
        "is_first": not children,
        "young_person": answers.get("relationship") == SupportRequest.Relationship.YOUNG_PERSON,
        "back_url": journey.url("children") if children else journey.back_url("children", answers),
    }
    return _render(request, "child.html", context)


@public_page("GET", "POST")
def ask_child_add(request: HttpRequest) -> HttpResponse:
    return _child_page(request, number=None)


@public_page("GET", "POST")
def ask_child_change(request: HttpRequest, number: int) -> HttpResponse:
    return _child_page(request, number=number)


@public_page("POST")
def ask_child_remove(request: HttpRequest, number: int) -> HttpResponse:
    answers = journey.load(request)
    children = journey.children(answers)
    if not 1 <= number <= len(children):
        raise Http404
    del children[number - 1]
    answers["children"] = children
    journey.save(request, answers)
    return redirect("support_requests:ask_children")


# ---------------------------------------------------------------- the rest of the questions


@public_page("GET", "POST")
def ask_happening(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="happening",
        form_class=HappeningForm,
        title="What is happening that you would like help with?",
    )


@public_page("GET", "POST")
def ask_help(request: HttpRequest) -> HttpResponse:
    return _question(
        request, step="help", form_class=HelpWantedForm, title="What help would you like?"
    )


@public_page("GET", "POST")
def ask_name(request: HttpRequest) -> HttpResponse:
    return _question(request, step="name", form_class=NameForm, title="What is your name?")


@public_page("GET", "POST")
def ask_contact(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="contact",
        form_class=ContactForm,
        title="How can we contact you safely?",
        template="contact.html",
    )


@public_page("GET", "POST")
def ask_consent(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="consent",
        form_class=ConsentForm,
        title="Can we talk to other services that work with your family?",
    )


# ---------------------------------------------------------------- check, send, confirmation


@public_page("GET", "POST")
def ask_check(request: HttpRequest) -> HttpResponse:
    answers = journey.load(request)
    missing = journey.first_unanswered(answers)
    if missing:
        return redirect(journey.url(missing))
    if request.method == "POST":
        try:
            support_request = services.support_request_submit_public(
                **journey.submission_kwargs(answers), client_address=client_ip(request)
            )
        except services.TooManySubmissions:
            return too_many_requests(request, retry_after=3600)
        except ValidationError:
            # The pages check everything the service does; this is a stale or tampered session.
            return redirect(journey.url("area"))
        journey.clear(request)
        request.session[journey.SENT_KEY] = support_request.reference
        return redirect("support_requests:ask_sent")
    answers[journey.CHECKING] = True
    journey.save(request, answers)
    context = {
        "page_title": "Check your answers before sending your request",
        "sections": check_answer_rows(answers),
        "back_url": journey.url("consent"),
    }
    return _render(request, "check.html", context)


@public_page("GET")
def ask_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(journey.SENT_KEY)
    if not reference:
        return redirect("support_requests:ask_start")
    council = _council()
    # The promise on the confirmation page, from the council pack.
    working_days = (
        council.public_response_working_days
        if council
        else Council._meta.get_field("public_response_working_days").default
    )
    context = {"reference": reference, "working_days": working_days, "page_title": "Request sent"}
    return _render(request, "sent.html", context)
