"""Supervision and professional challenge (issue 12, items 5 and 6).

A supervision is a manager's regular reflective meeting with one worker: the cases discussed
(each an episode, with the discussion and decisions), actions with dates, and reflections. The
council pack sets how often it is due (``supervision.every_weeks``) and the questions the form asks
(the lessons of serious case reviews: drift and delay, disguised compliance, start-again syndrome,
the child's daily lived experience). Supervision notes are about the worker's practice: they stay
here and never go on a family's chronology (management oversight notes on a case, in casework, do).

An escalation is a professional challenge: an agency is not doing what it agreed for a family (a
plan action, usually). It moves through the council's escalation stages, with history, until it is
resolved with an outcome.
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class SupervisionPolicy(models.Model):
    """The council pack's ``supervision`` section (one row): the cadence and the prompts."""

    every_weeks = models.PositiveSmallIntegerField(default=4)
    # [{"key": "drift", "question": "..."}], in the pack's order.
    prompts = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "supervision policy"


class Supervision(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    reflections = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["worker", "held_on"], name="supervision_worker")]

    def __str__(self):
        return f"Supervision {self.pk} on {self.held_on}"


class SupervisionCase(models.Model):
    """One case discussed in a supervision."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="cases")
    episode = models.ForeignKey("casework.Episode", on_delete=models.PROTECT, related_name="+")
    discussion = models.TextField()
    decisions = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["supervision", "episode"], name="supervision_case_once")
        ]


class SupervisionAction(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    who = models.CharField(max_length=200)
    by_when = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["by_when", "id"]


class Escalation(models.Model):
    """A professional challenge to an agency about a family's work."""

    class Stage(models.TextChoices):
        # The stages of the safeguarding partnership's escalation (resolving professional
        # disagreements) policy; the seeds name no stages, so these follow the usual LSCB model
        # (to confirm with the council).
        PRACTITIONER = "1", "1. Practitioner to practitioner"
        MANAGER = "2", "2. Manager to manager"
        SENIOR_MANAGER = "3", "3. Senior manager to senior manager"
        PARTNERSHIP = "4", "4. Safeguarding partnership"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    episode = models.ForeignKey("casework.Episode", on_delete=models.PROTECT, related_name="+")
    plan_action = models.ForeignKey(
        "casework.PlanAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField()
    to_whom = models.CharField("To whom (name and role)", max_length=200)
    stage = models.CharField(max_length=1, choices=Stage.choices, default=Stage.PRACTITIONER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    concern = models.TextField()
    outcome = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["episode", "status"], name="escalation_episode")]


class EscalationHistory(AppendOnlyModel):
    """Every move of an escalation: raised, moved on (to whom, stage), resolved."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=20)
    stage = models.CharField(max_length=1, choices=Escalation.Stage.choices)
    to_whom = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "escalation history"
