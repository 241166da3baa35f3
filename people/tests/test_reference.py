import csv
from pathlib import Path

from people.reference import Ethnicity

# The DfE codes ship with the project (docs/standards), so this check always runs.
STANDARD = (
    Path(__file__).resolve().parents[2] / "docs" / "standards" / "dfe-codes" / "ethnicity.csv"
)


def test_ethnicity_codes_match_the_dfe_standard():
    with STANDARD.open(newline="") as handle:
        rows = {row["code"]: row["description"] for row in csv.DictReader(handle)}
    assert dict(Ethnicity.choices) == rows
