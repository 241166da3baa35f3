"""The drift and delay radar: rules from the council pack, the flags they raise, and every change
to a flag as history.

A rule (``RadarRule``) is data: its code, whether it is on and its thresholds, loaded from the
council pack's ``radar`` section. The engine (``radar.rules``) finds the subjects that break a rule
(an episode, a child in an episode, a panel case or a request) and ``radar.services.radar_run``
turns those findings into flags: it raises new ones, updates the facts of open ones and clears
those whose facts no longer hold. A flag stores facts (dates, counts, thresholds), never words
about a person: its reasons are rendered from the facts when shown (``radar.reasons``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import AppendOnlyModel


class RuleCode(models.TextChoices):
    TIME_IN_STAGE = "time_in_stage", "Time in a stage"
    NO_CONTACT_WITH_CHILD = "no_contact_with_child", "No one has seen the child"
    NOT_SEEN_ALONE = "not_seen_alone", "Child not seen alone"
    REVIEW_OVERDUE = "review_overdue", "Plan review overdue"
    ACTION_OVERDUE = "action_overdue", "Plan actions overdue"
    NO_PROGRESS = "no_progress", "No progress across two reviews"
    EPISODE_OPEN_LONG = "episode_open_long", "Episode open a long time"
    NO_LEAD_PROFESSIONAL = "no_lead_professional", "No lead professional after the panel"
    REQUEST_REPLY_OVERDUE = "request_reply_overdue", "Request waiting beyond its promised reply"
    WAS_NOT_BROUGHT = "was_not_brought", "Was not brought to appointments"


class RadarRule(models.Model):
    """One rule of the radar as the council set it. ``threshold`` is in the rule's unit (days,
    months or appointments); ``window`` is a second number some rules need (was-not-brought: the
    weeks within which the missed appointments count)."""

    code = models.CharField(max_length=40, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(default=True)
    threshold = models.PositiveIntegerField()
    window = models.PositiveIntegerField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.code


class RadarFlag(models.Model):
    class Status(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLEARED = "cleared", "Cleared"

    OPEN_STATUSES = (Status.RAISED, Status.ACKNOWLEDGED)

    rule = models.CharField(max_length=40, choices=RuleCode.choices)
    # What the flag is about: the family always when it is known, and the episode, child, panel
    # case or request the rule looked at.
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    panel_case = models.ForeignKey(
        "panel.PanelCase", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    support_request = models.ForeignKey(
        "support_requests.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which rule on which subject: one open flag per subject key.
    subject_key = models.CharField(max_length=200)
    facts = models.JSONField(default=dict)
    since = models.DateField(help_text="When the rule was first broken")
    raised_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RAISED)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_note = models.TextField(blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key"],
                condition=~Q(status="cleared"),
                name="radarflag_one_open_per_subject",
            )
        ]
        indexes = [models.Index(fields=["status", "episode"], name="radarflag_open")]

    def __str__(self):
        return f"{self.rule} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RadarFlagHistory(AppendOnlyModel):
    """Every change to a flag: raised, facts updated, acknowledged, cleared. No actor means the
    radar itself (the schedule or a run)."""

    class Change(models.TextChoices):
        RAISED = "raised", "Raised"
        UPDATED = "updated", "Facts updated"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLEARED = "cleared", "Cleared"

    flag = models.ForeignKey(RadarFlag, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.CharField(max_length=20, choices=Change.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "radar flag history"
