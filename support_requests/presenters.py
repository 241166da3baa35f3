"""Turning answers and requests into what pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date

from support_requests import journey
from support_requests.forms import NOT_SURE, YES
from support_requests.models import SupportRequest

GOV_DATE = "j F Y"


def describe_age(age: int | None, born: date | None) -> str:
    parts = []
    if age is not None:
        parts.append("under 1 year old" if age == 0 else f"{age} year{'' if age == 1 else 's'} old")
    if born is not None:
        parts.append(f"born {format_date(born, GOV_DATE)}")
    return ", ".join(parts)


def child_summary(child: dict) -> dict:
    born = date.fromisoformat(child["date_of_birth"]) if child.get("date_of_birth") else None
    return {"first_name": child.get("first_name", ""), "age": describe_age(child.get("age"), born)}


@dataclass
class Row:
    key: str
    value: str | list[str]
    change_step: str
    change_label: str

    @property
    def change_url(self) -> str:
        return journey.url(self.change_step)

    @property
    def lines(self) -> list[str]:
        return self.value if isinstance(self.value, list) else [self.value]


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


def _yes_no(value: str) -> str:
    return "Yes" if value == YES else "No"


def check_answer_rows(answers: dict) -> list[Section]:
    area = journey.area_for(answers)
    if answers.get("area") == NOT_SURE:
        where = [
            Row("Area", "I’m not sure", "area", "area"),
            Row("Town or postcode", answers.get("location", ""), "location", "town or postcode"),
        ]
    else:
        where = [Row("Area", area.name if area else "", "area", "area")]
    relationship = SupportRequest.Relationship(answers["relationship"])
    who_label = {
        SupportRequest.Relationship.PARENT_CARER: "A parent or carer",
        SupportRequest.Relationship.YOUNG_PERSON: "A young person asking for help for themself",
        SupportRequest.Relationship.OTHER_FAMILY: "Another family member",
    }[relationship]
    children = [child_summary(c) for c in journey.children(answers)]
    consent = SupportRequest.Consent(answers["consent"])
    consent_label = {
        SupportRequest.Consent.YES: "Yes",
        SupportRequest.Consent.NO: "No",
        SupportRequest.Consent.UNSURE: "I’m not sure – I’d like to talk about it first",
    }[consent]
    return [
        Section(
            "About you",
            [
                *where,
                Row("Who is asking", who_label, "who", "who is asking for help"),
                Row("Your name", answers.get("requester_name", ""), "name", "your name"),
            ],
        ),
        Section(
            "Who needs help",
            [
                Row(
                    "Children and young people",
                    [f"{c['first_name']}, {c['age']}" for c in children],
                    "children",
                    "children and young people",
                ),
                Row(
                    "What is happening",
                    answers.get("what_is_happening", ""),
                    "happening",
                    "what is happening",
                ),
                Row(
                    "Help you would like",
                    answers.get("help_wanted") or "Not given",
                    "help",
                    "help you would like",
                ),
            ],
        ),
        Section(
            "How to contact you safely",
            [
                Row("Phone number", answers.get("phone") or "Not given", "contact", "phone number"),
                Row(
                    "Safe to call you",
                    _yes_no(answers.get("can_call", "")),
                    "contact",
                    "whether it is safe to call you",
                ),
                Row(
                    "Voicemail or text message",
                    _yes_no(answers.get("can_leave_message", "")),
                    "contact",
                    "whether we can leave a voicemail or send a text message",
                ),
                Row(
                    "Email address", answers.get("email") or "Not given", "contact", "email address"
                ),
                Row(
                    "Safe to email or write to you",
                    _yes_no(answers.get("safe_to_write", "")),
                    "contact",
                    "whether it is safe to email or write to you",
                ),
                Row(
                    "Best times to contact you",
                    answers.get("best_times") or "Not given",
                    "contact",
                    "best times to contact you",
                ),
                Row(
                    "Anything else to contact you safely",
                    answers.get("safety_notes") or "Not given",
                    "contact",
                    "anything else we should know to contact you safely",
                ),
            ],
        ),
        Section(
            "Talking to other services",
            [
                Row(
                    "Can we talk to other services",
                    consent_label,
                    "consent",
                    "whether we can talk to other services",
                ),
            ],
        ),
    ]


# What a request's status means for the member of staff who made it, and what happens next.
_Status = SupportRequest.Status
OWN_REQUEST_STATUS: dict[str, tuple[str, str]] = {
    _Status.RECEIVED: (
        "Your request has been received.",
        "An early support team leader for the area will look at it and decide what support "
        "the family needs. The key contact may get in touch with you about it.",
    ),
    _Status.IN_TRIAGE: (
        "An early support team leader is looking at your request.",
        "They may talk to you or the family before deciding what support the family needs.",
    ),
    _Status.SIGNPOSTED: (
        "The family has been signposted to another service.",
        "The team leader decided another service is the best place to help. Early support "
        "will not take any further action on this request.",
    ),
    _Status.SINGLE_AGENCY: (
        "The family will get single-agency support.",
        "One agency will support the family. Early support will not start an assessment.",
    ),
    _Status.ASSESSMENT: (
        "An early support assessment has been agreed.",
        "A worker will start an early support assessment with the family.",
    ),
    _Status.ASSESSMENT_STARTED: (
        "An early support assessment has started.",
        "A worker is carrying out an early support assessment with the family. They may refer "
        "the family to the multi-agency panel when it is done.",
    ),
    _Status.PANEL_REFERRAL: (
        "The request has been referred to the panel.",
        "The multi-agency panel will decide what support the family needs and which agency "
        "will lead it.",
    ),
    _Status.LEAD_PROFESSIONAL_ALLOCATED: (
        "A lead professional is working with the family.",
        "The lead professional coordinates the family’s support. Contact them about the family.",
    ),
    _Status.SUPPORT_ENDED: (
        "Early support for the family has ended.",
        "The family’s early support has closed. Make a new request if they need help again.",
    ),
    _Status.REFERRED_TO_DUTY_TEAM: (
        "The request was referred to the duty team.",
        "There were concerns that a child is in need or at risk of significant harm, so this "
        "is not early help. Children’s social care deal with it through the duty team.",
    ),
    _Status.CLOSED: (
        "The request has been closed.",
        "No further action will be taken on this request. Contact the early support team "
        "if you think this is wrong.",
    ),
}


def own_request_status(status: str) -> dict[str, str]:
    summary, next_step = OWN_REQUEST_STATUS.get(status, ("The request’s status is not known.", ""))
    return {"summary": summary, "next_step": next_step}
