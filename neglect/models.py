"""Neglect as data: a concern about a child, what was seen in each of Horwath's categories, the
child's daily lived experience, its history, and the grades of a licensed graded-care tool.

A concern belongs to one child of one family (the family puts it in a worker's scope) and says
where it came from: a request for support, an assessment, an episode, or something else. Only
the grades of a graded-care tool are kept, never the tool's own text (it is licensed); the
tools a council uses are in its council pack (``neglect.council_pack``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class Category(models.TextChoices):
    """Horwath's categories of neglect."""

    MEDICAL = "medical", "Medical"
    NUTRITIONAL = "nutritional", "Nutritional"
    EMOTIONAL = "emotional", "Emotional"
    EDUCATIONAL = "educational", "Educational"
    PHYSICAL = "physical", "Physical"
    SUPERVISION = "supervision", "Lack of supervision and guidance"


class NeglectConcern(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENDED = "ended", "Ended"

    class Source(models.TextChoices):
        SUPPORT_REQUEST = "support_request", "A request for support"
        ASSESSMENT = "assessment", "An early help assessment"
        EPISODE = "episode", "An episode of early help"
        OTHER = "other", "Something else (a contact, another agency)"

    class EndReason(models.TextChoices):
        IMPROVED = "improved", "The child's needs are now met"
        STEPPED_UP = "stepped_up", "Stepped up to children's social care"
        MOVED_AWAY = "moved_away", "The family moved out of the area"
        RECORDED_IN_ERROR = "recorded_in_error", "Recorded in error"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="neglect_concerns"
    )
    # The family the child was part of when it was recorded: it puts the concern in scope.
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="neglect_concerns"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    support_request = models.ForeignKey(
        "support_requests.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identified_on = models.DateField()
    lived_experience = models.TextField(
        help_text="The child's daily lived experience, in the child's terms"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Who identified it, as they were then (a worker may move team later): for counting by
    # agency and team without asking where the worker is now.
    recorded_by_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-identified_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["child", "status"], name="neglect_child_status"),
            models.Index(fields=["identified_on"], name="neglect_identified"),
        ]
        constraints = [
            models.CheckConstraint(
                name="neglect_ended_has_end",
                condition=models.Q(status="current") | models.Q(ended_on__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="current"),
                name="neglect_one_current_per_child",
            ),
        ]

    def __str__(self):
        return f"Neglect concern {self.pk} ({self.get_status_display()})"

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT


class NeglectObservation(models.Model):
    """What was seen in one category: by whom (name and role or agency), and when."""

    concern = models.ForeignKey(
        NeglectConcern, on_delete=models.PROTECT, related_name="observations"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    seen = models.TextField()
    seen_by = models.CharField(max_length=200, help_text="Name and role or agency")
    seen_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "-seen_on", "id"]


class NeglectConcernHistory(AppendOnlyModel):
    """Every change to a concern: who, when, what, why."""

    class Change(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        OBSERVATION = "observation", "Observation added"
        LIVED_EXPERIENCE = "lived_experience", "Lived experience changed"
        STATUS = "status", "Status"
        TOOL_RESULT = "tool_result", "Graded-care tool result"

    concern = models.ForeignKey(NeglectConcern, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.CharField(max_length=20, choices=Change.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "neglect concern history"


class GradedCareTool(models.Model):
    """A licensed graded-care tool a council uses (from its council pack): its areas and scale.
    Only names and grades: never the tool's descriptors."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    areas = models.JSONField(default=list)
    grades = models.JSONField(default=list)
    # A tool taken out of the pack stays for the results recorded with it, but is not offered.
    in_pack = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class GradedCareResult(models.Model):
    """A graded-care tool's grades for a child on a day: per area and overall."""

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="graded_care_results"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        NeglectConcern,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tool_results",
    )
    tool = models.ForeignKey(GradedCareTool, on_delete=models.PROTECT, related_name="results")
    done_on = models.DateField()
    area_grades = models.JSONField(default=dict)
    overall_grade = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-recorded_at"]
