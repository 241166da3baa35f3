"""A practitioner's request for support: its pages in order and the answers kept between them.

Like the public journey (support_requests.journey): answers live in the server-side session,
never in a URL; once the practitioner has reached "check your answers", every page returns
there (or to the first question still to answer).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Area
from people.models import Family
from support_requests import selectors
from support_requests.forms import NO, YES
from support_requests.models import SupportRequest
from support_requests.staff_forms import NO_FAMILY, children_details, yes_no_value

SESSION_KEY = "practitioner_request"
SENT_KEY = "practitioner_request_sent"
CHECKING = "_checking"

# "children" is asked only when the family is not picked from the practitioner's scope.
STEPS = ("family", "children", "area", "route", "happening", "concern", "consent")
URL_NAMES = {
    "start": "support_requests:new_start",
    "family": "support_requests:new_family",
    "children": "support_requests:new_children",
    "area": "support_requests:new_area",
    "route": "support_requests:new_route",
    "happening": "support_requests:new_happening",
    "concern": "support_requests:new_concern",
    "duty_team": "support_requests:new_duty_team",
    "consent": "support_requests:new_consent",
    "consent_needed": "support_requests:new_consent_needed",
    "check": "support_requests:new_check",
}


def url(step: str) -> str:
    return reverse(URL_NAMES[step])


def load(request) -> dict:
    stored = request.session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def save(request, answers: dict) -> None:
    request.session[SESSION_KEY] = answers


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def family_for(user, answers: dict) -> Family | None:
    """The chosen family, only while it is still in the user's scope."""
    value = answers.get("family")
    if not value or value == NO_FAMILY:
        return None
    try:
        return selectors.families_to_request_for(user).filter(pk=value).first()
    except (ValidationError, ValueError):  # a tampered session: not a UUID
        return None


def area_for(answers: dict) -> Area | None:
    code = answers.get("area")
    return Area.objects.filter(code=code).first() if code else None


def children(answers: dict) -> list[dict]:
    value = answers.get("children")
    if not isinstance(value, list):
        return []
    return [c for c in value if isinstance(c, dict) and c.get("first_name")]


def steps_for(answers: dict) -> list[str]:
    return [s for s in STEPS if s != "children" or answers.get("family") == NO_FAMILY]


def is_answered(step: str, answers: dict, user) -> bool:
    if step == "family":
        return answers.get("family") == NO_FAMILY or family_for(user, answers) is not None
    if step == "children":
        return bool(children(answers))
    if step == "area":
        return area_for(answers) is not None
    if step == "route":
        return answers.get("route") in SupportRequest.Route.values
    if step == "happening":
        return bool(answers.get("what_is_happening")) and bool(
            answers.get("single_agency_support_tried")
        )
    if step == "concern":
        return answers.get("concern") in (YES, NO)
    if step == "consent":
        return answers.get("consent") in (YES, NO)
    raise ValueError(step)


def first_unanswered(answers: dict, user) -> str | None:
    return next((s for s in steps_for(answers) if not is_answered(s, answers, user)), None)


def needs_consent(answers: dict) -> bool:
    """The family does not know or agree, and there are no safeguarding concerns."""
    return answers.get("consent") == NO and answers.get("concern") != YES


def next_url(current: str, answers: dict, user) -> str:
    if current == "consent" and needs_consent(answers):
        return url("consent_needed")
    # A "yes" to the concerns question shows the duty team's contact on the very next page,
    # before anything is sent, as the question promises.
    if current == "concern" and answers.get("concern") == YES:
        return url("duty_team")
    if current == "duty_team":
        current = "concern"
    if answers.get(CHECKING):
        return url(first_unanswered(answers, user) or "check")
    position = STEPS.index(current)
    for step in STEPS[position + 1 :]:
        if step in steps_for(answers):
            return url(step)
    return url("check")


def back_url(current: str, answers: dict) -> str:
    if answers.get(CHECKING):
        return url("check")
    if current == "duty_team":
        return url("concern")
    if current == "consent" and answers.get("concern") == YES:
        return url("duty_team")
    position = STEPS.index(current)
    for step in reversed(STEPS[:position]):
        if step in steps_for(answers):
            return url(step)
    return url("start")


def submission_kwargs(answers: dict, user) -> dict:
    """The answers as keyword arguments for services.support_request_submit_practitioner."""
    family = family_for(user, answers)
    return {
        "family": family,
        "children": [] if family else children_details(children(answers)),
        "area": area_for(answers),
        "what_is_happening": answers.get("what_is_happening", ""),
        "single_agency_support_tried": answers.get("single_agency_support_tried", ""),
        "family_knows_and_consents": yes_no_value(answers.get("consent", "")),
        "safeguarding_concern": yes_no_value(answers.get("concern", "")),
        "route": answers.get("route", ""),
    }
