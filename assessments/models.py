"""The Early Support Multi-Agency Assessment and Referral: the council's form, done with the family.

One assessment per family, covering each child in it by name. Its fourteen sections are
answered as a task list: each section's answers are one AssessmentSection row (per child
for the per-child sections), saved as a draft whenever the user leaves a page, and marked
completed only when they pass the section's checks. A completed assessment is locked: a
later change starts a new version that copies the answers, and the old one stays readable.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import AppendOnlyModel


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for a manager to sign off"
        COMPLETED = "completed", "Completed"
        # A safeguarding stop: CIN or child protection concerns are not early help.
        STOPPED = "stopped", "Stopped: referred to the duty team"

    class Decision(models.TextChoices):
        """Section 12: the assessment's outcome, which decides what happens next."""

        CONTINUE = "continue", "Continue or maintain current support"
        TAF = "taf", "Step up to a Team Around the Family meeting"
        OTHER_AGENCY = "other_agency", "Refer to another agency"
        SOCIAL_CARE = "social_care", "Step up to children’s social care"

    LOCKED_STATUSES = (Status.AWAITING_SIGN_OFF, Status.COMPLETED, Status.STOPPED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="assessments"
    )
    # The request for support it answers, when it came from triage.
    support_request = models.ForeignKey(
        "support_requests.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    # Versions: a change to a completed assessment starts number + 1, pointing at the old one.
    number = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Optimistic concurrency for the assessment's own fields (children, status).
    version = models.PositiveIntegerField(default=1)

    # The worker completing the assessment, and where they worked then (seed 002, page 1).
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    worker_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker_role = models.CharField("Role or job title", max_length=200, blank=True)

    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["family", "number"], name="assessment_unique_version"),
            models.CheckConstraint(
                name="assessment_completed_has_decision",
                condition=~Q(status="completed") | ~Q(decision=""),
            ),
        ]

    def __str__(self):
        return f"Assessment {self.number} of {self.family_id}"

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "next_version") and self.next_version is not None


class AssessmentChild(models.Model):
    """A child or young person the assessment is about (an unborn baby included)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "person"], name="assessmentchild_unique"),
        ]

    def __str__(self):
        return str(self.person_id)


class AssessmentSection(models.Model):
    """The answers to one section (for one child, for the per-child sections).

    No row means 'not started'. Answers are kept as JSON keyed by the section form's field
    names (dates as ISO strings), so a draft can hold answers that would not yet pass.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not yet started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    child = models.ForeignKey(
        AssessmentChild, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key", "child"], name="assessmentsection_unique_per_child"
            ),
            models.UniqueConstraint(
                fields=["assessment", "key"],
                condition=Q(child__isnull=True),
                name="assessmentsection_unique_family_level",
            ),
        ]

    def __str__(self):
        return f"{self.key} ({self.status})"


class AssessmentHistory(AppendOnlyModel):
    """One append-only row per status change of an assessment: who, when, from, to and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=Assessment.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "assessment history"


class Consultation(models.Model):
    """Section 13, recorded after completion: the family's views and when they got a copy.

    Kept apart from the locked sections because it is a record of what happened after the
    assessment was completed, not a change to what was assessed.
    """

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="consultation"
    )
    child_views = models.TextField(blank=True)
    parent_views = models.TextField(blank=True)
    shared_on = models.DateField(null=True, blank=True)
    copy_given_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class PanelReferral(models.Model):
    """A referral of an assessment to the early support multi-agency panel: at any stage once its
    sections 2 and 14 are completed (the panel sees the assessment as it stands).

    Submitted only with the family's consent, or a recorded override (consent app). The
    panel's intake (ESMAP number, meeting) picks it up from here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="panel_referral"
    )
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="panel_referrals"
    )
    presenting_reason = models.TextField()
    referrer_continues = models.BooleanField(
        "The referrer will keep working with the family",
        help_text="Or plans to close their involvement",
    )
    consent_basis = models.CharField(max_length=20)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self):
        return f"Panel referral {self.pk}"
