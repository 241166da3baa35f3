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

Pack layout (keys are model field names)::

    council: {code, name, service_name, duty_team_name, duty_team_phone, duty_team_email,
              duty_team_out_of_hours_phone, duty_team_instructions, early_support_phone,
              early_support_email, assessment_sign_off_required, privacy_notice_url,
              public_exit_url, public_response_working_days, plan_review_weeks}
    areas: [{code, name, sort_order?, sites: [{code, kind, name, address?}]}]
    agencies: [{code, name, sector?, is_early_support_service?, panel_seat?, sort_order?}]
    teams: [{code, name, agency: <agency code>, area?: <area code>}]
    need_levels: [{level, name, description, response?, is_statutory?}]
    panels?: [{name, area?, weekday?, first_meeting, starts?, ends?, location?,
               publication_working_days?, cutoff_days?, quorum_members?, seats: [<agency code>, ...]}]

Panels (optional section) are the Early Support Multi-Agency Panels — the partners' meeting that
decides which agency leads the support for a family referred to it — keyed by
``name`` within the council:

``name``
    The panel's name, unique in the council; renaming a panel in the pack makes a new one.
``area``
    An area code; leave it out for one panel for the whole council.
``weekday``
    The day it meets, ``monday`` to ``friday`` (default ``wednesday``).
``first_meeting``
    The date of the first meeting (``2027-01-06``), on that weekday; it meets every two
    weeks from then on, never before.
``starts`` / ``ends``
    Meeting times as ``"HH:MM"`` in quotes (YAML reads an unquoted ``11:30`` as a number);
    default 09:30 to 12:00.
``location``
    Where it usually meets (free text, e.g. ``Microsoft Teams``).
``publication_working_days``
    How many working days before the meeting the agenda is published (1-10, default 3).
``cutoff_days``
    How many days before the meeting referrals close, at 12 noon (1-28, default 7).
``quorum_members``
    How many members, each from a different seat, must be present with the chair or deputy
    before the panel may decide (1-20, default 4).
``seats``
    Agency codes, one seat per agency; each agency must have ``panel_seat: true``.

The members who sit in the seats, and the chair and deputy, are people (staff users), not
configuration, so they are not in the pack: they are managed in the product. Re-loading a
pack adds missing seats and removes seats no longer listed only if nobody sits in them; a
seat that still has members is kept and reported in the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.models import Agency, Area, Council, NeedLevel, Site, Team
from panel import calendar as panel_calendar
from panel.models import DEFAULT_QUORUM_MEMBERS, Panel, PanelSeat, Weekday

Values = dict[str, Any]

SECTIONS = ("council", "areas", "agencies", "teams", "need_levels", "panels")
_KINDS = ("council", "areas", "sites", "agencies", "teams", "need levels", "panels", "panel seats")
WEEKDAYS = {label.lower(): value for value, label in Weekday.choices}


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
            for kind in _KINDS
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


@dataclass
class _Plan:
    """A pack that has passed validation, ready to write."""

    council: Values
    areas: list[Values]
    sites: list[tuple[str, Values]]
    agencies: list[Values]
    teams: list[tuple[str, str | None, Values]]
    need_levels: list[Values]
    # (area code or None, panel values, seat agency codes)
    panels: list[tuple[str | None, Values, list[str]]] = field(default_factory=list)


