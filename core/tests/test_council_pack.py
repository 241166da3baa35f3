"""Council configuration is data: the packs load, re-load without change, and are validated.

The product must serve any English council, so these tests also load a second, fictional
council on its own and check that no real council is named in application code.
"""

import copy
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from children_centres.models import CentreSettings
from core.council_pack import PackError, PackResult, load_council_pack
from core.models import Agency, Area, Council, NeedLevel, Site, Team
from dataprotection.models import RetentionRule
from neglect.models import GradedCareTool
from offer.models import OfferPolicy
from outcomes.models import FrameworkOutcome, OutcomeFramework, OutcomeIndicator, OutcomeScale
from oversight.models import SupervisionPolicy
from panel.models import Panel, PanelSeat
from patterns.models import PatternSettings
from radar.models import RadarRule
from reporting.models import ReportingSettings

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
TINY = Path(__file__).parent / "packs" / "tiny.yaml"

MODELS = (
    Council,
    Area,
    Site,
    Agency,
    Team,
    NeedLevel,
    Panel,
    PanelSeat,
    RetentionRule,
    GradedCareTool,
    PatternSettings,
    RadarRule,
    SupervisionPolicy,
    OutcomeScale,
    OutcomeFramework,
    FrameworkOutcome,
    OutcomeIndicator,
    ReportingSettings,
    OfferPolicy,
    CentreSettings,
)


def pack(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in MODELS}


@pytest.mark.django_db
class TestKirkleesPack:
    def test_loads_the_council_and_its_contacts(self) -> None:
        result = load_council_pack(KIRKLEES)

        council = Council.objects.get()
        assert result.council_code == council.code == "kirklees"
        assert council.name == "Kirklees Council"
        assert council.service_name == "Early Support"
        assert council.duty_team_phone == "01484 414960"
        assert council.duty_team_out_of_hours_phone == "01484 414933"
        assert "999" in council.duty_team_instructions
        assert "Duty and Advice Team" in council.duty_team_name
        assert council.early_support_phone == "01484 456823"
        assert council.early_support_email == "earlysupportmultiagencypanel@kirklees.gov.uk"

    def test_four_areas_each_with_a_hub_and_a_childrens_centre(self) -> None:
        load_council_pack(KIRKLEES)

        assert list(Area.objects.values_list("name", flat=True)) == [
            "Batley & Spen",
            "Dewsbury & Mirfield",
            "Huddersfield",
            "Kirklees Rural",
        ]
        for area in Area.objects.all():
            hubs = area.sites.filter(kind=Site.Kind.HUB)
            centres = area.sites.filter(kind=Site.Kind.CHILDRENS_CENTRE)
            assert [h.name for h in hubs] == [f"{area.name} Early Help Hub"]
            assert centres.count() == 1
        assert Site.objects.filter(kind=Site.Kind.HUB).count() == 4
        assert Site.objects.filter(kind=Site.Kind.CHILDRENS_CENTRE).count() == 4
        assert Site.objects.get(code="dewsbury-moor-childrens-centre").area.code == (
            "dewsbury-mirfield"
        )
        assert Site.objects.get(code="colne-valley-childrens-centre").area.code == "kirklees-rural"

    def test_panel_agencies_and_the_early_support_service(self) -> None:
        load_council_pack(KIRKLEES)

        panel = set(Agency.objects.filter(panel_seat=True).values_list("code", flat=True))
        assert {
            "early-support-service",
            "family-support",
            "early-years",
            "youth-service",
            "youth-offending-team",
            "education-welfare",
            "locala",
            "thrive",
            "midwifery",
            "camhs",
            "send",
            "youth-intervention-team",
            "asb-team",
            "police",
            "kirklees-neighbourhood-housing",
            "mst",
        } <= panel
        early_support = Agency.objects.get(is_early_support_service=True)
        assert early_support.code == "early-support-service"
        assert early_support.panel_seat
        mash = Agency.objects.get(code="childrens-social-care-mash")
        assert not mash.panel_seat
        assert Agency.objects.get(code="schools").sector == Agency.Sector.EDUCATION
        assert Agency.objects.get(code="police").sector == Agency.Sector.POLICE

    def test_teams_cover_every_agency_with_early_support_and_family_support_per_area(self) -> None:
        load_council_pack(KIRKLEES)

        assert set(Agency.objects.values_list("code", flat=True)) == set(
            Team.objects.values_list("agency__code", flat=True)
        )
        for agency in ("early-support-service", "family-support"):
            assert (
                Team.objects.filter(agency__code=agency)
                .values_list("area__code", flat=True)
                .distinct()
                .count()
                == 4
            )
        assert Team.objects.get(code="mash-duty").area is None

    def test_continuum_of_need_levels_one_to_four(self) -> None:
        load_council_pack(KIRKLEES)

        levels = list(NeedLevel.objects.all())
        assert [lvl.level for lvl in levels] == [1, 2, 3, 4]
        assert [lvl.is_statutory for lvl in levels] == [False, False, True, True]
        assert all(lvl.description and lvl.response for lvl in levels)
        assert "Community Plus" in levels[1].response
        assert "Targeted" in levels[1].response

    def test_loading_twice_changes_nothing(self) -> None:
        first = load_council_pack(KIRKLEES)
        before_counts, before_rows = counts(), snapshot()

        second = load_council_pack(KIRKLEES)

        assert first.total_created == sum(before_counts.values())
        assert first.total_updated == 0
        assert second.total_created == 0
        assert second.total_updated == 0
        assert second.total_unchanged == first.total_created
        assert not second.changed
        assert counts() == before_counts
        assert snapshot() == before_rows

    def test_a_changed_value_updates_only_that_row(self) -> None:
        load_council_pack(KIRKLEES)
        data = pack(KIRKLEES)
        data["council"]["duty_team_phone"] = "01484 000000"
        data["teams"][0]["name"] = "Early Support North"

        result = load_council_pack(data)

        assert result.total_created == 0
        assert result.updated == {"council": 1, "teams": 1}
        assert Council.objects.get().duty_team_phone == "01484 000000"
        assert Team.objects.get(code=data["teams"][0]["code"]).name == "Early Support North"


