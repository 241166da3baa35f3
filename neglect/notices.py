"""Neglect's notices on lower apps' pages (``core.notices``): on a child's person page, their
current concern (or, for someone who may record one, the way to); on an episode, the children of
its family with a current concern. Each answers for any number of records in a fixed number of
queries, and only with concerns the reader may see."""

from __future__ import annotations

from django.urls import reverse

from core.notices import Notice
from neglect import selectors
from neglect.services import category_words
from people.models import Person


def _since(concern) -> str:
    return f"{concern.identified_on.day} {concern.identified_on:%B %Y}"


def _page(child_id) -> str:
    return reverse("neglect:child", kwargs={"person_id": child_id})


def person(user, people: list) -> dict:
    children = [p for p in people if getattr(p, "kind", None) == Person.Kind.CHILD]
    if not children:
        return {}
    current = selectors.current_concerns_by_child(user, [c.pk for c in children])
    may_record = user.has_perm("neglect.record_any")
    found: dict = {}
    for child in children:
        if child.pk in current:
            concern, categories = current[child.pk]
            found[child.pk] = [
                Notice(
                    key="neglect_current",
                    title=f"Neglect: current concern since {_since(concern)}",
                    lines=(f"Categories: {category_words(categories) or 'none recorded yet'}.",),
                    url=_page(child.pk),
                    link_text="See the neglect record",
                    kind="information",
                )
            ]
        else:
            found[child.pk] = [
                Notice(
                    key="neglect_none",
                    title="Neglect",
                    lines=("No current neglect concern is recorded for this child.",),
                    url=reverse("neglect:concern_record", kwargs={"person_id": child.pk})
                    if may_record
                    else "",
                    link_text="Record a neglect concern",
                    kind="information",
                )
            ]
    return found


def episode(user, episodes: list) -> dict:
    by_family: dict = {}
    for record in episodes:
        by_family.setdefault(record.family_id, []).append(record.pk)
    current = selectors.current_concerns_by_family(user, list(by_family))
    found: dict = {}
    for concern, categories in current:
        notice = Notice(
            key="neglect_current",
            title=f"Neglect: {concern.child.full_name}",
            lines=(
                f"Current concern since {_since(concern)}: "
                f"{category_words(categories) or 'no categories recorded yet'}.",
            ),
            url=_page(concern.child_id),
            link_text="See the neglect record",
            kind="information",
        )
        for pk in by_family.get(concern.family_id, ()):
            found.setdefault(pk, []).append(notice)
    return found
