"""Links between a person's history and the records of the apps above people, without people
importing them.

A chronology entry written by a service names the record it came from by a short code and an id
("episode", "3f2c…"); the app that owns that kind of record registers, once in its
``AppConfig.ready``, how to link to it (``register_link``). The link is worked out when the page
is shown, from the id alone (no query), and the linked page applies its own scope: a reader who
may not see the record gets that page's 404, as if they had typed the address.

The person page lists the episodes and assessments a person is part of the same way: an app
registers a provider (``register_person_records``) that returns, for a list of people already in
the reader's scope, the records about each of them that the reader may see, in a fixed number of
queries however many records there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.urls import NoReverseMatch


@dataclass(frozen=True)
class RecordLink:
    text: str  # "View the episode"
    url: str


_links: dict[str, tuple[str, Callable[[str], str]]] = {}
_readers: dict[str, Callable[[object, str], bool]] = {}


def register_link(record_type: str, *, text: str, url: Callable[[str], str]) -> None:
    """``url(record_id)`` returns the path of the record's page; it must not query the database
    (it runs once per entry shown). Registering a type again replaces it (Django may call
    ``ready`` twice in tests)."""
    _links[record_type] = (text, url)


def link_for(record_type: str, record_id: str) -> RecordLink | None:
    """The link for a record, or None for an entry typed by hand or a type nobody registered."""
    if not record_type or not record_id or record_type not in _links:
        return None
    text, url = _links[record_type]
    try:
        return RecordLink(text=text, url=url(record_id))
    except (NoReverseMatch, ValueError):
        # An id that is not one (a row changed outside the services): no link, never an error.
        return None


def register_reader(record_type: str, reads: Callable[[object, str], bool]) -> None:
    """``reads(user, record_id)`` says whether the user may read the record, by the owning app's
    own scope (one query). An app below asks through ``may_read`` about a record it holds only a
    link to (the offer's signpost from a request with no family record yet)."""
    _readers[record_type] = reads


def may_read(user, record_type: str, record_id: str) -> bool:
    """False for a type nobody registered, an empty id, or a record out of the user's scope."""
    reads = _readers.get(record_type)
    if reads is None or not record_id:
        return False
    return bool(reads(user, str(record_id)))


@dataclass(frozen=True)
class PersonRecord:
    """One piece of work about a person, as the person page lists it."""

    kind: str  # "Episode", "Assessment"
    title: str  # "Early help episode", "Early help assessment (version 2)"
    status: str  # the record's own words: "Open", "Signed off"
    url: str
    started_on: date | None = None
    ended_on: date | None = None
    # The people working on it, for "professionals involved": (name, role, agency, email).
    professionals: tuple[tuple[str, str, str, str], ...] = field(default_factory=tuple)


# A provider answers for many people at once: {person_id: [records]}.
PersonRecordsProvider = Callable[[object, list], dict]

_person_providers: list[tuple[int, str, PersonRecordsProvider]] = []


def register_person_records(provider: PersonRecordsProvider, *, order: int) -> None:
    """Add an app's provider; ``order`` places its records on the page (lower first)."""
    name = f"{provider.__module__}.{provider.__qualname__}"
    if any(existing == name for _, existing, _ in _person_providers):
        return
    _person_providers.append((order, name, provider))
    _person_providers.sort(key=lambda entry: (entry[0], entry[1]))


def person_records(user, people: Iterable) -> dict:
    """``{person_id: [PersonRecord, ...]}`` for people the caller already found in scope."""
    people = list(people)
    found: dict = {person.pk: [] for person in people}
    if not people:
        return found
    for _, _, provider in _person_providers:
        for person_id, records in provider(user, people).items():
            found.setdefault(person_id, []).extend(records)
    return found
