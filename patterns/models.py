"""Patterns the product spots itself, and the one a practitioner records: disguised compliance.

Repeat referrals and repeat plans are worked out from the records (requests, panel referrals,
episodes) when a page asks, so nothing here copies them. Accidents and injuries are chronology
entries (``people.ChronologyEntry.Category.ACCIDENT_INJURY``). What this app stores:

* ``PatternSettings``: the council pack's ``patterns`` section (the windows and the threshold);
* ``DisguisedComplianceRecord``: recorded by a practitioner on a contact or a plan review (what
  was agreed, what was not done, what the family says, the evidence). It is never edited: a record
  made in error is withdrawn with a reason, and every change is a ``DisguisedComplianceHistory`` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import AppendOnlyModel

DEFAULT_REPEAT_REFERRAL_MONTHS = 12
DEFAULT_REPEAT_PLAN_MONTHS = 24
DEFAULT_INJURIES_COUNT = 3
DEFAULT_INJURIES_MONTHS = 6


class PatternSettings(models.Model):
    """The council's windows and threshold (one row, loaded from the council pack)."""

    council = models.OneToOneField(
        "core.Council", on_delete=models.CASCADE, related_name="pattern_settings"
    )
    repeat_referral_months = models.PositiveSmallIntegerField(
        default=DEFAULT_REPEAT_REFERRAL_MONTHS
    )
    repeat_plan_months = models.PositiveSmallIntegerField(default=DEFAULT_REPEAT_PLAN_MONTHS)
    injuries_count = models.PositiveSmallIntegerField(default=DEFAULT_INJURIES_COUNT)
    injuries_months = models.PositiveSmallIntegerField(default=DEFAULT_INJURIES_MONTHS)

    class Meta:
        verbose_name_plural = "pattern settings"


class DisguisedComplianceRecord(models.Model):
    """Actions agreed but not done while the family says they are engaging, with the evidence,
    recorded on one contact or one plan review of an episode."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        WITHDRAWN = "withdrawn", "Withdrawn"

    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, related_name="disguised_compliance"
    )
    contact = models.ForeignKey(
        "casework.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        "casework.PlanReview", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed = models.TextField("What was agreed")
    not_done = models.TextField("What was not done")
    family_says = models.TextField("What the family says")
    evidence = models.TextField("The evidence")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The date of the contact or review it was recorded on (what the pattern is dated by).
    occurred_on = models.DateField()

    class Meta:
        ordering = ["occurred_on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="dc_on_contact_or_review",
                condition=(Q(contact__isnull=False) & Q(review__isnull=True))
                | (Q(contact__isnull=True) & Q(review__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["episode", "status"], name="dc_episode_status")]

    def __str__(self):
        return f"Disguised compliance {self.pk} ({self.get_status_display()})"

    @property
    def on_what(self) -> str:
        return "contact" if self.contact_id else "plan review"


class DisguisedComplianceHistory(AppendOnlyModel):
    """Every change of a record's status: who, when, from, to, why."""

    record = models.ForeignKey(
        DisguisedComplianceRecord, on_delete=models.PROTECT, related_name="history"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "disguised compliance history"
