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
from dataclasses import dataclass, field
from datetime import date

# How many items a section lists on the home page; the rest are behind its "see all" link.
SHOWN = 5


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
    return sum(section.count for section in tray_for(user) if not section.informational)


def first(queryset, limit: int = SHOWN) -> tuple[int, list]:
    """A section's count and its first items, in two queries whatever the size."""
    count = queryset.count()
    return count, (list(queryset[:limit]) if count else [])
