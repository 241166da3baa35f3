"""People, families, households, relationships, professionals and the chronology.

A family is not a household: a family group is the people an early help response is
about; households are where people live, and a child may belong to two. History
(chronology, addresses) hangs off the person, so it follows them into every future
episode of work, whichever family it was recorded under.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim

from core import records
from people.reference import Ethnicity, Gender


class VersionedModel(models.Model):
    """Optimistic concurrency: edits say which version they started from (see services)."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Person(VersionedModel):
    class Kind(models.TextChoices):
        CHILD = "child", "Child or young person"
        ADULT = "adult", "Adult"
        UNBORN = "unborn", "Unborn baby"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_name = models.CharField(
        max_length=100, blank=True, help_text="Blank for an unborn baby not yet named"
    )
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_delivery = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    disability = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    disability_details = models.TextField(blank=True)
    has_ehcp = models.BooleanField("Has an education, health and care plan", default=False)
    is_young_carer = models.BooleanField(default=False)
    first_language = models.CharField(max_length=100, blank=True, default="English")
    communication_needs = models.TextField(blank=True)
    interpreter_required = models.BooleanField(default=False)
    # The assessment's section 1 asks for each person's contact number (a UK number).
    phone = models.CharField("Telephone number", max_length=30, blank=True)
    # Derived keys for search before create, rebuilt by people.services on every write.
    search_names = models.TextField(blank=True, editable=False)
    search_phonetic = models.TextField(blank=True, editable=False)
    search_postcodes = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="unborn_has_edd_not_dob",
                condition=~Q(kind="unborn")
                | (Q(expected_date_of_delivery__isnull=False) & Q(date_of_birth__isnull=True)),
            ),
        ]
        indexes = [
            # Repeat referrals match a child by date of birth and first name, ignoring letter case
            # and surrounding spaces (``patterns.repeats``, the reports' repeat indicators).
            models.Index(F("date_of_birth"), Lower(Trim("first_name")), name="person_dob_name"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.kind == self.Kind.UNBORN and not self.first_name:
            return f"Unborn baby {self.last_name}".strip()
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def is_unborn(self) -> bool:
        return self.kind == self.Kind.UNBORN

    def age_on(self, day) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonName(models.Model):
    """Other names a person is or was known by: they matter for matching and history."""

    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Also known as"
        BIRTH = "birth", "Name at birth"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Address(models.Model):
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    postcode_normalised = models.CharField(max_length=8, db_index=True, editable=False)

    def __str__(self):
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    def save(self, *args, **kwargs):
        from people.search import normalise_postcode

        self.postcode_normalised = normalise_postcode(self.postcode)
        super().save(*args, **kwargs)


class PersonAddress(models.Model):
    """Where a person lived and when. A confidential address is shown only to those who must see it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)
    is_confidential = models.BooleanField(
        default=False, help_text="For example a refuge: shown only to staff who must see it"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_in", "-created_at"]

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


class Family(VersionedModel):
    """A family group: the people an early help response is about."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        max_length=20, unique=True, help_text="Shown to staff; never contains names"
    )
    name = models.CharField(
        max_length=200, help_text="How staff refer to the family, e.g. 'Khan family'"
    )
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="families")
    teams = models.ManyToManyField("core.Team", through="FamilyTeam", related_name="families")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return f"{self.name} ({self.reference})"


class FamilyTeam(models.Model):
    """A team working with a family: the link that puts the family in its staff's scope."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="family_links")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "team"],
                condition=Q(ended_on__isnull=True),
                name="one_open_link_per_family_team",
            )
        ]


class FamilyMember(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", "Child or young person"
        PARENT_CARER = "parent_carer", "Parent or carer"
        OTHER_ADULT = "other_adult", "Other adult in the household"
        SIGNIFICANT = "significant", "Significant person outside the household"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "person"], name="unique_family_member")
        ]


class Household(models.Model):
    """People living at one address. A child may be in two households at once."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="households")
    name = models.CharField(max_length=200, help_text="For example 'Mum's house'")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_confidential = models.BooleanField(default=False)
    members = models.ManyToManyField(Person, through="HouseholdMember", related_name="households")

    def __str__(self):
        return self.name


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="household_memberships"
    )
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    stays_part_time = models.BooleanField(
        default=False, help_text="For example every other weekend"
    )

    class Meta:
        # One open spell per person per household; ended spells are kept as history, so
        # someone who leaves and comes back has a row for each time they lived there.
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(to_date__isnull=True),
                name="one_open_household_membership",
            )
        ]

    @property
    def is_current(self) -> bool:
        return self.to_date is None


