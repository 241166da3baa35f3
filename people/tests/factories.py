from datetime import date

import factory

from core.tests.factories import AreaFactory, TeamFactory
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from people.search import name_keys


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with search keys built, as people.services would build them."""

    class Meta:
        model = Person

    kind = Person.Kind.CHILD
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=16)
    search_names = factory.LazyAttribute(lambda p: name_keys([p.first_name, p.last_name])[0])
    search_phonetic = factory.LazyAttribute(lambda p: name_keys([p.first_name, p.last_name])[1])


class AdultFactory(PersonFactory):
    kind = Person.Kind.ADULT
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=60)


class UnbornFactory(PersonFactory):
    kind = Person.Kind.UNBORN
    first_name = ""
    date_of_birth = None
    expected_date_of_delivery = date(2027, 3, 1)


class PersonNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonName

    person = factory.SubFactory(PersonFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    line_1 = factory.Faker("street_address", locale="en_GB")
    town = factory.Faker("city", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")


class PersonAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonAddress

    person = factory.SubFactory(PersonFactory)
    address = factory.SubFactory(AddressFactory)
    moved_in = date(2020, 1, 1)


class ConfidentialAddressFactory(PersonAddressFactory):
    is_confidential = True


class FamilyFactory(factory.django.DjangoModelFactory):
    """A family; pass ``team=`` to put it in that team's scope."""

    class Meta:
        model = Family
        skip_postgeneration_save = True

    class Params:
        surname = factory.Faker("last_name", locale="en_GB")

    reference = factory.Sequence(lambda n: f"FAM-T{n:05d}")
    # As staff name families: "Khan family".
    name = factory.LazyAttribute(lambda f: f"{f.surname} family")
    area = factory.SubFactory(AreaFactory)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if extracted is not None:
            FamilyTeam.objects.create(family=self, team=extracted, started_on=date(2026, 1, 1))


class FamilyTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyTeam

    family = factory.SubFactory(FamilyFactory)
    team = factory.SubFactory(TeamFactory)
    started_on = date(2026, 1, 1)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)
    role = FamilyMember.Role.CHILD


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    family = factory.SubFactory(FamilyFactory)
    name = "Main household"


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(AdultFactory)
    relative = factory.SubFactory(PersonFactory)
    kind = Relationship.Kind.MOTHER


class ParentalResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentalResponsibility

    child = factory.SubFactory(PersonFactory)
    adult = factory.SubFactory(AdultFactory)
    basis = ParentalResponsibility.Basis.BIRTH_MOTHER


class ProfessionalInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalInvolvement

    person = factory.SubFactory(PersonFactory)
    name = factory.Faker("name", locale="en_GB")
    role = "Health visitor"
    organisation = "Health visiting"
    started_on = date(2025, 9, 1)


class ChronologyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChronologyEntry

    person = factory.SubFactory(PersonFactory)
    occurred_on = date(2025, 6, 1)
    category = ChronologyEntry.Category.EDUCATION
    summary = "Attendance fell below 85% this term."
    source = "School"


def family_with_members(*, team, children: int = 2, adults: int = 1) -> Family:
    """A family in ``team``'s scope with children and adults as members."""
    family = FamilyFactory(team=team)
    for _ in range(adults):
        FamilyMemberFactory(
            family=family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
        )
    for _ in range(children):
        FamilyMemberFactory(family=family, person=PersonFactory(), role=FamilyMember.Role.CHILD)
    return family
