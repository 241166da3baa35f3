"""The family's risk and vulnerability factors, shown where casework asks (core.notices): on the
plan review being recorded, with a link to revisit them, and on the episode page. Each provider
answers for any number of records in a fixed number of queries, and only for families the reader
can see."""

from __future__ import annotations

from django.urls import reverse

from core.notices import Notice
from people.selectors import families_for
from risk_factors import selectors
from risk_factors.models import FactorReview

TITLE = "Risk and vulnerability factors"


def _lines(factors) -> tuple[str, ...]:
    if not factors:
        return ("No risk or vulnerability factors are recorded as present.",)
    lines = []
    for factor in factors:
        who = f" ({factor.person.full_name})" if factor.person is not None else ""
        lines.append(f"{factor.get_factor_display()}{who}: since {factor.noted_on:%-d %B %Y}")
    return tuple(lines)


def _visible(user, family_ids) -> set:
    return set(families_for(user).filter(pk__in=list(family_ids)).values_list("pk", flat=True))


def plan_review_notices(user, records) -> dict:
    """On recording a plan review: the present factors and a link to review them."""
    family_of = {review.pk: review.episode.family_id for review in records}
    visible = _visible(user, set(family_of.values()))
    if not visible:
        return {}
    present = selectors.present_by_family(visible)
    reviewed = set(
        FactorReview.objects.filter(plan_review_id__in=list(family_of)).values_list(
            "plan_review_id", flat=True
        )
    )
    found = {}
    for review_pk, family_id in family_of.items():
        if family_id not in visible:
            continue
        lines = _lines(present.get(family_id, []))
        if review_pk in reviewed:
            lines += ("Reviewed at this plan review.",)
        else:
            lines += ("Ask what has changed for each of them at this review.",)
        found[review_pk] = [
            Notice(
                key="risk_factors",
                title=TITLE,
                lines=lines,
                url=reverse("risk_factors:review", kwargs={"review_id": review_pk}),
                link_text="Review risk and vulnerability factors",
                kind="information",
            )
        ]
    return found


def episode_notices(user, records) -> dict:
    """On the episode page: a summary of the family's present factors, with a link to them."""
    family_of = {episode.pk: episode.family_id for episode in records}
    visible = _visible(user, set(family_of.values()))
    if not visible:
        return {}
    present = selectors.present_by_family(visible)
    found = {}
    for episode_pk, family_id in family_of.items():
        if family_id not in visible:
            continue
        found[episode_pk] = [
            Notice(
                key="risk_factors",
                title=TITLE,
                lines=_lines(present.get(family_id, [])),
                url=reverse("risk_factors:family", kwargs={"family_id": family_id}),
                link_text="See and change the family’s risk and vulnerability factors",
                kind="information",
            )
        ]
    return found
