"""What every new request shares, whoever makes it: its reference and the children it is about."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from core import clock
from support_requests.models import SupportRequest, SupportRequestChild

MAX_CHILD_AGE = 25  # early help works with young people up to 25 with SEND
DATE_OF_BIRTH_IN_FUTURE = "Date of birth must be today or in the past"
AGE_DOES_NOT_MATCH_DATE_OF_BIRTH = "The age does not match the date of birth"

# Long enough for a family's story, short enough for a team leader to read in triage. A longer
# answer is refused, never cut: cutting it would lose what the person wrote without telling them.
WHAT_IS_HAPPENING_MAX_CHARACTERS = 5000
WHAT_IS_HAPPENING_TOO_LONG = (
    f"What is happening must be {WHAT_IS_HAPPENING_MAX_CHARACTERS:,} characters or fewer"
)

ENTER_A_REAL_POSTCODE = "Enter a real postcode"
# The well-known simplified shape of a UK postcode (outward code, then inward code), which
# catches mistyped ones without needing the postcode file.
_UK_POSTCODE = re.compile(r"(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})")

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


def town_or_postcode(value: str) -> str:
    """A town or a postcode as it is kept: a postcode in capitals with one space before its
    last three characters, a town with its spaces tidied.

    Town names have no digits, so an answer with a digit in it is taken as a postcode and must
    be a real one. Raises ValidationError(ENTER_A_REAL_POSTCODE) when it is not.
    """
    text = " ".join(value.split())
    if not any(character.isdigit() for character in text):
        return text
    postcode = "".join(text.split()).upper()
    if not _UK_POSTCODE.fullmatch(postcode):
        raise ValidationError(ENTER_A_REAL_POSTCODE)
    return f"{postcode[:-3]} {postcode[-3:]}"


def check_what_is_happening(text: str) -> None:
    """Raises ValidationError(WHAT_IS_HAPPENING_TOO_LONG) when the answer is over the limit."""
    if len(text.strip()) > WHAT_IS_HAPPENING_MAX_CHARACTERS:
        raise ValidationError(WHAT_IS_HAPPENING_TOO_LONG)


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day``: a birthday counts from the day itself."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_age_matches_date_of_birth(age_years: int | None, date_of_birth: date | None) -> None:
    """When both are given, the age must be the one the date of birth gives today.

    Raises ValidationError(AGE_DOES_NOT_MATCH_DATE_OF_BIRTH) when it is not.
    """
    if age_years is None or date_of_birth is None:
        return
    if age_on(date_of_birth, clock.today()) != age_years:
        raise ValidationError(AGE_DOES_NOT_MATCH_DATE_OF_BIRTH)


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
        try:
            check_age_matches_date_of_birth(child.age_years, child.date_of_birth)
        except ValidationError as error:
            raise ValidationError({"children": error.messages}) from None


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
