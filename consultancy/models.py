"""Casework consultancy (the Cabinet report §3.31): consultation, coaching and co-working offered
by the early support service's casework consultants to partner agencies' practitioners.

A casework consultant is a member of staff designated as one for a period (``CaseworkConsultant``,
kept by early support team leaders): not a role, so the roles and everything they decide stay as
they are. A partner practitioner or lead professional asks for help (``ConsultancyRequest``),
optionally about a family they work with; a team leader assigns a consultant, or a consultant picks
it up; the consultant accepts or declines it (with the reason) and, once the work is done, records
the outcome: what was done and what happened next. Each step is a row of its history.
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class CaseworkConsultant(models.Model):
    """A member of staff designated as a casework consultant from one date, until another (or
    open-ended)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultant_periods"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["user", "starts_on"], name="consultant_user_period")]

    def __str__(self):
        return f"Casework consultant {self.user_id} from {self.starts_on}"


class ConsultancyRequest(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        COACHING = "coaching", "Coaching"
        CO_WORKING = "co_working", "Co-working"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked for"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class NextStep(models.TextChoices):
        CARRIES_ON = "carries_on", "The partner carries on as lead professional"
        TAF = "taf", "Stepped up to a Team Around the Family"
        REFERRED_ON = "referred_on", "Referred on"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultancy_requests"
    )
    # The requester's agency and team when they asked (they may move on later).
    requester_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    requester_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    help_wanted = models.TextField()
    preferred_dates = models.CharField(max_length=500, blank=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultancy_assigned",
    )
    decline_reason = models.TextField(blank=True)
    # The outcome, once completed: what was done (advice given, coaching sessions held, the
    # co-working period) and what happened next.
    what_was_done = models.TextField(blank=True)
    coaching_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    co_working_from = models.DateField(null=True, blank=True)
    co_working_to = models.DateField(null=True, blank=True)
    next_step = models.CharField(max_length=20, choices=NextStep.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    # Timeliness: when it was asked for, first answered (accepted or declined) and completed.
    requested_on = models.DateField()
    first_response_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["status", "consultant"], name="consultancy_status_consultant"),
            models.Index(fields=["requested_by", "status"], name="consultancy_requester"),
            models.Index(fields=["requested_on"], name="consultancy_requested_on"),
        ]

    def __str__(self):
        return f"Consultancy request {self.pk}"


class ConsultancyRequestHistory(AppendOnlyModel):
    """Every step of a request: asked, picked up or assigned, accepted, declined, completed,
    withdrawn (who, when, from and to which status, the consultant then, and any note)."""

    class Event(models.TextChoices):
        ASKED = "asked", "Asked for"
        PICKED_UP = "picked_up", "Picked up"
        ASSIGNED = "assigned", "Assigned"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    request = models.ForeignKey(
        ConsultancyRequest, on_delete=models.PROTECT, related_name="history"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    from_status = models.CharField(
        max_length=20, choices=ConsultancyRequest.Status.choices, blank=True
    )
    to_status = models.CharField(max_length=20, choices=ConsultancyRequest.Status.choices)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "consultancy request history"
