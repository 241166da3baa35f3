"""Data protection: the retention schedule and its runs, legal holds, and rectification notes.

The schedule's rows are loaded from the council pack's ``retention`` section (the council sets
them); the nightly job (``services.retention_apply``) anonymises or deletes what is due and keeps
one ``RetentionRun`` per day saying what it did, in counts only. ``RetentionApplied`` remembers
which records the job has already dealt with, so nothing is done twice.
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class RecordType(models.TextChoices):
    """The kinds of record the schedule covers (one pack entry each)."""

    SUPPORT_REQUESTS = "support_requests", "Requests for support and their triage"
    ASSESSMENTS = "assessments", "Assessments and referrals to the panel"
    PANEL_CASES = "panel_cases", "Panel cases, responses, decisions and closures"
    CASEWORK = "casework", "Episodes: TAF meetings, plans, reviews, contacts and closures"
    CONSENT = "consent", "Consent decisions and overrides"
    PEOPLE = "people", "People and families: names, addresses, relationships, chronology"
    MESSAGES = "messages", "Emails the service sent"
    AUDIT = "audit", "The audit trail"


class After(models.TextChoices):
    """The event the period is counted from."""

    CLOSED = "closed", "the family’s case closed"
    CREATED = "created", "the record was made"
    YOUNGEST_CHILD_BORN = "youngest_child_born", "the youngest child was born"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise"
    DELETE = "delete", "Delete"
    KEEP = "keep", "Keep"


# What each record type allows: the events its period may run from, and what may be done when it
# is due. Most records are anonymised rather than deleted: they are held by PROTECT links and
# append-only history the product must keep (ADR 0019 says why, per record type). The audit trail
# is only ever kept: it is the record that the job itself ran.
ALLOWED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    RecordType.SUPPORT_REQUESTS: ((After.CLOSED, After.CREATED), ("anonymise", "keep")),
    RecordType.ASSESSMENTS: ((After.CLOSED, After.CREATED), ("anonymise", "keep")),
    RecordType.PANEL_CASES: ((After.CLOSED, After.CREATED), ("anonymise", "keep")),
    RecordType.CASEWORK: ((After.CLOSED, After.CREATED), ("anonymise", "keep")),
    RecordType.CONSENT: ((After.CLOSED, After.CREATED), ("anonymise", "keep")),
    RecordType.PEOPLE: ((After.YOUNGEST_CHILD_BORN, After.CLOSED), ("anonymise", "keep")),
    RecordType.MESSAGES: ((After.CREATED,), ("delete", "anonymise", "keep")),
    RecordType.AUDIT: ((), ("keep",)),
}


class RetentionRule(models.Model):
    """One row of the council's retention schedule, from the council pack."""

    record_type = models.CharField(max_length=30, choices=RecordType.choices, unique=True)
    after = models.CharField(max_length=30, choices=After.choices, blank=True)
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "record_type"]

    def __str__(self):
        return self.record_type


class RetentionRun(models.Model):
    """What the retention job did on one day: counts per record type and action, never names."""

    ran_for = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"support_requests": {"anonymise": 2, "kept_open_case": 1}, ...}
    summary = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-ran_for"]

    def summary_counts(self) -> dict:
        """Flat counts for the scheduler's page: {"support_requests_anonymise": 2}."""
        return {
            f"{record_type}_{what}": count
            for record_type, counts in self.summary.items()
            for what, count in counts.items()
        }


class RetentionApplied(models.Model):
    """A record the retention job has anonymised or deleted (by id only)."""

    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    # "<model label>:<primary key>", e.g. "people.person:3f2c…".
    record_key = models.CharField(max_length=120)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="applied")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_key"], name="retention_applied_once"),
        ]


class LegalHold(models.Model):
    """A family whose records must be kept whatever the schedule says (litigation, an inquiry)."""

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at"]


class RectificationNote(AppendOnlyModel):
    """A note on a person's record: what was corrected and why, by whom and when.

    Written once and never changed: a later correction is a new note.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="rectification_notes"
    )
    what_was_corrected = models.TextField()
    why = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
