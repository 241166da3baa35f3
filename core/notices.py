"""Notices on another app's page: what an app above has spotted about a record shown by an app
below, without the lower app importing it.

The triage page (support_requests) shows that a child had a request or a panel referral within
the last twelve months; the episode page (casework) shows the radar's flags and a repeat plan. The
app that knows registers, once in its ``AppConfig.ready``, a provider for a *place* (``"triage"``,
``"episode"``...); the page asks for the notices of its place with ``{% page_notices %}``
(``core.templatetags.notices``) or, for a list of records, ``notices_for_many``.

A provider answers for many records at once, ``{record.pk: [Notice, ...]}``, in a fixed number of
queries however many records there are, and only with what the reader may see: a list page stays
constant in size. A notice's words are plain text, escaped when shown; each says which rule spotted
it and from which facts, never only "alert".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# The places a page can ask about, so a typo in a provider's registration fails at start-up
# rather than showing nothing.
PLACES = frozenset(
    {
        "triage",  # a support request, at and after triage (support_requests)
        "panel_referral",  # a referral in the panel inbox, at logging (panel)
        "episode",  # an episode of early help (casework)
        "plan_review",  # recording a plan review (casework)
        "person",  # a person's page (people)
        "family",  # a family's page (people)
        "assessment",  # an assessment's page (assessments)
        "panel_case",  # a panel case's page (panel)
    }
)


@dataclass(frozen=True)
class Notice:
    key: str  # stable, for tests and ids: "repeat_referral"
    title: str  # "Repeat referral"
    lines: tuple[str, ...] = field(default_factory=tuple)  # the facts, in words
    url: str = ""
    link_text: str = ""
    # "warning" draws the eye (a pattern spotted); "information" is for what is simply so.
    kind: str = "warning"


# provider(user, records) -> {record.pk: [Notice]}
Provider = Callable[[object, list], dict]

_providers: dict[str, list[tuple[int, str, Provider]]] = {}


def register(place: str, provider: Provider, *, order: int) -> None:
    """Add an app's provider for ``place``; ``order`` places its notices (lower first).
    Registering the same provider again (Django may call ``ready`` twice in tests) changes
    nothing."""
    if place not in PLACES:
        raise ValueError(f"Unknown place for notices: {place!r}")
    name = f"{provider.__module__}.{provider.__qualname__}"
    entries = _providers.setdefault(place, [])
    if any(existing == name for _, existing, _ in entries):
        return
    entries.append((order, name, provider))
    entries.sort(key=lambda entry: (entry[0], entry[1]))


def notices_for_many(place: str, *, user, records: Iterable) -> dict:
    """Every provider's notices for each of ``records``: ``{pk: [Notice]}`` (records with none
    are left out)."""
    records = [record for record in records if record is not None]
    if not records or not getattr(user, "is_authenticated", False):
        return {}
    found: dict = {}
    for _, _, provider in _providers.get(place, []):
        for pk, notices in (provider(user, records) or {}).items():
            if notices:
                found.setdefault(pk, []).extend(notices)
    return found


def notices_for(place: str, *, user, record) -> list[Notice]:
    """The notices for one record on its own page."""
    if record is None:
        return []
    return notices_for_many(place, user=user, records=[record]).get(record.pk, [])