class _Node:
    """One mapping in the pack, read with its location so errors can say where they are."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise PackError(
                f"{where or 'pack'}: expected a mapping of keys to values, got {_kind(data)}"
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
            raise PackError(f"{self.at(key)}: expected text, got {_kind(value)}")
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

    def child(self, key: str) -> _Node:
        value = self._get(key)
        if value is None:
            raise PackError(f"{self.at(key)}: required but missing")
        return _Node(value, self.at(key))

    def items(self, key: str, *, required: bool = True) -> Iterator[tuple[int, _Node]]:
        value = self._get(key)
        if value is None and not required:
            return
        if not isinstance(value, list) or (required and not value):
            raise PackError(f"{self.at(key)}: expected a non-empty list, got {_kind(value)}")
        for index, item in enumerate(value):
            yield index, _Node(item, f"{self.at(key)}[{index}]")

    def done(self) -> None:
        """Refuse keys nobody read, so a typo such as ``pannel_seat`` is not silently ignored."""
        unknown = sorted(str(key) for key in self.data if key not in self._read)
        if unknown:
            where = self.where or "pack"
            raise PackError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _kind(value: Any) -> str:
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
        raise PackError(f"{path}: expected a mapping with keys {', '.join(SECTIONS)}")
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


def _read_council(root: _Node) -> Values:
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
    return council


def _read_areas(root: _Node) -> tuple[list[Values], list[tuple[str, Values]]]:
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


def _read_agencies(root: _Node) -> list[Values]:
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
    root: _Node, area_codes: set[str], agency_codes: set[str]
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


def _read_need_levels(root: _Node) -> list[Values]:
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


def _date_at(node: _Node, key: str) -> date:
    value = node._get(key)
    if value is None:
        raise PackError(f"{node.at(key)}: required but missing")
    if isinstance(value, datetime):
        raise PackError(f"{node.at(key)}: expected a date such as 2027-01-06, got a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PackError(f"{node.at(key)}: expected a date such as 2027-01-06, got {value!r}")


def _time_at(node: _Node, key: str, default: time) -> time:
    value = node._get(key)
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 11:30 as the number 690 (base 60).
        raise PackError(
            f'{node.at(key)}: expected a time in quotes such as "09:30", got the number {value} '
            "(put the time in quotes)"
        )
    if isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts):
            hours, minutes = int(parts[0]), int(parts[1])
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
    raise PackError(f'{node.at(key)}: expected a time such as "09:30" (HH:MM), got {value!r}')


# Panel model fields as the pack names them, so errors point at the pack's own key.
_PANEL_KEYS = {
    "first_meeting_date": "first_meeting",
    "start_time": "starts",
    "end_time": "ends",
    "weekday": "weekday",
    "publication_working_days": "publication_working_days",
    "cutoff_days": "cutoff_days",
    "name": "name",
    "location": "location",
}


def _read_panels(
    root: _Node, area_codes: set[str], agencies: list[Values]
) -> list[tuple[str | None, Values, list[str]]]:
    """Panels as (area code or None, panel, seat agency codes), every code checked."""
    seated = {a["code"]: a["panel_seat"] for a in agencies}
    panels: list[tuple[str | None, Values, list[str]]] = []
    names: dict[str, str] = {}
    for _, node in root.items("panels", required=False):
        area_code = node.text("area", required=False) or None
        if area_code is not None and area_code not in area_codes:
            raise PackError(f"{node.at('area')}: unknown area code '{area_code}'")
        weekday_name = node.text("weekday", required=False, default="wednesday").lower()
        if weekday_name not in WEEKDAYS:
            raise PackError(
                f"{node.at('weekday')}: unknown weekday '{weekday_name}'. "
                f"Use one of: {', '.join(WEEKDAYS)}."
            )
        panel = {
            "name": node.text("name"),
            "weekday": WEEKDAYS[weekday_name],
            "first_meeting_date": _date_at(node, "first_meeting"),
            "start_time": _time_at(node, "starts", panel_calendar.DEFAULT_START_TIME),
            "end_time": _time_at(node, "ends", panel_calendar.DEFAULT_END_TIME),
            "location": node.text("location", required=False),
            "publication_working_days": node.number(
                "publication_working_days",
                default=panel_calendar.DEFAULT_PUBLICATION_WORKING_DAYS,
            ),
            "cutoff_days": node.number("cutoff_days", default=panel_calendar.DEFAULT_CUTOFF_DAYS),
            "quorum_members": node.number("quorum_members", default=DEFAULT_QUORUM_MEMBERS),
        }
        seats: list[str] = []
        value = node._get("seats")
        if not isinstance(value, list) or not value:
            raise PackError(
                f"{node.at('seats')}: expected a non-empty list of agency codes, got {_kind(value)}"
            )
        for index, code in enumerate(value):
            at = f"{node.at('seats')}[{index}]"
            if not isinstance(code, str):
                raise PackError(f"{at}: expected an agency code, got {_kind(code)}")
            code = code.strip()
            if code not in seated:
                raise PackError(f"{at}: unknown agency code '{code}'")
            if not seated[code]:
                raise PackError(
                    f"{at}: agency '{code}' has no panel seat; set panel_seat: true on it in agencies"
                )
            if code in seats:
                raise PackError(f"{at}: agency '{code}' is listed twice (one seat per agency)")
            seats.append(code)
        node.done()
        _check_panel(panel, node)
        if panel["name"] in names:
            raise PackError(
                f"{node.at('name')}: duplicate panel name '{panel['name']}' (also at {names[panel['name']]})"
            )
        names[panel["name"]] = node.where
        panels.append((area_code, panel, seats))
    return panels


def _check_panel(panel: Values, node: _Node) -> None:
    """The panel model's own rules (lengths, first meeting on its weekday, times, ranges)."""
    row = Panel(**panel)
    problems: dict[str, list[str]] = {}
    for check in (
        lambda: row.clean_fields(exclude=["council", "area", "chair", "deputy"]),
        row.clean,
    ):
        try:
            check()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems.setdefault(name, []).extend(messages)
    if problems:
        raise PackError(
            "; ".join(
                f"{node.at(_PANEL_KEYS.get(name, name))}: {' '.join(messages)}"
                for name, messages in problems.items()
            )
        )


