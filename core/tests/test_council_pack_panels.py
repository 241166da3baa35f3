"""Panels in the council pack: configured, validated like the rest, loaded idempotently."""

import copy
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from accounts.tests.factories import UserFactory
from core.council_pack import PackError, load_council_pack
from core.models import Agency
from panel.models import Panel, PanelSeat, PanelSeatMember, Weekday

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
TINY = Path(__file__).parent / "packs" / "tiny.yaml"


def pack(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tiny_panel(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(pack(TINY))
    data["panels"][0].update(changes)
    return data


def seat_codes(panel: Panel) -> set[str]:
    return set(panel.seats.values_list("agency__code", flat=True))


@pytest.mark.django_db
class TestKirkleesPanel:
    def test_one_council_wide_wednesday_panel_with_a_seat_for_every_panel_agency(self) -> None:
        load_council_pack(KIRKLEES)

        panel = Panel.objects.get()
        assert panel.name == "Early Support Multi-Agency Panel"
        assert panel.council.code == "kirklees" and panel.area is None
        assert panel.weekday == Weekday.WEDNESDAY
        assert panel.first_meeting_date == date(2026, 1, 7)
        assert (panel.start_time, panel.end_time) == (time(9, 30), time(11, 30))
        assert panel.location == "Microsoft Teams"
        assert (panel.publication_working_days, panel.cutoff_days) == (3, 7)
        assert panel.quorum_members == 4
        assert panel.chair is None and panel.deputy is None
        assert seat_codes(panel) == set(
            Agency.objects.filter(panel_seat=True).values_list("code", flat=True)
        )
        assert panel.seats.count() == 16


@pytest.mark.django_db
class TestTinyPanel:
    def test_an_area_panel_with_its_own_rhythm(self) -> None:
        load_council_pack(TINY)

        panel = Panel.objects.get()
        assert panel.area.code == "north-vale"
        assert panel.weekday == Weekday.THURSDAY
        assert (panel.start_time, panel.end_time) == (time(13, 30), time(15, 30))
        assert (panel.publication_working_days, panel.cutoff_days) == (2, 5)
        assert panel.quorum_members == 4  # not given: the default
        assert seat_codes(panel) == {"family-help", "vale-health", "vale-schools"}

    def test_its_own_quorum(self) -> None:
        load_council_pack(tiny_panel(quorum_members=2))
        assert Panel.objects.get().quorum_members == 2

    def test_defaults(self) -> None:
        data = tiny_panel(first_meeting="2026-01-07")
        for key in (
            "weekday",
            "starts",
            "ends",
            "location",
            "publication_working_days",
            "cutoff_days",
            "area",
        ):
            data["panels"][0].pop(key)
        load_council_pack(data)

        panel = Panel.objects.get()
        assert panel.area is None and panel.weekday == Weekday.WEDNESDAY
        assert (panel.start_time, panel.end_time) == (time(9, 30), time(12, 0))
        assert (panel.publication_working_days, panel.cutoff_days) == (3, 7)
        assert panel.quorum_members == 4

    def test_no_panels_section_is_fine(self) -> None:
        data = copy.deepcopy(pack(TINY))
        del data["panels"]
        load_council_pack(data)
        assert not Panel.objects.exists()


@pytest.mark.django_db
class TestIdempotence:
    def test_reloading_changes_nothing(self) -> None:
        load_council_pack(TINY)
        before = list(Panel.objects.values_list()), list(PanelSeat.objects.values_list())

        again = load_council_pack(TINY)

        assert not again.changed
        assert again.unchanged["panels"] == 1 and again.unchanged["panel seats"] == 3
        assert (list(Panel.objects.values_list()), list(PanelSeat.objects.values_list())) == before

    def test_a_changed_value_updates_the_panel_by_name(self) -> None:
        load_council_pack(TINY)
        pk = Panel.objects.get().pk

        result = load_council_pack(tiny_panel(location="Teams", ends="16:00"))

        assert result.updated == {"panels": 1} and result.total_created == 0
        panel = Panel.objects.get()
        assert panel.pk == pk and panel.location == "Teams" and panel.end_time == time(16, 0)

    def test_chair_and_deputy_set_in_the_product_survive_a_reload(self) -> None:
        load_council_pack(TINY)
        chair, deputy = UserFactory(), UserFactory()
        Panel.objects.update(chair=chair, deputy=deputy)

        assert not load_council_pack(TINY).changed
        panel = Panel.objects.get()
        assert (panel.chair, panel.deputy) == (chair, deputy)

    def test_missing_seats_are_added_and_empty_unlisted_seats_removed(self) -> None:
        data = tiny_panel(seats=["family-help"])
        load_council_pack(data)
        assert seat_codes(Panel.objects.get()) == {"family-help"}

        result = load_council_pack(TINY)
        assert result.created["panel seats"] == 2
        assert seat_codes(Panel.objects.get()) == {"family-help", "vale-health", "vale-schools"}

        result = load_council_pack(data)
        assert result.removed["panel seats"] == 2 and result.changed
        assert "2 removed" in result.summary()
        assert seat_codes(Panel.objects.get()) == {"family-help"}

    def test_a_seat_with_members_is_never_removed_and_is_reported(self) -> None:
        load_council_pack(TINY)
        seat = PanelSeat.objects.get(agency__code="vale-schools")
        PanelSeatMember.objects.create(seat=seat, user=UserFactory())

        result = load_council_pack(tiny_panel(seats=["family-help", "vale-health"]))

        assert PanelSeat.objects.filter(pk=seat.pk).exists()
        assert not result.removed["panel seats"]
        assert "vale-schools" in result.summary() and "still has members" in result.summary()


@pytest.mark.django_db
class TestValidation:
    """Every error names the key at fault, and nothing is written."""

    def refused(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(PackError, match=message):
            load_council_pack(data)
        assert not Panel.objects.exists() and not Agency.objects.exists()

    def test_unknown_key(self) -> None:
        self.refused(tiny_panel(chair="someone"), r"panels\[0\]: unknown key\(s\) chair")

    def test_unknown_area(self) -> None:
        self.refused(
            tiny_panel(area="east-vale"), r"panels\[0\]\.area: unknown area code 'east-vale'"
        )

    def test_unknown_agency_in_seats(self) -> None:
        self.refused(
            tiny_panel(seats=["family-help", "no-such"]),
            r"panels\[0\]\.seats\[1\]: unknown agency code 'no-such'",
        )

    def test_seat_for_an_agency_without_a_panel_seat(self) -> None:
        data = tiny_panel()
        data["agencies"][2].pop("panel_seat")
        self.refused(data, r"panels\[0\]\.seats\[2\]: agency 'vale-schools' has no panel seat")

    def test_one_seat_per_agency(self) -> None:
        self.refused(
            tiny_panel(seats=["family-help", "family-help"]),
            r"panels\[0\]\.seats\[1\]: agency 'family-help' is listed twice",
        )

    def test_seats_required(self) -> None:
        self.refused(tiny_panel(seats=[]), r"panels\[0\]\.seats: expected a non-empty list")

    @pytest.mark.parametrize("value", ["9:30", "25:00", "09:75", "half nine", 690, "09:30:00"])
    def test_bad_times(self, value: Any) -> None:
        self.refused(tiny_panel(starts=value), r"panels\[0\]\.starts: expected a time")

    def test_unquoted_yaml_time_is_explained(self) -> None:
        data = yaml.safe_load(yaml.safe_dump(pack(TINY)).replace("ends: '15:30'", "ends: 15:30"))
        assert data["panels"][0]["ends"] == 930
        self.refused(data, r"panels\[0\]\.ends: .*put the time in quotes")

    def test_ends_before_it_starts(self) -> None:
        self.refused(tiny_panel(ends="13:00"), r"panels\[0\]\.ends: The end time must be after")

    def test_first_meeting_not_on_its_weekday(self) -> None:
        self.refused(
            tiny_panel(first_meeting="2026-01-07"),
            r"panels\[0\]\.first_meeting: The first meeting must be on a Thursday",
        )

    def test_bad_date_and_weekday(self) -> None:
        self.refused(
            tiny_panel(first_meeting="next week"), r"panels\[0\]\.first_meeting: expected a date"
        )
        self.refused(
            tiny_panel(weekday="saturday"), r"panels\[0\]\.weekday: unknown weekday 'saturday'"
        )

    def test_ranges(self) -> None:
        self.refused(
            tiny_panel(publication_working_days=0),
            r"panels\[0\]\.publication_working_days: Publication must be between 1 and 10",
        )
        self.refused(
            tiny_panel(cutoff_days=40),
            r"panels\[0\]\.cutoff_days: The referral cut-off must be between",
        )
        self.refused(
            tiny_panel(quorum_members=0),
            r"panels\[0\]\.quorum_members: The quorum must be between 1 and 20",
        )
        self.refused(
            tiny_panel(quorum_members="four"),
            r"panels\[0\]\.quorum_members: expected a whole number",
        )

    def test_duplicate_panel_names(self) -> None:
        data = tiny_panel()
        data["panels"].append(copy.deepcopy(data["panels"][0]))
        self.refused(data, r"panels\[1\]\.name: duplicate panel name")
