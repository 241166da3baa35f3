"""The directory of services: the Open Referral UK 3.0 tables (``standard/schema/*.json``).

Field names are the standard's, so a record turns into its ORUK form field for field. Ids are
the standard's UUIDs, kept as given, so a feed imported twice finds the same rows. Text the
standard leaves optional is stored as "" (never NULL) and left out of the API's answers; numbers
and dates it leaves optional are NULL. The standard types its dates (valid_from, dtstart,
opens_at ...) as plain strings with no format, so they are kept as text; only last_modified,
a date-time by format, is a timestamp.
"""

import uuid

from django.db import models


def _text():
    return models.TextField(blank=True, default="")


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.TextField()
    description = models.TextField()
    email = _text()
    website = _text()
    logo = _text()
    uri = _text()
    # The standard's parent may be an organisation outside this directory.
    parent_organization_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class OrganizationIdentifier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    identifier_scheme = _text()
    identifier_type = models.TextField()
    identifier = models.TextField()


class ServiceStatus(models.TextChoices):
    """The standard's service statuses (service.json's enum)."""

    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.TextField()
    description = _text()
    url = _text()
    email = _text()
    status = models.TextField(choices=ServiceStatus.choices)
    fees = _text()
    accreditations = _text()
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = _text()
    assurer_email = _text()
    alert = _text()
    last_modified = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location_type = models.TextField()
    name = _text()
    description = _text()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = _text()
    external_identifier_type = _text()

    def __str__(self):
        return self.name


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    attention = _text()
    address_1 = models.TextField()
    city = models.TextField()
    region = _text()
    state_province = models.TextField()
    postal_code = models.TextField()
    country = models.TextField()
    address_type = models.TextField()


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    description = _text()
    details = _text()
    url = _text()
    accessibility = _text()


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class Schedule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    valid_from = _text()
    valid_to = _text()
    dtstart = _text()
    freq = _text()
    interval = models.FloatField(null=True, blank=True)
    byday = _text()
    bymonthday = _text()
    description = _text()
    opens_at = _text()
    closes_at = _text()
    schedule_link = _text()
    attending_type = _text()
    notes = _text()


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()
    service_area = _text()


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = _text()
    title = _text()


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.TextField()
    description = _text()


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class Funding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = _text()


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    valid_from = _text()
    valid_to = _text()
    option = _text()
    amount = models.FloatField(null=True, blank=True)
    amount_description = _text()


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.TextField()
    description = models.TextField()
    uri = _text()
    version = _text()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.TextField()
    description = models.TextField()
    # The standard's parent term may belong to a taxonomy held elsewhere.
    parent_id = models.UUIDField(null=True, blank=True)
    taxonomy = _text()
    taxonomy_detail = models.ForeignKey(
        Taxonomy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_column="taxonomy_id",
    )
    term_uri = _text()
    term = _text()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Attribute(models.Model):
    """A taxonomy term given to a record of any table (the standard's link_id and link_type).

    ``link_entity`` names the table the linked record is in, so the API can find a record's
    attributes; the standard's own ``link_type`` is kept as the feed gave it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    link_id = models.UUIDField(null=True, blank=True, db_index=True)
    link_entity = _text()
    link_type = _text()
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class PostcodeCentroid(models.Model):
    """Where a postcode is (its centroid), from the ONS Postcode Directory (``manage.py
    directory_postcodes``), so the find support pages can measure distances without the network.

    Not part of the standard. ``postcode`` is normalised ("HD1 2AB"); ``outward`` is its first
    half ("HD1"), for the mean of a district when the full postcode is unknown."""

    postcode = models.CharField(max_length=8, unique=True)
    outward = models.CharField(max_length=4, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self):
        return self.postcode
