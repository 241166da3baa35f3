"""The ``panels`` section of the council pack: the panel app reads it, checks it and loads it.

Core loads the council pack but sits below the panel and may not import it, so the panel
registers this section with ``core.council_pack.register_section`` when its app is ready
(``panel.apps``). Core then reads it with the rest of the pack, after the areas and agencies it
refers to, before anything is written, and loads it in the same transaction.

Panels (optional section) are the Early Support Multi-Agency Panels — the partners' meeting that
decides which agency leads the support for a family referred to it — keyed by ``name`` within
the council::

    panels: [{name, area?, weekday?, first_meeting, starts?, ends?, location?,
              publication_working_days?, cutoff_days?, quorum_members?, seats: [<agency code>, ...]}]

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

from django.core.exceptions import ValidationError

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, kind_of, upsert
from core.models import Agency
from panel import calendar
from panel.models import DEFAULT_QUORUM_MEMBERS, Panel, PanelSeat, Weekday

SECTION = "panels"
# The kinds of row counted in the pack's result, in the order its summary lists them.
KINDS = ("panels", "panel seats")
WEEKDAYS = {label.lower(): value for value, label in Weekday.choices}

# (area code or None, panel values, seat agency codes)
PanelPlan = tuple[str | None, Values, list[str]]

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


def register() -> None:
    """Make this module the reader of the pack's ``panels`` section (from ``PanelConfig.ready``)."""
    council_pack.register_section(SECTION, read=read_panels, load=load_panels, kinds=KINDS)


def read_panels(root: Node, plan: Plan) -> list[PanelPlan]:
    """Panels as (area code or None, panel, seat agency codes), every code checked."""
    area_codes = plan.area_codes
    seated = {a["code"]: a["panel_seat"] for a in plan.agencies}
    panels: list[PanelPlan] = []
    names: dict[str, str] = {}
    for _, node in root.items(SECTION, required=False):
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
            "first_meeting_date": node.date_value("first_meeting"),
            "start_time": node.time_value("starts", calendar.DEFAULT_START_TIME),
            "end_time": node.time_value("ends", calendar.DEFAULT_END_TIME),
            "location": node.text("location", required=False),
            "publication_working_days": node.number(
                "publication_working_days",
                default=calendar.DEFAULT_PUBLICATION_WORKING_DAYS,
            ),
            "cutoff_days": node.number("cutoff_days", default=calendar.DEFAULT_CUTOFF_DAYS),
            "quorum_members": node.number("quorum_members", default=DEFAULT_QUORUM_MEMBERS),
        }
        seats = _read_seats(node, seated)
        node.done()
        _check_panel(panel, node)
        if panel["name"] in names:
            raise PackError(
                f"{node.at('name')}: duplicate panel name '{panel['name']}' "
                f"(also at {names[panel['name']]})"
            )
        names[panel["name"]] = node.where
        panels.append((area_code, panel, seats))
    return panels


def _read_seats(node: Node, seated: dict[str, bool]) -> list[str]:
    """One seat per agency, each agency offered a seat in the pack's agencies."""
    seats: list[str] = []
    value = node.value("seats")
    if not isinstance(value, list) or not value:
        raise PackError(
            f"{node.at('seats')}: expected a non-empty list of agency codes, got {kind_of(value)}"
        )
    for index, code in enumerate(value):
        at = f"{node.at('seats')}[{index}]"
        if not isinstance(code, str):
            raise PackError(f"{at}: expected an agency code, got {kind_of(code)}")
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
    return seats


def _check_panel(panel: Values, node: Node) -> None:
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


def load_panels(panels: list[PanelPlan], loaded: Loaded) -> None:
    """Load what ``read_panels`` returned, inside the pack's transaction."""
    for area_code, values, seats in panels:
        area_id = loaded.area_ids[area_code] if area_code else None
        _load_panel(loaded, area_id, values, seats)


def _load_panel(loaded: Loaded, area_id: int | None, values: Values, seats: list[str]) -> None:
    """Upsert one panel by (council, name); add missing seats, remove unlisted empty ones.

    A seat left out of the pack that still has members is kept (its members would lose their
    place without anyone deciding so) and reported, so someone can move them first.
    """
    result, agency_ids = loaded.result, loaded.agency_ids
    wanted = {**values, "area_id": area_id}
    panel = upsert(
        Panel,
        lookup={"council_id": loaded.council_id, "name": values["name"]},
        values=wanted,
        result=result,
        kind="panels",
    )
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