def validate_pack(data: Mapping[str, Any]) -> _Plan:
    """Check the whole pack and return what to write, or raise ``PackError`` naming the key."""
    root = _Node(data, "")
    unknown = sorted(str(key) for key in root.data if key not in SECTIONS)
    if unknown:
        raise PackError(
            f"pack: unknown section(s) {', '.join(unknown)}; expected {', '.join(SECTIONS)}"
        )
    council = _read_council(root)
    areas, sites = _read_areas(root)
    agencies = _read_agencies(root)
    teams = _read_teams(root, {a["code"] for a in areas}, {a["code"] for a in agencies})
    need_levels = _read_need_levels(root)
    panels = _read_panels(root, {a["code"] for a in areas}, agencies)
    return _Plan(council, areas, sites, agencies, teams, need_levels, panels)


def _upsert(
    model: type[models.Model], key: str, values: Values, result: PackResult, kind: str
) -> models.Model:
    """Create the row keyed by ``values[key]``, or update only the fields that differ.

    Not ``update_or_create``: that saves on every call, and a re-applied pack must write
    nothing when nothing changed.
    """
    lookup = {key: values[key]}
    wanted = {name: value for name, value in values.items() if name != key}
    obj = model.objects.filter(**lookup).first()
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
        _upsert(Council, "code", plan.council, result, "council")
        area_ids = {
            area["code"]: _upsert(Area, "code", area, result, "areas").pk for area in plan.areas
        }
        for area_code, site in plan.sites:
            _upsert(Site, "code", {**site, "area_id": area_ids[area_code]}, result, "sites")
        agency_ids = {
            agency["code"]: _upsert(Agency, "code", agency, result, "agencies").pk
            for agency in plan.agencies
        }
        for agency_code, area_code, team in plan.teams:
            links = {
                "agency_id": agency_ids[agency_code],
                "area_id": area_ids[area_code] if area_code else None,
            }
            _upsert(Team, "code", {**team, **links}, result, "teams")
        for level in plan.need_levels:
            _upsert(NeedLevel, "level", level, result, "need levels")
        council_id = Council.objects.get(code=plan.council["code"]).pk
        for area_code, panel, seats in plan.panels:
            _load_panel(council_id, area_ids.get(area_code), panel, seats, agency_ids, result)
    return result


def _load_panel(
    council_id: int,
    area_id: int | None,
    values: Values,
    seats: list[str],
    agency_ids: dict[str, int],
    result: PackResult,
) -> None:
    """Upsert one panel by (council, name); add missing seats, remove unlisted empty ones.

    A seat left out of the pack that still has members is kept (its members would lose their
    place without anyone deciding so) and reported, so someone can move them first.
    """
    wanted = {**values, "area_id": area_id}
    panel = Panel.objects.filter(council_id=council_id, name=values["name"]).first()
    if panel is None:
        panel = Panel.objects.create(council_id=council_id, **wanted)
        result.created["panels"] += 1
    else:
        changed = [name for name, value in wanted.items() if getattr(panel, name) != value]
        if changed:
            for name in changed:
                setattr(panel, name, wanted[name])
            panel.save(update_fields=changed)
            result.updated["panels"] += 1
        else:
            result.unchanged["panels"] += 1
    listed = {agency_ids[code] for code in seats}
    existing = {seat.agency_id: seat for seat in PanelSeat.objects.filter(panel=panel)}
    for code in seats:
        if agency_ids[code] in existing:
            result.unchanged["panel seats"] += 1
        else:
            PanelSeat.objects.create(panel=panel, agency_id=agency_ids[code])
            result.created["panel seats"] += 1
    for agency_id, seat in existing.items():
        if agency_id in listed:
            continue
        if seat.members.exists():
            code = Agency.objects.get(pk=agency_id).code
            result.notes.append(
                f"Panel '{panel.name}': the seat for agency '{code}' is no longer in the pack but "
                "still has members, so it was kept; move or remove its members, then re-load."
            )
        else:
            seat.delete()
            result.removed["panel seats"] += 1
