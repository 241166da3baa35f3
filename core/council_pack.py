"""Load a council pack: the configuration that makes this installation one council's product.

The product serves any English council, so everything that differs between councils (the
council's contacts, its early help areas and sites, the agencies and teams that use the product
and the levels of its Continuum of Need and Response) is data in a YAML pack, never code.

A pack is validated in full before anything is written, so a mistake is reported with the key
that caused it rather than half-loaded. Loading is idempotent, keyed by ``code`` (and by level
number for need levels), because the pack is re-applied on every deploy: a row is only written
when one of its values differs, so a re-run with an unchanged pack writes nothing and says so.
Rows missing from the pack are left alone, because case records refer to them (PROTECT) and
retiring an area or team is a deliberate act, not a side effect of editing a file.

The council's values (its contacts, timescales and sign-off: every ``council`` key but ``code``)
can also be changed between deploys by a system administrator on the council page
(``/service/council/``, ``core.services_council``), so the pack and the page must not fight.
Each value's changes are kept as ``CouncilValueChange`` rows, from either source: the loader
writes one (source "pack", no person) for each value it sets, and one for every value when it
creates the council. A value whose latest change was made on the page is left alone by the
loader, which says so in its summary (``duty_team_phone: kept the value changed on the page on 3
March 2027 by A Admin.``) on every load, until the pack is updated to the page's value: then the
loader writes a row saying the pack agrees, and from that load on the pack sets the value again.
So an urgent change on the page survives the next deploy, and the pack file catches up with it
rather than silently undoing it.

Pack layout (keys are model field names)::

    council: {code, name, service_name, duty_team_name, duty_team_phone, duty_team_email,
              duty_team_out_of_hours_phone, duty_team_instructions, early_support_phone,
              early_support_email, assessment_sign_off_required, privacy_notice_url,
              public_exit_url, public_response_working_days, plan_review_weeks}
    areas: [{code, name, sort_order?, sites: [{code, kind, name, address?}]}]
    agencies: [{code, name, sector?, is_early_support_service?, panel_seat?, sort_order?}]
    teams: [{code, name, agency: <agency code>, area?: <area code>}]
    need_levels: [{level, name, description, response?, is_statutory?}]
    panels?: [...]   (optional; read and loaded by the panel app, see below)

A section about something that lives in an app above core (core must not import those apps) is
read and loaded by that app, which registers the section with ``register_section`` when it is
ready. Its rules live with its reader: the ``panels`` section (the Early Support Multi-Agency
Panels and their seats) is described and checked in ``panel/council_pack.py``. A registered
section is validated with the rest of the pack before anything is written, its errors name the
key at fault in the same way (``panels[0].weekday: ...``), and it is loaded in the same
transaction. A pack with such a section fails clearly when nothing has registered to read it,
rather than loading without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core import clock, selectors_council
from core.models import (
    COUNCIL_VALUE_LABELS,
    Agency,
    Area,
    Council,
    CouncilValueChange,
    NeedLevel,
    Site,
    Team,
)
from core.services_council import council_value_history_add

Values = dict[str, Any]

# Why the pack wrote a history row that changes nothing: it takes a value back from the page.
PACK_AGREES = "The council pack now gives the value changed on the page, so the pack sets it again"

# The sections core reads itself, in the order they are read and loaded.
SECTIONS = ("council", "areas", "agencies", "teams", "need_levels")
_KINDS = ("council", "areas", "sites", "agencies", "teams", "need levels")
# Sections of the pack format that an app above core reads, and that app: a pack with one of
# them must not load without it just because the app did not register its reader.
EXTRA_SECTIONS = {
    "panels": "panel",
    "retention": "dataprotection",
    "neglect": "neglect",
    "patterns": "patterns",
    "radar": "radar",
    "supervision": "oversight",
    "outcomes": "outcomes",
    "reporting": "reporting",
    "offer": "offer",
    "children_centres": "children_centres",
}


class PackError(ValueError):
    """A council pack that cannot be loaded. The message names the key at fault."""


@dataclass
class PackResult:
    """What loading a pack did, per kind of row, so a deploy log shows whether anything changed."""

    council_code: str
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    # Things a person should look at: e.g. seats left out of the pack that still have members.
    notes: list[str] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    @property
    def total_unchanged(self) -> int:
        return sum(self.unchanged.values())

    @property
    def changed(self) -> bool:
        return bool(self.total_created or self.total_updated or sum(self.removed.values()))

    def summary(self) -> str:
        """One line for a deploy log."""
        changes = ", ".join(
            f"{kind} +{self.created[kind]} ~{self.updated[kind]}"
            + (f" -{self.removed[kind]}" if self.removed[kind] else "")
            for kind in _summary_kinds(self)
            if self.created[kind] or self.updated[kind] or self.removed[kind]
        )
        removed = sum(self.removed.values())
        return (
            f"Council pack '{self.council_code}': {self.total_created} created, "
            f"{self.total_updated} updated, {self.total_unchanged} unchanged"
            + (f", {removed} removed" if removed else "")
            + (f" ({changes})" if changes else "")
            + "."
            + "".join(f" {note}" for note in self.notes)
        )


def _summary_kinds(result: PackResult) -> list[str]:
    """Core's kinds, then each registered section's, then any other counted (never hidden)."""
    kinds = [*_KINDS, *(kind for section in _sections.values() for kind in section.kinds)]
    counted = [*result.created, *result.updated, *result.removed]
    return list(dict.fromkeys([*kinds, *counted]))


@dataclass
class Plan:
    """A pack that has passed validation, ready to write."""

    council: Values
    areas: list[Values]
    sites: list[tuple[str, Values]]
    agencies: list[Values]
    teams: list[tuple[str, str | None, Values]]
    need_levels: list[Values]
    # What each registered section's reader returned, by section name.
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def area_codes(self) -> set[str]:
        return {area["code"] for area in self.areas}


@dataclass(frozen=True)
class Loaded:
    """The rows core has just written, for a registered section to link its own rows to."""

    council_id: int
    area_ids: dict[str, int]
    agency_ids: dict[str, int]
    result: PackResult


@dataclass(frozen=True)
class Section:
    """A pack section read and loaded by an app above core.

    ``read(root, plan)`` reads the section from the pack's root ``Node`` (so its errors carry
    the same locations), checking codes against the core sections already in ``plan``; it raises
    ``PackError`` and writes nothing. ``load(values, loaded)`` writes what ``read`` returned,
    inside the pack's transaction, counting rows in ``loaded.result`` under ``kinds``.
    """

    name: str
    read: Callable[[Node, Plan], Any]
    load: Callable[[Any, Loaded], None]
    kinds: tuple[str, ...] = ()


_sections: dict[str, Section] = {}


def register_section(
    name: str,
    *,
    read: Callable[[Node, Plan], Any],
    load: Callable[[Any, Loaded], None],
    kinds: tuple[str, ...] = (),
) -> None:
    """Register the one reader of a pack section. Registering the same one again is harmless."""
    if name not in EXTRA_SECTIONS:
        raise RuntimeError(
            f"'{name}' is not a council pack section another app may read; "
            f"expected one of {', '.join(EXTRA_SECTIONS)}"
        )
    section = Section(name=name, read=read, load=load, kinds=tuple(kinds))
    registered = _sections.get(name)
    if registered is not None and registered != section:
        raise RuntimeError(
            f"A reader for the council pack's '{name}' section is already registered"
        )
    _sections[name] = section


def _all_sections() -> tuple[str, ...]:
    return (*SECTIONS, *_sections)


class Node:
    """One mapping in the pack, read with its location so errors can say where they are."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise PackError(
                f"{where or 'pack'}: expected a mapping of keys to values, got {kind_of(data)}"
            )
        self.data = data
        self.where = where
        self._read: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> Any:
        self._read.add(key)
        return self.data.get(key)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self._get(key)
        if value is None:
            if required:
                raise PackError(f"{self.at(key)}: required but missing")
            return default
        if not isinstance(value, str):
            raise PackError(f"{self.at(key)}: expected text, got {kind_of(value)}")
        value = value.strip()
        if required and not value:
            raise PackError(f"{self.at(key)}: required but empty")
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise PackError(f"{self.at(key)}: expected true or false, got {value!r}")
        return value

    def number(self, key: str, *, default: int | None = None) -> int:
        value = self._get(key)
        if value is None:
            if default is None:
                raise PackError(f"{self.at(key)}: required but missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PackError(f"{self.at(key)}: expected a whole number, got {value!r}")
        return value

    def value(self, key: str) -> Any:
        """The raw value at ``key`` (``None`` when missing), for a reader that checks it itself."""
        return self._get(key)

    def date_value(self, key: str) -> date:
        """A required date, written ``2027-01-06``."""
        value = self._get(key)
        if value is None:
            raise PackError(f"{self.at(key)}: required but missing")
        if isinstance(value, datetime):
            raise PackError(
                f"{self.at(key)}: expected a date such as 2027-01-06, got a date and time"
            )
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise PackError(f"{self.at(key)}: expected a date such as 2027-01-06, got {value!r}")

    def time_value(self, key: str, default: time) -> time:
        """A time of day written ``"HH:MM"`` in quotes, or ``default`` when missing."""
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 11:30 as the number 690 (base 60).
            raise PackError(
                f'{self.at(key)}: expected a time in quotes such as "09:30", got the number '
                f"{value} (put the time in quotes)"
            )
        if isinstance(value, str):
            parts = value.strip().split(":")
            if len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts):
                hours, minutes = int(parts[0]), int(parts[1])
                if hours < 24 and minutes < 60:
                    return time(hours, minutes)
        raise PackError(f'{self.at(key)}: expected a time such as "09:30" (HH:MM), got {value!r}')

    def child(self, key: str) -> Node:
        value = self._get(key)
        if value is None:
            raise PackError(f"{self.at(key)}: required but missing")
        return Node(value, self.at(key))

    def items(self, key: str, *, required: bool = True) -> Iterator[tuple[int, Node]]:
        value = self._get(key)
        if value is None and not required:
            return
        if not isinstance(value, list) or (required and not value):
            raise PackError(f"{self.at(key)}: expected a non-empty list, got {kind_of(value)}")
        for index, item in enumerate(value):
            yield index, Node(item, f"{self.at(key)}[{index}]")

    def done(self) -> None:
        """Refuse keys nobody read, so a typo such as ``pannel_seat`` is not silently ignored."""
        unknown = sorted(str(key) for key in self.data if key not in self._read)
        if unknown:
            where = self.where or "pack"
            raise PackError(f"{where}: unknown key(s) {', '.join(unknown)}")


