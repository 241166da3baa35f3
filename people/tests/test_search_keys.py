import pytest

from people.search import fold, name_keys, name_score, normalise_postcode


def test_fold_removes_case_accents_and_apostrophes():
    assert fold("Zoë O'Neill") == "zoe oneill"
    assert fold("  BJÖRK   Gómez-Núñez ") == "bjork gomez nunez"


def test_keys_are_space_bounded_for_whole_token_matching():
    names, keys = name_keys(["Chloé", "Smyth", "Chloe"])
    assert names == " chloe smyth "
    assert keys.startswith(" ") and keys.endswith(" ")


@pytest.mark.parametrize(
    ("typed", "stored", "matches"),
    [
        ("smith", "john smith", True),
        ("smi", "john smith", True),  # partial
        ("smyth", "john smith", True),  # sounds alike
        ("jonh smith", "john smith", True),  # transposed letters
        ("thomsa", "thomas green", True),
        ("zoe", "zoe oneill", True),
        ("brown", "john smith", False),
        ("john brown", "john smith", False),  # every typed word must match something
    ],
)
def test_name_score(typed, stored, matches):
    assert (name_score(typed, f" {stored} ") > 0) is matches


def test_postcode_normalised():
    assert normalise_postcode(" hd1 2ab ") == "HD12AB"
