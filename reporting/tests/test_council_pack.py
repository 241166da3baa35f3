"""The council pack's ``reporting`` section: the defaults when it is left out, the council's own
values when given, and a clear refusal naming the key for values that make no sense."""

import copy
from pathlib import Path

import pytest
import yaml

from core.council_pack import PackError, load_council_pack
from reporting.models import DEFAULT_TIMELINESS_DAYS
from reporting.settings import reporting_settings

pytestmark = pytest.mark.django_db

TINY = Path(__file__).resolve().parents[2] / "core" / "tests" / "packs" / "tiny.yaml"


def _tiny(reporting=None) -> dict:
    data = copy.deepcopy(yaml.safe_load(TINY.read_text(encoding="utf-8")))
    if reporting is not None:
        data["reporting"] = reporting
    return data


def test_a_pack_without_the_section_keeps_the_defaults():
    load_council_pack(_tiny())

    settings = reporting_settings()
    assert settings.pk is not None
    assert (settings.small_number, settings.episode_months_from, settings.episode_months_to) == (
        5,
        6,
        9,
    )
    assert (settings.visits_per_week_from, settings.visits_per_week_to) == (2, 3)
    assert settings.manageable_caseload == 20
    assert settings.target_days("request_to_triage") == DEFAULT_TIMELINESS_DAYS["request_to_triage"]


def test_the_councils_own_values_are_loaded_and_a_step_left_out_keeps_its_default():
    load_council_pack(
        _tiny(
            {
                "small_number": 10,
                "episode_months": {"from": 3, "to": 12},
                "manageable_caseload": 15,
                "timeliness_days": {"request_to_triage": 2},
            }
        )
    )

    settings = reporting_settings()
    assert (settings.small_number, settings.episode_months_from, settings.episode_months_to) == (
        10,
        3,
        12,
    )
    assert settings.manageable_caseload == 15
    assert settings.target_days("request_to_triage") == 2
    assert settings.target_days("triage_to_decision") == 28


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"small_number": 0}, r"reporting\.small_number: expected between 1 and 20, got 0"),
        ({"manageable_caseload": 0}, r"manageable_caseload: expected between 1 and 200, got 0"),
        ({"episode_months": {"from": 9, "to": 6}}, r"episode_months\.to: must not be less"),
        ({"timeliness_days": {"request_to_triage": 400}}, r"expected between 0 and 365, got 400"),
        ({"timeliness_days": {"to_the_moon": 4}}, r"to_the_moon"),
    ],
)
def test_values_that_make_no_sense_are_refused_naming_the_key(section, message):
    with pytest.raises(PackError, match=message):
        load_council_pack(_tiny(section))
    assert reporting_settings().pk is None  # nothing loaded