class Relationship(models.Model):
    """How one person is related to another, read as '<person> is <kind> of <relative>'."""

    class Kind(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        PARENTS_PARTNER = "parents_partner", "Parent's partner"
        GRANDPARENT = "grandparent", "Grandparent"
        AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
        SIBLING = "sibling", "Brother or sister"
        HALF_SIBLING = "half_sibling", "Half-brother or half-sister"
        STEP_SIBLING = "step_sibling", "Step-brother or step-sister"
        FOSTER_CARER = "foster_carer", "Foster carer"
        SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        FRIEND = "friend", "Family friend"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_as_relative"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="unique_relationship"
            ),
            models.CheckConstraint(
                name="relationship_not_self", condition=~Q(person=models.F("relative"))
            ),
        ]


class ParentalResponsibility(models.Model):
    """Parental responsibility is per child and per adult, and can start and end."""

    class Basis(models.TextChoices):
        BIRTH_MOTHER = "birth_mother", "Birth mother"
        MARRIED_OR_CIVIL_PARTNER = (
            "married",
            "Married to or civil partner of the mother at the birth",
        )
        BIRTH_REGISTRATION = "registration", "Named on the birth certificate"
        AGREEMENT = "agreement", "Parental responsibility agreement"
        COURT_ORDER = (
            "court_order",
            "Court order (child arrangements or parental responsibility order)",
        )
        SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship order"
        ADOPTION = "adoption", "Adoption order"
        LOCAL_AUTHORITY = "local_authority", "Local authority (care order)"

    child = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="parental_responsibility"
    )
    adult = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="parental_responsibility_for"
    )
    basis = models.CharField(max_length=30, choices=Basis.choices)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "parental responsibility"
        constraints = [
            models.UniqueConstraint(fields=["child", "adult", "basis"], name="unique_pr")
        ]


class ProfessionalInvolvement(models.Model):
    """A professional working with a person (who, agency, contact, since when)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="professionals")
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, help_text="For example 'Health visitor' or 'Head of year'"
    )
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(
        max_length=200, blank=True, help_text="If not one of the partnership's agencies"
    )
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ended_on", "-started_on"]

    @property
    def organisation_name(self) -> str:
        return self.agency.name if self.agency_id else self.organisation


class ChronologyEntry(models.Model):
    """A significant event in a person's life, kept across every episode of work."""

    class Category(models.TextChoices):
        BIRTH = "birth", "Birth"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        HOUSING = "housing", "Housing or move"
        FAMILY = "family", "Family change"
        POLICE = "police", "Police incident"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        WAS_NOT_BROUGHT = "was_not_brought", "Was not brought to an appointment"
        SERVICE = "service", "Service involvement"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        ACCIDENT_INJURY = "accident_injury", "Accident or injury"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_on = models.DateField()
    category = models.CharField(max_length=20, choices=Category.choices)
    summary = models.TextField()
    source = models.CharField(
        max_length=200, blank=True, help_text="Agency or record the information came from"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # An entry a service wrote about its own event names the record it came from, so the page
    # links to it (core.records resolves the link; people imports none of the apps above it).
    # An entry typed by hand leaves all three empty.
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    event = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["record_type", "record_id"], name="chronology_record_idx")]

    @property
    def is_system(self) -> bool:
        """Written by a service from its own record: nobody edits it by hand."""
        return bool(self.event)

    @property
    def link(self):
        return records.link_for(self.record_type, self.record_id)
