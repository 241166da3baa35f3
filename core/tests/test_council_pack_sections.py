"""Sections of the council pack that an app above core reads: the panel's ``panels`` section.

Core may not import the panel, so the panel registers its reader; these tests prove the pack's
panels are read by that reader, checked before anything is written, loaded in the pack's own
transaction, and that a pack with panels never loads without them.
"""

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from core import council_pack
from core.council_pack import PackError, load_council_pack, register_section, validate_pack
from core.models import Agency, Council, NeedLevel
from panel import council_pack as panel_section
from panel.models import Panel, PanelSeat

TINY = Path(__file__).parent / "packs" / "tiny.yaml"


def tiny() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(TINY.read_text(encoding="utf-8")))


def test_the_panel_app_registers_the_reader_of_the_panels_section() -> None:
    section = council_pack._sections["panels"]

    assert section.read is panel_section.read_panels
    assert section.load is panel_section.load_panels
    assert section.kinds == ("panels", "panel seats")


def test_the_plan_holds_what_the_panel_reader_read_without_writing() -> None:
    plan = validate_pack(tiny())

    assert plan.sections["panels"] == panel_section.read_panels(council_pack.Node(tiny(), ""), plan)
    ((area, panel, seats),) = plan.sections["panels"]
    assert (area, panel["name"]) == ("north-vale", "North Vale Family Help Panel")
    assert seats == ["family-help", "vale-health", "vale-schools"]


def test_validation_alone_names_a_bad_panel_key() -> None:
    data = tiny()
    data["panels"][0]["weekday"] = "saturday"

    with pytest.raises(PackError, match=r"^panels\[0\]\.weekday: unknown weekday 'saturday'"):
        validate_pack(data)


@pytest.mark.django_db
def test_a_pack_with_panels_fails_clearly_when_nothing_reads_them(monkeypatch) -> None:
    monkeypatch.setattr(council_pack, "_sections", {})

    with pytest.raises(
        PackError,
        match=r"^pack: nothing is registered to read the panels section\(s\) "
        r"\(is the panel app installed\?\)$",
    ):
        load_council_pack(TINY)
    assert not Council.objects.exists() and not Panel.objects.exists()


@pytest.mark.django_db
def test_a_pack_without_panels_loads_when_nothing_reads_them(monkeypatch) -> None:
    monkeypatch.setattr(council_pack, "_sections", {})
    data = tiny()
    del data["panels"]

    result = load_council_pack(data)

    assert Council.objects.get().code == result.council_code
    assert not result.created["panels"] and not Panel.objects.exists()


def test_an_unknown_section_lists_the_registered_ones_as_expected() -> None:
    data = tiny()
    data["pannels"] = data.pop("panels")

    with pytest.raises(
        PackError,
        match=r"^pack: unknown section\(s\) pannels; "
        r"expected council, areas, agencies, teams, need_levels, panels, neglect, patterns, radar, "
        r"supervision, outcomes, retention, reporting, offer, children_centres$",
    ):
        validate_pack(data)


@pytest.mark.django_db
def test_the_panels_load_in_the_packs_transaction(monkeypatch) -> None:
    def fail(panels: Any, loaded: council_pack.Loaded) -> None:
        panel_section.load_panels(panels, loaded)
        raise RuntimeError("the panel load failed")

    registered = council_pack._sections["panels"]
    monkeypatch.setitem(
        council_pack._sections, "panels", dataclasses.replace(registered, load=fail)
    )

    with pytest.raises(RuntimeError, match="the panel load failed"):
        load_council_pack(TINY)
    assert not Council.objects.exists() and not Agency.objects.exists()
    assert not NeedLevel.objects.exists()
    assert not Panel.objects.exists() and not PanelSeat.objects.exists()


@pytest.mark.django_db
def test_the_summary_counts_panels_after_the_core_sections() -> None:
    summary = load_council_pack(TINY).summary()

    assert summary.index("need levels +") < summary.index("panels +1 ~0")
    assert summary.index("panels +1 ~0") < summary.index("panel seats +3 ~0")


def test_registering_the_same_reader_again_is_harmless() -> None:
    before = dict(council_pack._sections)

    panel_section.register()

    assert council_pack._sections == before


def test_a_second_reader_for_a_section_is_refused() -> None:
    with pytest.raises(RuntimeError, match="'panels' section is already registered"):
        register_section("panels", read=lambda root, plan: [], load=lambda values, loaded: None)
    assert council_pack._sections["panels"].read is panel_section.read_panels


@pytest.mark.parametrize("name", ["teams", "meetings"])
def test_only_a_section_of_the_pack_format_may_be_registered(name: str) -> None:
    with pytest.raises(RuntimeError, match=f"'{name}' is not a council pack section"):
        register_section(name, read=lambda root, plan: [], load=lambda values, loaded: None)
    assert name not in council_pack._sections


def test_the_children_centres_section_reads_the_months_not_seen_and_checks_them() -> None:
    data = tiny()
    play = {"key": "stay_and_play", "name": "Stay and play", "counts_as_reach": True}
    data["children_centres"] = {"small_number": 5, "not_seen_months": 6, "contact_kinds": [play]}

    assert validate_pack(data).sections["children_centres"] == {
        "small_number": 5,
        "not_seen_months": 6,
        "contact_kinds": [play],
    }
    del data["children_centres"]["not_seen_months"]
    assert validate_pack(data).sections["children_centres"]["not_seen_months"] == 3
    data["children_centres"]["not_seen_months"] = 25
    with pytest.raises(
        PackError, match=r"^children_centres\.not_seen_months: expected between 1 and 24, got 25$"
    ):
        validate_pack(data)
