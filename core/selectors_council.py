"""Reads for the council page: the council's values, their history, and the panels' cadences."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db.models import QuerySet

from core.models import Council, CouncilValueChange, council_value_text


def council_values_version(council: Council, fields: Iterable[str]) -> str:
    """A digest of the values a change page shows: the page sends back the one it read, and the
    change is refused if any of them moved on meanwhile (on the page or by the council pack).
    The Council model has no version number; this compares the values themselves."""
    state = "|".join(f"{name}={council_value_text(getattr(council, name))}" for name in fields)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def council_value_changes(council: Council) -> QuerySet[CouncilValueChange]:
    """Every change to the council's values, newest first, with who made it."""
    return CouncilValueChange.objects.filter(council=council).select_related("actor")


def council_value_latest_changes(council: Council) -> dict[str, CouncilValueChange]:
    """The latest change to each value (by field name): the pack's loader reads it to leave a
    value changed on the page alone."""
    latest: dict[str, CouncilValueChange] = {}
    for change in CouncilValueChange.objects.filter(council=council).select_related("actor"):
        latest.setdefault(change.field, change)  # newest first (the model's ordering)
    return latest


def council_panels(council: Council) -> list:
    """The council's panels, for their cadences (read-only) on the council page.

    Read through the reverse relation the panel app's Panel declares on Council
    (``related_name="panels"``), so core imports nothing from the panel app; without that app
    there are simply none."""
    panels = getattr(council, "panels", None)
    if panels is None:
        return []
    return list(panels.select_related("area").order_by("-active", "name"))
