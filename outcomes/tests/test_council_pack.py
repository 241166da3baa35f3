"""The council pack's outcomes section: the scale and frameworks, checked before anything is
written."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.council_pack import PackError, load_council_pack
from outcomes.models import FrameworkOutcome, OutcomeFramework, OutcomeIndicator, OutcomeScale
from outcomes.tests.factories import OutcomeLinkFactory

pytestmark = pytest.mark.django_db

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
TINY = Path(settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml"
SCORING = {"lowest": 0, "highest": 10, "lowest_words": "Not met", "highest_words": "Met"}


def _framework(code="own", outcomes=None, **extra) -> dict:
    return {
        "code": code,
        "name": "The council's own outcomes",
        "sustained_after_months": 6,
        "outcomes": outcomes
        if outcomes is not None
        else [
            {
                "code": "school",
                "title": "Children go to school",
                "indicators": [
                    {"code": "attend", "name": "Attendance", "evidence_source": "School records"}
                ],
            }
        ],
        **extra,
    }


def _tiny(outcomes) -> dict:
    data = yaml.safe_load(TINY.read_text())
    data["outcomes"] = outcomes
    return data


def test_the_kirklees_pack_loads_three_frameworks_and_reloads_unchanged():
    load_council_pack(KIRKLEES)
    counts = {f.code: f.outcomes.count() for f in OutcomeFramework.objects.order_by("sort_order")}
    assert counts == {"stronger-families": 7, "eip": 8, "supporting-families": 10}
    assert FrameworkOutcome.objects.filter(title="Secure housing").exists()
    assert not OutcomeIndicator.objects.filter(evidence_source="").exists()
    scale = OutcomeScale.objects.get()
    assert (scale.lowest, scale.highest, scale.lowest_words, scale.highest_words) == (
        0,
        10,
        "Not met at all",
        "Fully met",
    )
    again = load_council_pack(KIRKLEES)
    assert again.unchanged["outcome frameworks"] == 3
    assert not again.created["framework outcomes"]


def test_a_council_adds_its_own_framework_without_code():
    load_council_pack(_tiny({"scoring": SCORING, "frameworks": [_framework()]}))
    framework = OutcomeFramework.objects.get(code="own")
    outcome = framework.outcomes.get()
    assert (outcome.title, outcome.indicators.get().evidence_source) == (
        "Children go to school",
        "School records",
    )


def test_a_framework_left_out_of_the_pack_is_kept_but_not_offered():
    load_council_pack(_tiny({"scoring": SCORING, "frameworks": [_framework()]}))
    OutcomeLinkFactory(framework_outcome=FrameworkOutcome.objects.get())

    result = load_council_pack(_tiny({"scoring": SCORING, "frameworks": []}))

    assert result.removed["outcome frameworks"] == 1
    assert result.removed["framework outcomes"] == 1
    assert OutcomeFramework.objects.get().in_pack is False
    assert FrameworkOutcome.objects.get().in_pack is False


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        (
            {"scoring": {**SCORING, "highest": 0}, "frameworks": []},
            "outcomes.scoring.highest: must be more than lowest (0)",
        ),
        (
            {"scoring": {**SCORING, "lowest_words": None}, "frameworks": []},
            "outcomes.scoring.lowest_words: required but missing",
        ),
        (
            {"frameworks": [_framework(), _framework()]},
            "outcomes.frameworks[1].code: 'own' is listed twice",
        ),
        (
            {"frameworks": [_framework(sustained_after_months=0)]},
            "outcomes.frameworks[0].sustained_after_months: must be at least 1 month",
        ),
        (
            {"frameworks": [_framework(outcomes=[])]},
            "outcomes.frameworks[0].outcomes: expected a non-empty list",
        ),
        (
            {
                "frameworks": [
                    _framework(
                        outcomes=[
                            {
                                "code": "a",
                                "title": "A",
                                "indicators": [{"code": "i", "name": "I"}],
                            }
                        ]
                    )
                ]
            },
            "outcomes.frameworks[0].outcomes[0].indicators[0].evidence_source: required but missing",
        ),
        (
            {"frameworks": [_framework(colour="red")]},
            "outcomes.frameworks[0]",
        ),
    ],
)
def test_a_bad_section_is_refused_naming_the_key(outcomes, message):
    with pytest.raises(PackError) as error:
        load_council_pack(_tiny(outcomes))
    assert message in str(error.value)
    assert not OutcomeFramework.objects.exists()
