"""Factors offered from what the record already says, so nobody types what the product knows.

Each offer names the factor, the person where it has one, and in words where it comes from
("Date of birth 3 May 2026: 7 months old, under 18 months"). An offer is never recorded by
itself: the practitioner accepts it (one click) or leaves it. A factor already present is not
offered again.

Structured facts make firm offers (a date of birth, a disability or young carer recorded on a
person, a care order, a domestic abuse entry on the chronology). Free text (the assessment's
family and environment sections, a request's "what is happening") makes an offer only when it
mentions a factor's words, and says so: "mentions 'alcohol'", never more of the text, and it may
well be a mention that there is no concern, which is why a person decides.

A fixed number of queries whatever the family's size (``offers_for``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from assessments.models import AssessmentSection
from assessments.sections import SECTIONS_BY_KEY
from assessments.selectors import assessments_for
from core import clock
from people.models import (
    ChronologyEntry,
    FamilyMember,
    ParentalResponsibility,
    Person,
    Relationship,
    YesNoUnknown,
)
from risk_factors.models import CHILD_FACTORS, Factor, RiskFactor, Source
from support_requests.selectors import requests_for

UNDER_MONTHS = 18
# How far back a domestic abuse entry on the chronology makes an offer.
DOMESTIC_ABUSE_LOOKBACK = timedelta(days=365)

# Words that, in free text, suggest a factor. Matched from the start of a word, ignoring case.
KEYWORDS: dict[str, tuple[str, ...]] = {
    Factor.PARENTAL_MENTAL_HEALTH: ("mental health", "depression", "depressed", "anxiety"),
    Factor.SUBSTANCE_MISUSE: ("drug", "substance", "cannabis", "heroin", "cocaine"),
    Factor.ALCOHOL_MISUSE: ("alcohol", "drinking", "drunk"),
    Factor.DOMESTIC_ABUSE: ("domestic abuse", "domestic violence", "coercive control"),
    Factor.PARENTAL_LEARNING_DISABILITY: ("learning disabilit", "learning difficult"),
    Factor.PARENT_ABUSED_AS_CHILD: (
        "abused as a child",
        "neglected as a child",
        "grew up in care",
        "adverse childhood",
    ),
    Factor.POVERTY: ("poverty", "debt", "food bank", "foodbank", "arrears"),
    Factor.UNSUITABLE_HOUSING: (
        "overcrowd",
        "damp",
        "mould",
        "homeless",
        "eviction",
        "unsuitable housing",
        "temporary accommodation",
    ),
}
_PATTERNS = {
    factor: [(word, re.compile(r"\b" + re.escape(word), re.IGNORECASE)) for word in words]
    for factor, words in KEYWORDS.items()
}
# The assessment's sections about the family's circumstances, read for these words.
ASSESSMENT_SECTIONS = ("parenting", "environment", "risks", "history")


@dataclass(frozen=True)
class Offer:
    factor: str
    person: Person | None
    source: str
    source_detail: str  # where it comes from, in words
    origin: str  # which fact: "date_of_birth", "assessment"... (part of the key)

    @property
    def key(self) -> str:
        """Stable while the facts stay the same: the page posts it back to accept the offer."""
        return f"{self.factor}:{self.person.pk if self.person else '-'}:{self.origin}"

    @property
    def factor_label(self) -> str:
        return str(Factor(self.factor).label)

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label)


def months_old(born: date, on: date) -> int:
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day:
        months -= 1
    return max(months, 0)


def is_under_18_months(born: date | None, on: date) -> bool:
    return born is not None and born <= on < clock.add_months(born, UNDER_MONTHS)


def _when(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _mentions(text: str) -> list[tuple[str, str]]:
    """(factor, word) for each factor the text mentions, the first word found for each."""
    found = []
    for factor, patterns in _PATTERNS.items():
        for word, pattern in patterns:
            if pattern.search(text):
                found.append((factor, word))
                break
    return found


def _text_values(answers: dict) -> list[str]:
    return [value for value in (answers or {}).values() if isinstance(value, str) and value]


def offers_for(user, family, *, today: date | None = None) -> list[Offer]:
    """What the record says that is not yet recorded as a present factor, for a family the user
    can see. Assessments and requests come through their own scoped selectors."""
    today = today or clock.today()
    members = list(
        FamilyMember.objects.filter(family=family)
        .select_related("person")
        .order_by("person__date_of_birth", "person__last_name", "person_id")
    )
    people = {member.person_id: member.person for member in members}
    children = [p for p in people.values() if p.kind == Person.Kind.CHILD]
    child_ids = [child.pk for child in children]
    present = set(
        RiskFactor.objects.filter(family=family, status=RiskFactor.Status.PRESENT).values_list(
            "factor", "person_id"
        )
    )
    present_factors = {factor for factor, _ in present}
    offers: list[Offer] = []

    def offer(factor, person, source, detail, origin):
        if person is not None and (factor, person.pk) in present:
            return
        if person is None and factor in present_factors:
            return
        if any(o.factor == factor and o.person == person for o in offers):
            return
        offers.append(Offer(factor, person, source, detail, origin))

    # Children's own records.
    for child in children:
        born = child.date_of_birth
        if is_under_18_months(born, today):
            offer(
                Factor.CHILD_UNDER_18_MONTHS,
                child,
                Source.RECORD,
                f"Date of birth {_when(born)}: {months_old(born, today)} months old, "
                f"under {UNDER_MONTHS} months",
                "date_of_birth",
            )
        if child.disability == YesNoUnknown.YES:
            offer(
                Factor.DISABLED_CHILD,
                child,
                Source.RECORD,
                "Their record says they have a disability",
                "disability",
            )
        if child.is_young_carer:
            offer(
                Factor.YOUNG_CARER,
                child,
                Source.RECORD,
                "Their record says they are a young carer",
                "young_carer",
            )
    # In care: the local authority has parental responsibility (a care order), or a foster
    # carer is recorded.
    care_orders = ParentalResponsibility.objects.filter(
        child_id__in=child_ids, basis=ParentalResponsibility.Basis.LOCAL_AUTHORITY
    ).exclude(to_date__lte=today)
    for order in care_orders.order_by("from_date", "pk"):
        since = f" since {_when(order.from_date)}" if order.from_date else ""
        offer(
            Factor.CHILD_IN_CARE,
            people[order.child_id],
            Source.RECORD,
            f"Parental responsibility: the local authority (care order){since}",
            "care_order",
        )
    fostered = Relationship.objects.filter(
        relative_id__in=child_ids, kind=Relationship.Kind.FOSTER_CARER
    ).order_by("pk")
    for relationship in fostered:
        offer(
            Factor.CHILD_IN_CARE,
            people[relationship.relative_id],
            Source.RECORD,
            "Relationships: a foster carer is recorded",
            "foster_carer",
        )
    # Domestic abuse on anyone's chronology in the last year.
    entries = ChronologyEntry.objects.filter(
        person_id__in=list(people),
        category=ChronologyEntry.Category.DOMESTIC_ABUSE,
        occurred_on__gte=today - DOMESTIC_ABUSE_LOOKBACK,
        occurred_on__lte=today,
    ).order_by("-occurred_on", "-pk")
    for entry in entries:
        offer(
            Factor.DOMESTIC_ABUSE,
            None,
            Source.RECORD,
            f"Chronology: domestic abuse on {_when(entry.occurred_on)}",
            "chronology",
        )
    # Words in the family's assessments (newest first), then in requests for support.
    sections = (
        AssessmentSection.objects.filter(
            assessment__in=assessments_for(user).filter(family=family),
            key__in=ASSESSMENT_SECTIONS,
            child__isnull=True,
        )
        .select_related("assessment")
        .order_by("-assessment__created_at", "-assessment_id", "pk")
    )
    for section in sections:
        form = SECTIONS_BY_KEY[section.key].form
        started = _when(clock.local(section.assessment.created_at).date())
        for text in _text_values(section.answers):
            for factor, word in _mentions(text):
                if factor in CHILD_FACTORS:
                    continue
                offer(
                    factor,
                    None,
                    Source.ASSESSMENT,
                    f"Assessment started {started}, section {form.number} "
                    f"({form.title}), mentions “{word}”",
                    "assessment",
                )
    requests = (
        requests_for(user)
        .filter(family=family)
        .only("reference", "created_at", "what_is_happening", "help_wanted")
        .order_by("-created_at", "pk")
    )
    for request in requests:
        received = _when(clock.local(request.created_at).date())
        for text in (request.what_is_happening, request.help_wanted):
            for factor, word in _mentions(text or ""):
                offer(
                    factor,
                    None,
                    Source.REQUEST,
                    f"Request for support {request.reference} (received {received}) "
                    f"mentions “{word}”",
                    "request",
                )
    return offers


def find_offer(offers: list[Offer], key: str) -> Offer | None:
    return next((offer for offer in offers if offer.key == key), None)
