"""The early help offer (issue 14, builds 3 to 5): programmes, groups, sessions, referrals with
their waiting lists, enrolment, attendance and impact measures.

A ``Programme`` is one of the council's own services in the directory (the directory's
``Service`` holds the name and description the public sees): a parenting programme or group work
run in groups (``ProgrammeGroup``, each with its sessions and places), or a one-to-one service
such as intensive key work, whose places are taken by referrals directly.

A ``Referral`` is one record for both ways a family is sent to a service: signposting with
handover to any directory service (the family's uptake recorded later), and a referral to one of
our programmes (a place, or the waiting list when there is none). The waiting list is the
programme's referrals that are waiting, in the pack's priority order, then by date added.
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class OfferPolicy(models.Model):
    """The council pack's ``offer`` section (one row): the waiting threshold and the lists."""

    waiting_flag_weeks = models.PositiveSmallIntegerField(default=6)
    # [{"code": "urgent", "name": "Urgent"}], in the pack's order (first is most urgent).
    priorities = models.JSONField(default=list, blank=True)
    # [{"code": "plan-closed", "name": "..."}], the impact measures of the report's §3.32.
    impact_measures = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "offer policy"


class Programme(models.Model):
    class Kind(models.TextChoices):
        PARENTING = "parenting", "Parenting programme"
        GROUP_WORK = "group_work", "Group work"
        ONE_TO_ONE = "one_to_one", "One-to-one service"

    service = models.OneToOneField(
        "directory.Service", on_delete=models.PROTECT, related_name="programme"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="programmes")
    area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Places at once, for a one-to-one service (a group's places are the group's own).
    capacity = models.PositiveIntegerField(default=0)
    # False: not taking referrals (those already on it carry on), for the reason given.
    active = models.BooleanField(default=True)
    not_running_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service__name", "id"]

    def __str__(self):
        return self.service.name

    @property
    def runs_groups(self) -> bool:
        return self.kind != self.Kind.ONE_TO_ONE


class ProgrammeGroup(models.Model):
    """One run (cohort) of a programme."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.PLANNED, Status.RUNNING)

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200)
    venue = models.ForeignKey(
        "core.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    venue_text = models.CharField("Venue (if not one of ours)", max_length=200, blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    capacity = models.PositiveIntegerField()
    starts_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["programme", "status"], name="offer_group_programme")]

    def __str__(self):
        return self.name


class GroupSession(models.Model):
    group = models.ForeignKey(ProgrammeGroup, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="offer_session_number_once")
        ]

    def __str__(self):
        return f"Session {self.number}"


class Referral(models.Model):
    class Source(models.TextChoices):
        TRIAGE = "triage", "Triage of a request for support"
        PANEL = "panel", "Panel decision"
        PLAN_ACTION = "plan_action", "Action in a family's plan"
        DIRECT = "direct", "Referred directly"

    class Status(models.TextChoices):
        HANDED_OVER = "handed_over", "Handed over"
        TAKEN_UP = "taken_up", "Taken up"
        NOT_TAKEN_UP = "not_taken_up", "Not taken up"
        REFERRED = "referred", "Place offered: waiting for the family’s answer"
        WAITING = "waiting", "On the waiting list"
        ENROLLED = "enrolled", "Has a place"
        COMPLETED = "completed", "Completed"
        LEFT = "left", "Left early"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Still wanting or holding a place.
    ACTIVE_STATUSES = (Status.REFERRED, Status.WAITING, Status.ENROLLED)

    # None only for a signpost from a request for support with no family record yet (triage):
    # that referral is linked to its request (``source_type``/``source_id``) and names no one.
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    people = models.ManyToManyField("people.Person", related_name="+")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DIRECT)
    # The record it came from (a ``core.records`` type and id), for the link back.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField()
    handover_to = models.CharField("Who at the service", max_length=200, blank=True)
    handover_on = models.DateField(null=True, blank=True)
    agreed_with_family = models.BooleanField(default=False)
    priority = models.CharField(max_length=40)
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices)
    waiting_since = models.DateField(null=True, blank=True)
    uptake_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="offer_referral_programme"),
            models.Index(fields=["source_type", "source_id"], name="offer_referral_source"),
            models.Index(fields=["family", "status"], name="offer_referral_family"),
        ]

    def __str__(self):
        return f"Referral {self.pk}"

    @property
    def is_signpost(self) -> bool:
        return self.programme_id is None


class ReferralHistory(AppendOnlyModel):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "referral history"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", "Enrolled"
        COMPLETED = "completed", "Completed"
        LEFT = "left", "Left early"

    group = models.ForeignKey(ProgrammeGroup, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="offer_enrolment_once")
        ]


class Attendance(models.Model):
    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"
        WAS_NOT_BROUGHT = "was_not_brought", "Was not brought"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="offer_attendance_once")
        ]


class ImpactMeasure(models.Model):
    """One of the pack's impact measures (§3.32) a participant reported after the programme."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="impacts")
    measure = models.CharField(max_length=60)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "measure"], name="offer_impact_once"),
        ]
