"""The work tray: what is waiting for this person, on their home page, built from the records.

Each app knows what work it hands to whom (a request to triage, an assessment to sign off, a case
its agency must allocate), so each app owns its part of the tray: a provider, registered once when
the app is ready (``register`` in its ``AppConfig.ready``), that returns the sections that apply to
a user. Core, the lowest layer, shows them without importing any app.

A provider returns nothing for a role with no such work; otherwise a section with the number of
items and the first few, each linking straight to where the work is done. A section costs a fixed
number of queries whatever the data size (a count and a limited list), so the home page stays
constant in size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

# How many items a section lists on the home page; the rest are behind its "see all" link.
SHOWN = 5
# How many the page of a whole section lists (``section_in_full``); past that, it says how many
# more there are. The providers' own queries apply the limit, so the page stays constant in size.
IN_FULL = 200
_limit: ContextVar[int] = ContextVar("worktray_limit", default=SHOWN)


@dataclass(frozen=True)
class TrayItem:
    text: str
    url: str
    # What kind of thing and where it stands ("Waiting since 3 March", "Review due 14 May").
    hint: str = ""
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class TraySection:
    key: str  # stable, for tests and the page's ids: "requests_to_triage"
    title: str  # "Requests to triage"
    count: int
    items: list[TrayItem] = field(default_factory=list)
    more_url: str = ""  # the full list, when there are more than SHOWN
    more_text: str = ""
    # Something to know rather than to do (the messages sent to this person): shown apart from
    # the work and left out of the count of what is waiting.
    informational: bool = False

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


Provider = Callable[[object], Iterable[TraySection]]

_providers: list[tuple[int, str, Provider]] = []


def register(provider: Provider, *, order: int) -> None:
    """Add an app's provider; ``order`` places its sections on the page (lower first). Registering
    the same provider again (Django may call ``ready`` twice in tests) changes nothing."""
    name = f"{provider.__module__}.{provider.__qualname__}"
    if any(existing == name for _, existing, _ in _providers):
        return
    _providers.append((order, name, provider))
    _providers.sort(key=lambda entry: (entry[0], entry[1]))


def tray_for(user) -> list[TraySection]:
    """Every section of work waiting for ``user``, empty ones left out."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    sections: list[TraySection] = []
    for _, _, provider in _providers:
        sections.extend(section for section in provider(user) if section.count)
    return sections


def waiting_count(user) -> int:
    """How many things wait for ``user``: the sections' counts only (their lists are not read)."""
    token = _limit.set(0)
    try:
        return count_of(tray_for(user))
    finally:
        _limit.reset(token)


def count_of(sections: Iterable[TraySection]) -> int:
    return sum(section.count for section in sections if not section.informational)


def navigation_count(user) -> int:
    """What is waiting for ``user``, for the navigation on every page: one count query per kind of
    work their roles can have, whatever the data size (the lists are not read)."""
    return waiting_count(user)


def section_in_full(user, key: str) -> TraySection | None:
    """One section of ``user``'s tray with up to ``IN_FULL`` items (its "see all" page), or None
    when nothing of that kind waits for them."""
    token = _limit.set(IN_FULL)
    try:
        found = [section for section in tray_for(user) if section.key == key]
    finally:
        _limit.reset(token)
    return found[0] if found else None


def first(queryset, limit: int | None = None) -> tuple[int, list]:
    """A section's count and its first items (``SHOWN`` on the home page, ``IN_FULL`` on a
    section's own page), in two queries whatever the size."""
    limit = _limit.get() if limit is None else limit
    count = queryset.count()
    return count, (list(queryset[:limit]) if count and limit else [])
