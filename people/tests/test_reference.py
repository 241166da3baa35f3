import csv
from pathlib import Path

from people.reference import Ethnicity

STANDARD = (
    Path(__file__).resolve().parents[3] / "shared" / "standards" / "dfe-codes" / "ethnicity.csv"
)


def test_ethnicity_codes_match_the_dfe_standard():
    if not STANDARD.exists():
        import pytest

        pytest.skip("shared/standards is not beside this checkout")
    with STANDARD.open(newline="") as handle:
        rows = {row["code"]: row["description"] for row in csv.DictReader(handle)}
    assert dict(Ethnicity.choices) == rows
