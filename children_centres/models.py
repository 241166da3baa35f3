"""Children's centre registration and reach (the Cabinet report's §3.24: "the key measures in the
Children's Centres offer are the collation of registration and reach data").

A child under five is *registered* at one of the council's designated children's centres (a
``core.Site`` of kind ``childrens_centre``), and may be registered at more than one. A
registration ends when the family moves away or stops using the centre (``ended_on``); turning five
ends nothing stored: the figures count a child only while they are under five, from their date of
birth. A *contact* is a child seen at or by a centre on a day, of a kind from the council pack
(stay and play, health visitor clinic, outreach visit...), which says whether that kind counts as
reach. The council loads the number of under-fives in each centre's reach area (and, if it has
one, an area's own figure) for each year; the figures divide by it (``children_centres.reach``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_SMALL_NUMBER = 5
# A registered child with no contact counted as reach for this many months is in the centre
# staff's work tray (the council pack's ``children_centres.not_seen_months``).
DEFAULT_NOT_SEEN_MONTHS = 3


class CentreSettings(models.Model):
    """The council pack's ``children_centres`` section (one row): the kinds of contact, whether
    each counts as reach, the small number kept off the figures, and after how many months
    without a contact counted as reach a registered child is in the work tray."""

    small_number = models.PositiveSmallIntegerField(default=DEFAULT_SMALL_NUMBER)
    not_seen_months = models.PositiveSmallIntegerField(default=DEFAULT_NOT_SEEN_MONTHS)
    # [{"key": "stay_and_play", "name": "Stay and play", "counts_as_reach": true}], pack order.
    contact_kinds = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "children's centre settings"


class CentreRegistration(models.Model):
    """A child registered at a children's centre, from a day until (perhaps) a day it ended."""

    class EndReason(models.TextChoices):
        MOVED_AWAY = "moved_away", "The family moved out of the centre's area"
        LEFT = "left", "The family no longer uses this centre"
        ENTERED_IN_ERROR = "error", "Registered by mistake"

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="centre_registrations"
    )
    centre = models.ForeignKey(
        "core.Site", on_delete=models.PROTECT, related_name="centre_registrations"
    )
    registered_on = models.DateField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "centre"],
                condition=Q(ended_on__isnull=True),
                name="one_open_registration_per_child_centre",
            )
        ]
        indexes = [models.Index(fields=["centre", "registered_on"], name="registration_centre")]

    def __str__(self):
        return f"Registration {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ReachContact(models.Model):
    """A child seen at or by a children's centre on a day (the kind says what for)."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    seen_on = models.DateField()
    # A key of the pack's contact kinds (kept as recorded if the pack later drops the kind).
    kind = models.CharField(max_length=50)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seen_on", "-id"]
        indexes = [
            models.Index(fields=["child", "centre", "seen_on"], name="contact_child_centre"),
        ]

    def __str__(self):
        return f"Contact {self.pk}"


class UnderFivesPopulation(models.Model):
    """How many children under five live in a centre's reach area (or a whole early help area),
    for a year, as the council loaded it. Exactly one of ``centre`` and ``area`` is set."""

    year = models.PositiveSmallIntegerField()
    centre = models.ForeignKey(
        "core.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    under_fives = models.PositiveIntegerField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                name="population_centre_or_area",
                condition=(Q(centre__isnull=False) & Q(area__isnull=True))
                | (Q(centre__isnull=True) & Q(area__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["year", "centre"],
                condition=Q(centre__isnull=False),
                name="one_population_per_centre_year",
            ),
            models.UniqueConstraint(
                fields=["year", "area"],
                condition=Q(area__isnull=False),
                name="one_population_per_area_year",
            ),
        ]