def kind_of(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def read_pack(source: str | PathLike[str] | Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the pack as a mapping, from a YAML file or as given."""
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{path}: cannot read council pack ({exc.strerror or exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, Mapping):
        raise PackError(f"{path}: expected a mapping with keys {', '.join(_all_sections())}")
    return data


def _check_fields(model: type[models.Model], values: Values, where: str) -> None:
    """Apply the model's own field rules (slugs, lengths, emails, choices) before any write."""
    try:
        model(**values).clean_fields(
            exclude=[f.name for f in model._meta.concrete_fields if f.is_relation]
        )
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            problem = f"{where}.{name}: {' '.join(messages)}"
            choices = model._meta.get_field(name).choices
            if choices:
                problem += f" Use one of: {', '.join(str(value) for value, _ in choices)}."
            problems.append(problem)
        raise PackError("; ".join(problems)) from exc


def _check_unique(codes: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for code, where in codes:
        if code in seen:
            raise PackError(f"{where}.code: duplicate {what} code '{code}' (also at {seen[code]})")
        seen[code] = where


def _read_council(root: Node) -> Values:
    node = root.child("council")
    council: Values = {
        "code": node.text("code"),
        "name": node.text("name"),
        "service_name": node.text(
            "service_name", required=False, default=Council._meta.get_field("service_name").default
        ),
        "duty_team_name": node.text("duty_team_name"),
        "duty_team_phone": node.text("duty_team_phone"),
        "duty_team_email": node.text("duty_team_email", required=False),
        "duty_team_out_of_hours_phone": node.text("duty_team_out_of_hours_phone", required=False),
        "duty_team_instructions": node.text("duty_team_instructions", required=False),
        "early_support_phone": node.text("early_support_phone", required=False),
        "early_support_email": node.text("early_support_email", required=False),
        "assessment_sign_off_required": node.flag("assessment_sign_off_required"),
        "privacy_notice_url": node.text("privacy_notice_url", required=False),
        "public_exit_url": node.text(
            "public_exit_url",
            required=False,
            default=Council._meta.get_field("public_exit_url").default,
        ),
        "public_response_working_days": node.number(
            "public_response_working_days",
            default=Council._meta.get_field("public_response_working_days").default,
        ),
        "plan_review_weeks": node.number(
            "plan_review_weeks", default=Council._meta.get_field("plan_review_weeks").default
        ),
    }
    node.done()
    _check_fields(Council, council, node.where)
    try:
        Council(**council).clean()  # the same limits as the council page
    except ValidationError as exc:
        raise PackError(
            "; ".join(
                f"{node.where}.{name}: {' '.join(messages)}"
                for name, messages in exc.message_dict.items()
            )
        ) from exc
    return council


def _read_areas(root: Node) -> tuple[list[Values], list[tuple[str, Values]]]:
    """Areas, and the sites in each as (area code, site) pairs: a site belongs to one area."""
    areas: list[Values] = []
    sites: list[tuple[str, Values]] = []
    area_where: list[tuple[str, str]] = []
    site_where: list[tuple[str, str]] = []
    for index, node in root.items("areas"):
        area = {
            "code": node.text("code"),
            "name": node.text("name"),
            "sort_order": node.number("sort_order", default=index + 1),
        }
        _check_fields(Area, area, node.where)
        for _, site_node in node.items("sites", required=False):
            site = {
                "code": site_node.text("code"),
                "kind": site_node.text("kind"),
                "name": site_node.text("name"),
                "address": site_node.text("address", required=False),
            }
            site_node.done()
            _check_fields(Site, site, site_node.where)
            sites.append((area["code"], site))
            site_where.append((site["code"], site_node.where))
        node.done()
        areas.append(area)
        area_where.append((area["code"], node.where))
    _check_unique(area_where, "area")
    _check_unique(site_where, "site")
    return areas, sites


def _read_agencies(root: Node) -> list[Values]:
    """Agencies, exactly one of them the early support service, which sees every family."""
    agencies: list[Values] = []
    where: list[tuple[str, str]] = []
    for index, node in root.items("agencies"):
        agency = {
            "code": node.text("code"),
            "name": node.text("name"),
            "sector": node.text("sector", required=False, default=Agency.Sector.OTHER.value),
            "is_early_support_service": node.flag("is_early_support_service"),
            "panel_seat": node.flag("panel_seat"),
            "sort_order": node.number("sort_order", default=index + 1),
        }
        node.done()
        _check_fields(Agency, agency, node.where)
        agencies.append(agency)
        where.append((agency["code"], node.where))
    _check_unique(where, "agency")
    early_support = [a["code"] for a in agencies if a["is_early_support_service"]]
    if len(early_support) != 1:
        raise PackError(
            "agencies: exactly one agency must have is_early_support_service: true; "
            f"found {len(early_support)} {early_support}"
        )
    return agencies


def _read_teams(
    root: Node, area_codes: set[str], agency_codes: set[str]
) -> list[tuple[str, str | None, Values]]:
    """Teams as (agency code, area code or None, team), every code checked against the pack."""
    teams: list[tuple[str, str | None, Values]] = []
    where: list[tuple[str, str]] = []
    for _, node in root.items("teams"):
        team = {"code": node.text("code"), "name": node.text("name")}
        agency_code = node.text("agency")
        area_code = node.text("area", required=False) or None
        node.done()
        if agency_code not in agency_codes:
            raise PackError(f"{node.at('agency')}: unknown agency code '{agency_code}'")
        if area_code is not None and area_code not in area_codes:
            raise PackError(f"{node.at('area')}: unknown area code '{area_code}'")
        _check_fields(Team, team, node.where)
        teams.append((agency_code, area_code, team))
        where.append((team["code"], node.where))
    _check_unique(where, "team")
    return teams


def _read_need_levels(root: Node) -> list[Values]:
    """Levels numbered 1..N: councils differ in how many, never in having gaps."""
    levels: list[Values] = []
    for _, node in root.items("need_levels"):
        level = {
            "level": node.number("level"),
            "name": node.text("name"),
            "description": node.text("description"),
            "response": node.text("response", required=False),
            "is_statutory": node.flag("is_statutory"),
        }
        node.done()
        _check_fields(NeedLevel, level, node.where)
        levels.append(level)
    numbers = sorted(level["level"] for level in levels)
    duplicates = sorted(n for n, count in Counter(numbers).items() if count > 1)
    if duplicates:
        raise PackError(f"need_levels: duplicate level number(s) {duplicates}")
    if numbers != list(range(1, len(numbers) + 1)):
        raise PackError(
            f"need_levels: level numbers must run 1 to {len(numbers)} with no gaps; got {numbers}"
        )
    return levels


def validate_pack(data: Mapping[str, Any]) -> Plan:
    """Check the whole pack and return what to write, or raise ``PackError`` naming the key."""
    root = Node(data, "")
    unread = sorted(str(key) for key in root.data if key in EXTRA_SECTIONS and key not in _sections)
    if unread:
        apps = sorted({EXTRA_SECTIONS[key] for key in unread})
        raise PackError(
            f"pack: nothing is registered to read the {', '.join(unread)} section(s) "
            f"(is the {', '.join(apps)} app installed?)"
        )
    expected = _all_sections()
    unknown = sorted(str(key) for key in root.data if key not in expected)
    if unknown:
        raise PackError(
            f"pack: unknown section(s) {', '.join(unknown)}; expected {', '.join(expected)}"
        )
    council = _read_council(root)
    areas, sites = _read_areas(root)
    agencies = _read_agencies(root)
    teams = _read_teams(root, {a["code"] for a in areas}, {a["code"] for a in agencies})
    need_levels = _read_need_levels(root)
    plan = Plan(council, areas, sites, agencies, teams, need_levels)
    for name, section in _sections.items():
        plan.sections[name] = section.read(root, plan)
    return plan


def upsert(
    model: type[models.Model],
    *,
    lookup: Mapping[str, Any],
    values: Values,
    result: PackResult,
    kind: str,
) -> models.Model:
    """Create the row ``lookup`` finds, or update only the fields of ``values`` that differ,
    counting it in ``result`` as ``kind``. Every section's loader uses it (core's and the apps').

    Not ``update_or_create``: that saves on every call, and a re-applied pack must write
    nothing when nothing changed.
    """
    wanted = {name: value for name, value in values.items() if name not in lookup}
    obj = model.objects.filter(**lookup).order_by("pk").first()
    if obj is None:
        result.created[kind] += 1
        return model.objects.create(**lookup, **wanted)
    changed = [name for name, value in wanted.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, wanted[name])
        obj.save(update_fields=changed)
        result.updated[kind] += 1
    else:
        result.unchanged[kind] += 1
    return obj


def _by_key(
    model: type[models.Model], key: str, values: Values, result: PackResult, kind: str
) -> models.Model:
    return upsert(model, lookup={key: values[key]}, values=values, result=result, kind=kind)


def _who(change: CouncilValueChange) -> str:
    actor = change.actor
    if actor is None:
        return "someone"
    return actor.get_full_name() or actor.get_username()


def _load_council(values: Values, result: PackResult) -> Council:
    """Create or update the council row, writing a history row for each value the pack sets,
    and leaving alone each value changed on the council page since the pack last set it."""
    council = Council.objects.filter(code=values["code"]).first()
    if council is None:
        council = Council.objects.create(**values)
        result.created["council"] += 1
        for name in COUNCIL_VALUE_LABELS:
            council_value_history_add(
                council=council,
                field=name,
                old="",
                new=getattr(council, name),
                source=CouncilValueChange.Source.PACK,
            )
        return council
    latest = selectors_council.council_value_latest_changes(council)
    changed = []
    for name, wanted in values.items():
        if name == "code":
            continue
        current = getattr(council, name)
        last = latest.get(name)
        if last is not None and last.source == CouncilValueChange.Source.PAGE:
            if current != wanted:
                on = clock.local(last.at)
                result.notes.append(
                    f"{name}: kept the value changed on the page on {on.day} {on:%B %Y} "
                    f"by {_who(last)}."
                )
            else:
                # The pack has caught up with the page: it sets this value again from now on.
                council_value_history_add(
                    council=council,
                    field=name,
                    old=current,
                    new=wanted,
                    source=CouncilValueChange.Source.PACK,
                    reason=PACK_AGREES,
                )
                result.notes.append(
                    f"{name}: the pack now agrees with the page, and sets it again."
                )
            continue
        if current != wanted:
            council_value_history_add(
                council=council,
                field=name,
                old=current,
                new=wanted,
                source=CouncilValueChange.Source.PACK,
            )
            setattr(council, name, wanted)
            changed.append(name)
    if changed:
        council.save(update_fields=changed)
        result.updated["council"] += 1
    else:
        result.unchanged["council"] += 1
    return council


def _guard_one_council(code: str) -> None:
    """One installation serves one council: refuse to turn it into another."""
    others = list(Council.objects.exclude(code=code).values_list("code", flat=True))
    if others:
        raise PackError(
            f"council.code: this installation already serves council '{others[0]}'; "
            f"refusing to load a pack for '{code}'"
        )


def load_council_pack(source: str | PathLike[str] | Mapping[str, Any]) -> PackResult:
    """Validate a pack (a YAML path or an already-parsed mapping) and load it idempotently.

    Everything is written in one transaction, so a pack either loads completely or not at all.
    """
    plan = validate_pack(read_pack(source))
    result = PackResult(council_code=plan.council["code"])
    with transaction.atomic():
        _guard_one_council(plan.council["code"])
        _load_council(plan.council, result)
        area_ids = {
            area["code"]: _by_key(Area, "code", area, result, "areas").pk for area in plan.areas
        }
        for area_code, site in plan.sites:
            _by_key(Site, "code", {**site, "area_id": area_ids[area_code]}, result, "sites")
        agency_ids = {
            agency["code"]: _by_key(Agency, "code", agency, result, "agencies").pk
            for agency in plan.agencies
        }
        for agency_code, area_code, team in plan.teams:
            links = {
                "agency_id": agency_ids[agency_code],
                "area_id": area_ids[area_code] if area_code else None,
            }
            _by_key(Team, "code", {**team, **links}, result, "teams")
        for level in plan.need_levels:
            _by_key(NeedLevel, "level", level, result, "need levels")
        loaded = Loaded(
            council_id=Council.objects.get(code=plan.council["code"]).pk,
            area_ids=area_ids,
            agency_ids=agency_ids,
            result=result,
        )
        for name, values in plan.sections.items():
            _sections[name].load(values, loaded)
    return result
