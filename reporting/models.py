"""What the reporting app keeps: the council's reporting settings (the pack's ``reporting``
section) and each quarterly neglect booklet as issued, never changed.

Indicators themselves are worked out from the records whenever a report asks, so nothing here
copies a count except an issued booklet, which is the record of what the board was shown."""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel

DEFAULT_SMALL_NUMBER = 5
# The intensive offer's measures (Early Help Strategy §3.30): "an average of 9 months intensive
# work" and "an average 2-3 visits per week".
DEFAULT_EPISODE_MONTHS = (6, 9)
DEFAULT_VISITS_PER_WEEK = (2, 3)
# How many days each step from request to first contact should take at most (to confirm with
# the council): from the request to its triage decision, from the triage to the panel's decision,
# from the decision to the lead professional's allocation, from allocation to the first Team
# Around the Family meeting and to the first contact.
DEFAULT_TIMELINESS_DAYS = {
    "request_to_triage": 5,
    "triage_to_decision": 28,
    "decision_to_allocation": 5,
    "allocation_to_first_meeting": 20,
    "allocation_to_first_contact": 10,
}


class ReportingSettings(models.Model):
    """The council's reporting settings (one row, loaded from the council pack)."""

    council = models.OneToOneField(
        "core.Council", on_delete=models.CASCADE, related_name="reporting_settings"
    )
    # A count from 1 to small_number - 1 is not shown (it could point at a family).
    small_number = models.PositiveSmallIntegerField(default=DEFAULT_SMALL_NUMBER)
    episode_months_from = models.PositiveSmallIntegerField(default=DEFAULT_EPISODE_MONTHS[0])
    episode_months_to = models.PositiveSmallIntegerField(default=DEFAULT_EPISODE_MONTHS[1])
    visits_per_week_from = models.PositiveSmallIntegerField(default=DEFAULT_VISITS_PER_WEEK[0])
    visits_per_week_to = models.PositiveSmallIntegerField(default=DEFAULT_VISITS_PER_WEEK[1])
    timeliness_days = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "reporting settings"

    def target_days(self, step: str) -> int:
        return int((self.timeliness_days or {}).get(step, DEFAULT_TIMELINESS_DAYS[step]))


class NeglectBooklet(AppendOnlyModel):
    """One issue of the quarterly Neglect Performance Indicator booklet (seed 003, "Data" and
    "Governance"): the files exactly as issued and the board's commentary. A second issue of the
    same quarter is a new row with the next edition number; nothing is overwritten."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    edition = models.PositiveSmallIntegerField(default=1)
    commentary = models.TextField(blank=True)
    pdf = models.BinaryField()
    xlsx = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    xlsx_sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-quarter", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "edition"], name="one_booklet_per_quarter_edition"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="booklet_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return f"Neglect booklet Q{self.quarter} {self.year} (edition {self.edition})"
