"""The public "ask for help" journey: its pages in order and the answers kept between them.

Answers live in the server-side session (never in a URL or a cookie's value). Each page
knows the next and previous page from the answers so far; once the person has reached
"check your answers", every page returns there (or to the first question still to
answer), as the GOV.UK check answers pattern asks.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from core.models import Area
from support_requests.forms import NO, NOT_SURE, YES
from support_requests.models import SupportRequest, SupportRequestChild
from support_requests.services import ChildDetails

SESSION_KEY = "ask_for_help"
SENT_KEY = "ask_for_help_sent"
CHECKING = "_checking"

# Pages in order; "location" is only asked when the person is not sure of their area.
STEPS = ("area", "location", "who", "children", "happening", "help", "name", "contact", "consent")
URL_NAMES = {
    "start": "support_requests:ask_start",
    "area": "support_requests:ask_area",
    "location": "support_requests:ask_location",
    "who": "support_requests:ask_who",
    "children": "support_requests:ask_children",
    "happening": "support_requests:ask_happening",
    "help": "support_requests:ask_help",
    "name": "support_requests:ask_name",
    "contact": "support_requests:ask_contact",
    "consent": "support_requests:ask_consent",
    "check": "support_requests:ask_check",
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


def children(answers: dict) -> list[dict]:
    value = answers.get("children")
    if not isinstance(value, list):
        return []
    return [c for c in value if isinstance(c, dict)][: SupportRequestChild.MAX_PER_REQUEST]


def area_for(answers: dict) -> Area | None:
    code = answers.get("area")
    if not code or code == NOT_SURE:
        return None
    return Area.objects.filter(code=code).first()


def steps_for(answers: dict) -> list[str]:
    return [s for s in STEPS if s != "location" or answers.get("area") == NOT_SURE]


def is_answered(step: str, answers: dict) -> bool:
    if step == "area":
        return answers.get("area") == NOT_SURE or area_for(answers) is not None
    if step == "location":
        return bool(answers.get("location"))
    if step == "who":
        return answers.get("relationship") in SupportRequest.Relationship.values
    if step == "children":
        return bool(children(answers))
    if step == "happening":
        return bool(answers.get("what_is_happening"))
    if step == "help":
        return "help_wanted" in answers
    if step == "name":
        return bool(answers.get("requester_name"))
    if step == "contact":
        return all(
            answers.get(k) in (YES, NO) for k in ("can_call", "can_leave_message", "safe_to_write")
        )
    if step == "consent":
        return answers.get("consent") in SupportRequest.Consent.values
    raise ValueError(step)


def first_unanswered(answers: dict) -> str | None:
    return next((s for s in steps_for(answers) if not is_answered(s, answers)), None)


def next_url(current: str, answers: dict) -> str:
    if answers.get(CHECKING):
        return url(first_unanswered(answers) or "check")
    position = STEPS.index(current)
    for step in STEPS[position + 1 :]:
        if step in steps_for(answers):
            return url(step)
    return url("check")


def back_url(current: str, answers: dict) -> str:
    if answers.get(CHECKING):
        return url("check")
    position = STEPS.index(current)
    for step in reversed(STEPS[:position]):
        if step in steps_for(answers):
            return url(step)
    return url("start")


def submission_kwargs(answers: dict) -> dict:
    """The answers as keyword arguments for services.support_request_submit_public."""
    area = area_for(answers)
    return {
        "area": area,
        "location_given": answers.get("location", "") if area is None else "",
        "requester_name": answers.get("requester_name", ""),
        "requester_relationship": answers.get("relationship", ""),
        "requester_phone": answers.get("phone", ""),
        "requester_email": answers.get("email", ""),
        "can_call": answers.get("can_call") == YES,
        "can_leave_message": answers.get("can_leave_message") == YES,
        "safe_to_write": answers.get("safe_to_write") == YES,
        "contact_best_times": answers.get("best_times", ""),
        "contact_safety_notes": answers.get("safety_notes", ""),
        "children": [
            ChildDetails(
                first_name=child.get("first_name", ""),
                age_years=child.get("age"),
                date_of_birth=date.fromisoformat(child["date_of_birth"])
                if child.get("date_of_birth")
                else None,
            )
            for child in children(answers)
        ],
        "what_is_happening": answers.get("what_is_happening", ""),
        "help_wanted": answers.get("help_wanted", ""),
        "consent_to_contact_agencies": answers.get("consent", ""),
    }
