"""What the reporting app keeps: the council's reporting settings (the pack's ``reporting``
section) and each quarterly neglect booklet as issued, never changed.

Indicators themselves are worked out from the records whenever a report asks, so nothing here
copies a count except an issued booklet, which is the record of what the board was shown. A
booklet takes a while to build at a national council's scale, so its draft and its issue run as
background work: a ``ReportRun`` is one such request, its progress and its result (ADR 0026)."""

import uuid

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel

DEFAULT_SMALL_NUMBER = 5
# The intensive offer's measures (Early Help Strategy §3.30): "an average of 9 months intensive
# work" and "an average 2-3 visits per week".
DEFAULT_EPISODE_MONTHS = (6, 9)
DEFAULT_VISITS_PER_WEEK = (2, 3)
# More open episodes than this at once is more than a lead professional can manage (to confirm
# with the council).
DEFAULT_MANAGEABLE_CASELOAD = 20
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
    manageable_caseload = models.PositiveSmallIntegerField(default=DEFAULT_MANAGEABLE_CASELOAD)

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


class ReportRun(models.Model):
    """One request to build the neglect booklet in the background: a draft to download, or an
    issue for the board. It belongs to whoever asked (its id, in the page's address, is a random
    UUID and names no one). A draft's file is kept here for its requester to download, and
    cleared after a day; an issue's result is the ``NeglectBooklet`` it made."""

    class Kind(models.TextChoices):
        BOOKLET_DRAFT = "booklet_draft", "Draft of the neglect booklet"
        BOOKLET_ISSUE = "booklet_issue", "Issue of the neglect booklet"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    fmt = models.CharField(max_length=4, choices=Format.choices, blank=True)  # a draft's file
    commentary = models.TextField(blank=True)  # an issue's board commentary
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress: the steps worked out so far, of how many (0 of 0 until the build starts).
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True)  # a draft's file, until cleared
    booklet = models.ForeignKey(
        NeglectBooklet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error = models.CharField(max_length=100, blank=True)  # the exception's type name only
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="report_run_by_user")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_run_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} Q{self.quarter} {self.year} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.kind == self.Kind.BOOKLET_DRAFT


class Figure(models.Model):
    """One indicator's figure for one period that has ended and one slice of the partnership, as
    worked out at a moment, kept so the reports open fast at national scale (``reporting.figures``,
    ADR 0027). Counts only: no one's data."""

    code = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()
    slice_key = models.CharField(max_length=60)
    numerator = models.IntegerField()
    denominator = models.IntegerField(null=True, blank=True)
    median_days = models.FloatField(null=True, blank=True)
    worked_out_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "start", "end", "slice_key"], name="figure_one_per_period_slice"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.start} to {self.end} ({self.slice_key})"
