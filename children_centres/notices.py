"""The person page's notice (``core.notices``): for a child under five, where they are
registered at a children's centre, with the way to record a contact or to register them; for a
child registered earlier, the same. Only for those who read the reach figures or record centre
work (one query for any number of children; none for anyone else)."""

from __future__ import annotations

import rules
from django.urls import reverse

from children_centres import reach, selectors
from core import clock
from core.notices import Notice
from people.models import Person


def _since(day) -> str:
    return f"{day.day} {day:%B %Y}"


def person(user, people: list) -> dict:
    if not rules.has_perm("children_centres.view_reach", user):
        return {}
    today = clock.today()
    children = [p for p in people if getattr(p, "kind", None) == Person.Kind.CHILD]
    if not children:
        return {}
    registered = selectors.open_registrations_by_child([c.pk for c in children])
    may_record = rules.has_perm("children_centres.record", user)
    found: dict = {}
    for child in children:
        open_ = registered.get(child.pk, [])
        under_five = reach.under_five_on(child.date_of_birth, today)
        if not open_ and not under_five:
            continue
        page = reverse("children_centres:child", kwargs={"person_id": child.pk})
        if open_:
            lines = tuple(
                f"Registered at {r.centre.name} since {_since(r.registered_on)}." for r in open_
            )
            if not under_five:
                lines += ("Now five or older: no longer counted in the reach figures.",)
            url, text = page, "See children's centre registrations and contacts"
            if may_record and under_five:
                url = reverse("children_centres:contact_new", kwargs={"person_id": child.pk})
                url += f"?centre={open_[0].centre_id}"
                text = "Record a children's centre contact"
        else:
            lines = ("Not registered at a children's centre.",)
            url, text = page, "See children's centre contacts"
            if may_record:
                url = reverse("children_centres:register", kwargs={"person_id": child.pk})
                text = "Register at a children's centre"
        found[child.pk] = [
            Notice(
                key="children_centre",
                title="Children's centre",
                lines=lines,
                url=url,
                link_text=text,
                kind="information",
            )
        ]
    return found