@pytest.mark.django_db
def test_tiny_pack_loads_alone_with_nothing_from_any_other_council() -> None:
    assert counts() == {model.__name__: 0 for model in MODELS}

    result = load_council_pack(TINY)

    assert isinstance(result, PackResult)
    council = Council.objects.get()
    assert (council.code, council.name) == ("exampleshire", "Exampleshire Council")
    assert council.duty_team_phone == "01632 960001"
    assert counts() == {
        "Council": 1,
        "Area": 2,
        "Site": 2,
        "Agency": 3,
        "Team": 3,
        "NeedLevel": 3,
        "Panel": 1,
        "PanelSeat": 3,
        "RetentionRule": 0,  # the tiny pack sets no retention schedule
        "GradedCareTool": 0,
        "PatternSettings": 1,  # the patterns' windows, at their defaults
        "RadarRule": 0,
        "SupervisionPolicy": 0,
        "OutcomeScale": 0,  # the tiny pack has no outcomes section
        "OutcomeFramework": 0,
        "FrameworkOutcome": 0,
        "OutcomeIndicator": 0,
        "ReportingSettings": 1,  # the small number and the measures, at their defaults
        "OfferPolicy": 0,  # the tiny pack has no offer section
        "CentreSettings": 0,  # the tiny pack has no children_centres section
    }
    assert list(NeedLevel.objects.values_list("level", "is_statutory")) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert Agency.objects.get(is_early_support_service=True).code == "family-help"
    everything = repr(snapshot()).lower()
    for word in ("kirklees", "huddersfield", "batley", "dewsbury", "01484"):
        assert word not in everything


@pytest.mark.django_db
def test_another_councils_pack_is_refused_over_an_existing_council() -> None:
    load_council_pack(TINY)
    before = snapshot()

    with pytest.raises(PackError, match=r"council\.code: .*exampleshire.*kirklees"):
        load_council_pack(KIRKLEES)

    assert snapshot() == before


@pytest.mark.django_db
def test_management_command_loads_the_default_pack_and_reports_one_line() -> None:
    default_code = pack(Path(settings.COUNCIL_PACK))["council"]["code"]

    first, second = StringIO(), StringIO()
    call_command("load_council_pack", stdout=first)
    call_command("load_council_pack", stdout=second)

    assert Council.objects.get().code == default_code
    assert len(first.getvalue().strip().splitlines()) == 1
    assert f"'{default_code}'" in first.getvalue()
    assert "0 created, 0 updated" in second.getvalue()


