"""Outcomes as data: the frameworks a council measures families against (from its council pack),
which framework outcomes each plan outcome maps to, and the scores that show progress.

Progress is kept, never overwritten. A score is an append-only row: a baseline at the start, a
score at each held review, one at closure and one when the sustained check is answered, each
with its evidence (what, where from, when, by whom). A mistake is put right by a new row that
``supersedes`` the old one, so the record shows both. Every score uses the one scale of the
council pack's ``outcomes.scoring`` (for example 0 "Not met at all" to 10 "Fully met"), whatever
framework the plan outcome maps to, so scores can be compared and distance travelled added up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class OutcomeScale(models.Model):
    """The scale every score is on (one row, from the council pack's ``outcomes.scoring``)."""

    lowest = models.SmallIntegerField(default=0)
    highest = models.SmallIntegerField(default=10)
    lowest_words = models.CharField(max_length=100, default="Not met at all")
    highest_words = models.CharField(max_length=100, default="Fully met")

    def __str__(self):
        return f"{self.lowest} ({self.lowest_words}) to {self.highest} ({self.highest_words})"


class OutcomeFramework(models.Model):
    """A set of outcomes a council measures against (Stronger Families, Supporting Families...)."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True)
    # How long after an episode ends its outcomes are checked as sustained.
    sustained_after_months = models.PositiveSmallIntegerField(default=6)
    # A framework left out of the pack stays for the scores recorded against it, but is not offered.
    in_pack = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class FrameworkOutcome(models.Model):
    framework = models.ForeignKey(
        OutcomeFramework, on_delete=models.PROTECT, related_name="outcomes"
    )
    code = models.SlugField()
    title = models.CharField(max_length=300)
    in_pack = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__sort_order", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="outcomes_outcome_code"),
        ]

    def __str__(self):
        return self.title


class OutcomeIndicator(models.Model):
    """A key performance indicator of a framework outcome, and where its evidence comes from."""

    outcome = models.ForeignKey(
        FrameworkOutcome, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.SlugField()
    name = models.CharField(max_length=300)
    evidence_source = models.CharField(max_length=200)
    in_pack = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="outcomes_indicator_code"),
        ]

    def __str__(self):
        return self.name


class OutcomeLink(models.Model):
    """A plan outcome mapped to a framework outcome. Removing it keeps the row (who, when, why),
    so what a score counted towards at the time can still be read."""

    plan_outcome = models.ForeignKey(
        "casework.PlanOutcome", on_delete=models.CASCADE, related_name="framework_links"
    )
    framework_outcome = models.ForeignKey(
        FrameworkOutcome, on_delete=models.PROTECT, related_name="links"
    )
    # The episode the plan outcome belongs to: it puts the link in a worker's scope.
    episode = models.ForeignKey("casework.Episode", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_outcome", "framework_outcome"],
                condition=models.Q(removed_at__isnull=True),
                name="outcomes_one_current_link",
            ),
        ]

    @property
    def is_current(self) -> bool:
        return self.removed_at is None


class ScoreKind(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    REVIEW = "review", "Review"
    CLOSURE = "closure", "Closure"
    SUSTAINED = "sustained", "Sustained check"


class OutcomeScore(AppendOnlyModel):
    """A plan outcome's score on the council's scale, with its evidence. Never changed: a
    correction is a new row that supersedes this one."""

    Kind = ScoreKind

    episode = models.ForeignKey("casework.Episode", on_delete=models.PROTECT, related_name="+")
    # Kept if the plan outcome is later taken out of the plan: the score stays in the episode's
    # record (the plan outcome is then unknown).
    plan_outcome = models.ForeignKey(
        "casework.PlanOutcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scores",
    )
    kind = models.CharField(max_length=10, choices=ScoreKind.choices)
    plan_review = models.ForeignKey(
        "casework.PlanReview", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.SmallIntegerField()
    # Only for a sustained check: whether the outcome was sustained.
    sustained = models.BooleanField(null=True, blank=True)
    evidence_what = models.TextField()
    evidence_source = models.CharField(max_length=200)
    evidence_on = models.DateField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["plan_outcome", "kind"], name="outcomes_score_kind")]


class OutcomeSustainedCheck(models.Model):
    """A closed episode's outcomes checked as sustained, due some months after it ended."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        ANSWERED = "answered", "Answered"

    episode = models.OneToOneField(
        "casework.Episode", on_delete=models.PROTECT, related_name="sustained_check"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
