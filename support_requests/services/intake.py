"""What every new request shares, whoever makes it: its reference and the children it is about."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from core import clock
from support_requests.models import SupportRequest, SupportRequestChild

MAX_CHILD_AGE = 25  # early help works with young people up to 25 with SEND
DATE_OF_BIRTH_IN_FUTURE = "Date of birth must be today or in the past"

# No vowels (so a reference never spells a word or a name) and no 0/O or 1/I.
_REFERENCE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"
REFERENCE_PREFIX = "REQ-"


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    age_years: int | None = None
    date_of_birth: date | None = None


def new_reference() -> str:
    while True:
        reference = REFERENCE_PREFIX + "".join(
            secrets.choice(_REFERENCE_ALPHABET) for _ in range(6)
        )
        if not SupportRequest.objects.filter(reference=reference).exists():
            return reference


def validate_children(children: Sequence[ChildDetails]) -> None:
    if not children:
        raise ValidationError({"children": "Tell us about at least one child or young person"})
    if len(children) > SupportRequestChild.MAX_PER_REQUEST:
        raise ValidationError(
            {
                "children": f"A request can be about at most {SupportRequestChild.MAX_PER_REQUEST} children"
            }
        )
    today = clock.today()
    # Worded as the pages word them, so a page and the API refuse a child the same way.
    for number, child in enumerate(children, start=1):
        if not child.first_name.strip():
            raise ValidationError({"children": f"Enter the first name of child {number}"})
        if child.age_years is None and child.date_of_birth is None:
            raise ValidationError({"children": "Every child needs an age or a date of birth"})
        if child.age_years is not None and not 0 <= child.age_years <= MAX_CHILD_AGE:
            raise ValidationError({"children": f"Ages must be between 0 and {MAX_CHILD_AGE}"})
        if child.date_of_birth is not None and child.date_of_birth > today:
            raise ValidationError({"children": DATE_OF_BIRTH_IN_FUTURE})


def save_children(support_request: SupportRequest, children: Sequence[ChildDetails]) -> None:
    SupportRequestChild.objects.bulk_create(
        SupportRequestChild(
            support_request=support_request,
            position=position,
            first_name=child.first_name.strip(),
            age_years=child.age_years,
            date_of_birth=child.date_of_birth,
        )
        for position, child in enumerate(children, start=1)
    )
