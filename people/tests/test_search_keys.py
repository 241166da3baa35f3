import pytest

from people import selectors, services
from people.models import Address, Person, PersonName
from people.search import fold, name_keys, name_score, normalise_postcode, person_search_keys
from people.tests.factories import FamilyMemberFactory, PersonFactory, family_with_members


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


# ---------------------------------------------------------------- one builder of the stored keys


def test_person_search_keys_leave_out_an_address_confidential_for_anyone():
    person = Person(first_name="Zoë", middle_names="", last_name="O'Neill", preferred_name="Zo")
    other = PersonName(first_name="", last_name="Smyth")
    home, refuge = Address(postcode="hd1 1aa"), Address(postcode="HD9 9ZZ")

    keys = person_search_keys(
        person, [other], [home, refuge], is_confidential=lambda address: address is refuge
    )

    assert keys == (
        " zoe oneill zo smyth ",
        name_keys(["zoe", "oneill", "zo", "smyth"])[1],
        " HD11AA ",
    )
    assert person_search_keys(person, [], [refuge], is_confidential=lambda a: True)[2] == ""


@pytest.mark.django_db
def test_a_confidential_household_makes_its_address_unsearchable_for_everyone_who_lived_there(
    practitioner, team
):
    """A household flagged confidential is confidential for its address as a person's link is
    (people.selectors.confidential_address_ids), so its postcode finds nobody."""
    family = family_with_members(team=team, children=0, adults=0)
    child = PersonFactory(last_name="Hideaway")
    FamilyMemberFactory(family=family, person=child)
    link = services.address_add(
        actor=practitioner, person=child, line_1="2 Quiet Close", town="T", postcode="HD7 7AA"
    )
    assert selectors.search_people(practitioner, postcode="HD7 7AA")[0] == [(child, 1.0)]

    services.household_create(
        actor=practitioner,
        family=family,
        name="Safe place",
        address=link.address,
        is_confidential=True,
    )

    child.refresh_from_db()
    assert child.search_postcodes == ""
    assert selectors.search_people(practitioner, postcode="HD7 7AA") == ([], False)