@pytest.mark.django_db
def test_management_command_turns_a_bad_pack_into_a_command_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("council: [not, a, mapping]\n", encoding="utf-8")

    with pytest.raises(CommandError, match="council: expected a mapping"):
        call_command("load_council_pack", str(bad))


def tiny_with(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(pack(TINY))
    change(data)
    return data


@pytest.mark.django_db
class TestValidation:
    """Every error names the key at fault, and nothing is written."""

    def assert_refused(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(PackError, match=message):
            load_council_pack(data)
        assert counts() == {model.__name__: 0 for model in MODELS}

    def test_team_pointing_at_an_unknown_agency(self) -> None:
        data = tiny_with(lambda d: d["teams"][1].update(agency="no-such-agency"))
        self.assert_refused(data, r"teams\[1\]\.agency: unknown agency code 'no-such-agency'")

    def test_team_pointing_at_an_unknown_area(self) -> None:
        data = tiny_with(lambda d: d["teams"][0].update(area="east-vale"))
        self.assert_refused(data, r"teams\[0\]\.area: unknown area code 'east-vale'")

    def test_duplicate_area_codes(self) -> None:
        data = tiny_with(lambda d: d["areas"][1].update(code="north-vale"))
        self.assert_refused(data, r"areas\[1\]\.code: duplicate area code 'north-vale'")

    def test_duplicate_site_codes_across_areas(self) -> None:
        data = tiny_with(lambda d: d["areas"][1]["sites"][0].update(code="north-vale-hub"))
        self.assert_refused(data, r"areas\[1\]\.sites\[0\]\.code: duplicate site code")

    def test_missing_required_field(self) -> None:
        data = tiny_with(lambda d: d["council"].pop("duty_team_phone"))
        self.assert_refused(data, r"council\.duty_team_phone: required but missing")

    def test_unknown_key_is_a_typo_not_ignored(self) -> None:
        data = tiny_with(lambda d: d["agencies"][1].update(pannel_seat=True))
        self.assert_refused(data, r"agencies\[1\]: unknown key\(s\) pannel_seat")

    def test_invalid_code_and_choice(self) -> None:
        self.assert_refused(
            tiny_with(lambda d: d["areas"][0].update(code="North Vale")), r"areas\[0\]\.code"
        )
        self.assert_refused(
            tiny_with(lambda d: d["agencies"][0].update(sector="church")),
            r"agencies\[0\]\.sector",
        )

    def test_levels_must_run_from_one_without_gaps(self) -> None:
        data = tiny_with(lambda d: d["need_levels"][2].update(level=4))
        self.assert_refused(data, r"need_levels: level numbers must run 1 to 3 .*\[1, 2, 4\]")

    def test_duplicate_level_numbers(self) -> None:
        data = tiny_with(lambda d: d["need_levels"][2].update(level=2))
        self.assert_refused(data, r"need_levels: duplicate level number\(s\) \[2\]")

    def test_exactly_one_early_support_service(self) -> None:
        data = tiny_with(lambda d: d["agencies"][1].update(is_early_support_service=True))
        self.assert_refused(data, r"exactly one agency must have is_early_support_service")


REAL_PLACES = re.compile(r"kirklees|huddersfield|batley|dewsbury", re.IGNORECASE)
NOT_LOGIC = {"tests", "migrations", "config_packs", "__pycache__"}


def app_packages(base: Path) -> list[Path]:
    return sorted(p.parent for p in base.glob("*/apps.py") if (p.parent / "__init__.py").exists())


def test_no_council_is_hard_coded_in_application_code() -> None:
    """A council belongs in its pack; naming one in code would quietly break every other."""
    base = Path(settings.BASE_DIR)
    apps = app_packages(base)
    assert {"core", "accounts"} <= {app.name for app in apps}

    found = []
    for app in apps:
        for source in app.rglob("*.py"):
            relative = source.relative_to(base)
            if NOT_LOGIC & set(relative.parts) or source.name.startswith("test_"):
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if REAL_PLACES.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")

    assert not found, "Council names hard-coded outside the council pack:\n" + "\n".join(found)
