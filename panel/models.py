"""The Early Support Multi-Agency Panel: panels, seats, meetings and their history. The panel
decides which agency leads the support for each family referred to it; it does no casework.

Writes go through ``panel.services``. Nothing here holds personal data about families;
seats name members of staff.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.models import AppendOnlyModel
from panel import calendar

# The usual terms of reference: the chair or deputy and four members of distinct seats.
DEFAULT_QUORUM_MEMBERS = 4


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class Panel(models.Model):
    """One panel: for one early help area, or (area empty) for the whole council."""

    council = models.ForeignKey("core.Council", on_delete=models.PROTECT, related_name="panels")
    area = models.ForeignKey(
        "core.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panels",
        help_text="Leave empty for one panel for the whole council",
    )
    name = models.CharField(max_length=200)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.WEDNESDAY)
    first_meeting_date = models.DateField(
        help_text="The first meeting; every later one is two weeks on"
    )
    start_time = models.TimeField(default=calendar.DEFAULT_START_TIME)
    end_time = models.TimeField(default=calendar.DEFAULT_END_TIME)
    location = models.CharField(max_length=300, blank=True, help_text="Where it usually meets")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panels_chaired",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panels_deputised",
        help_text="The designated deputy chair",
    )
    publication_working_days = models.PositiveSmallIntegerField(
        default=calendar.DEFAULT_PUBLICATION_WORKING_DAYS
    )
    cutoff_days = models.PositiveSmallIntegerField(default=calendar.DEFAULT_CUTOFF_DAYS)
    # How many members, from distinct seats, must be present with the chair or deputy before
    # the panel may decide: a council's terms of reference set it, so it comes from the pack.
    quorum_members = models.PositiveSmallIntegerField(
        default=DEFAULT_QUORUM_MEMBERS,
        help_text="Members from distinct seats who must be present, with the chair or deputy, to decide",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"], name="panel_unique_name_per_council"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.first_meeting_date and self.first_meeting_date.weekday() != self.weekday:
            errors["first_meeting_date"] = (
                f"The first meeting must be on a {Weekday(self.weekday).label}"
            )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = "The end time must be after the start time"
        if self.chair_id and self.chair_id == self.deputy_id:
            errors["deputy"] = "The deputy must be someone other than the chair"
        name = (self.name or "").strip()
        if (
            self.council_id
            and name
            and Panel.objects.filter(council_id=self.council_id, name__iexact=name)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["name"] = "There is already a panel with this name"
        if not 1 <= (self.publication_working_days or 0) <= 10:
            errors["publication_working_days"] = (
                "Publication must be between 1 and 10 working days before"
            )
        if not 1 <= (self.cutoff_days or 0) <= 28:
            errors["cutoff_days"] = "The referral cut-off must be between 1 and 28 days before"
        if not 1 <= (self.quorum_members or 0) <= 20:
            errors["quorum_members"] = "The quorum must be between 1 and 20 members"
        if errors:
            raise ValidationError(errors)

    @property
    def calendar(self) -> calendar.PanelCalendar:
        return calendar.PanelCalendar(
            anchor=self.first_meeting_date,
            start_time=self.start_time,
            end_time=self.end_time,
            cutoff_days=self.cutoff_days,
            publication_working_days=self.publication_working_days,
        )


class PanelSeat(models.Model):
    """One agency's seat on a panel."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="panel_seats")

    class Meta:
        ordering = ["agency__sort_order", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "agency"], name="panel_one_seat_per_agency")
        ]

    def __str__(self):
        return f"{self.panel} – {self.agency}"


class PanelSeatMember(models.Model):
    """A named member of staff who sits in a seat, as a member or a substitute."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    is_substitute = models.BooleanField(default=False)

    class Meta:
        ordering = ["is_substitute", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["seat", "user"], name="panel_seat_member_once")
        ]

    def __str__(self):
        return f"{self.user} ({'substitute' if self.is_substitute else 'member'})"


class PanelMeeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved"
        HELD = "held", "Held"
        # Its day passed and nothing was recorded (no one arrived, nothing decided) within a week:
        # the service settles it so the calendar tells the truth, and its cases move on.
        NOT_HELD = "not_held", "Not held"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    moved_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_from"
    )
    cancelled_reason = models.TextField(blank=True)
    referral_cutoff = models.DateTimeField()
    publish_by = models.DateTimeField()
    pack_published_at = models.DateTimeField(null=True, blank=True)
    pack_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the members were told the pack is ready (the scheduled job ``panel.pack_notices``).
    pack_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "date"], name="panel_one_meeting_per_day")
        ]
        indexes = [models.Index(fields=["panel", "status", "referral_cutoff"])]

    def __str__(self):
        return f"{self.panel} {self.date:%d %B %Y}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def pack_published(self) -> bool:
        return self.pack_published_at is not None

    @property
    def bank_holiday(self) -> str:
        return calendar.bank_holiday_name(self.date)

    @property
    def uid(self) -> str:
        """A stable identifier for calendar files: the same meeting, the same UID, every download.

        Built from the panel and the date (unique together), so a meeting not yet saved
        has the UID it will keep once scheduled.
        """
        return f"panel-{self.panel_id}-meeting-{self.date:%Y%m%d}@earlyhelp"


class PanelMeetingHistory(AppendOnlyModel):
    """Append-only: who cancelled or moved a meeting, when, from what to what, and why."""

    class Change(models.TextChoices):
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved"
        HELD = "held", "Held"
        NOT_HELD = "not_held", "Not held"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="history")
    change = models.CharField(max_length=20, choices=Change.choices)
    # Empty when the service itself made the change on its schedule (a past meeting settled).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_date = models.DateField()
    from_starts_at = models.DateTimeField()
    to_date = models.DateField(null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "panel meeting history"

    def __str__(self):
        return f"{self.meeting} {self.change} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- intake: cases and ESMAP numbers


def format_esmap_number(year: int, sequence: int) -> str:
    return f"ESMAP-{year}-{sequence:04d}"


class EsmapSequence(models.Model):
    """The last ESMAP number given in a calendar year; its row is locked while a number is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class PanelCase(models.Model):
    """A referral logged by business support: its ESMAP number and the meeting it is placed on.

    Holds no personal data itself; the family and children are reached through the referral.
    """

    class Status(models.TextChoices):
        LOGGED = "logged", "Logged"
        DECIDED = "decided", "Lead agency decided"
        ALLOCATED = "allocated", "Lead professional allocated"
        CLOSURE_REQUESTED = "closure_requested", "Closure requested"
        # The family's episode was stepped up to children's social care: the case waits, with its
        # history, for a step down back into early help (ADR 0016).
        STEPPED_UP = "stepped_up", "Stepped up to children’s social care"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    referral = models.OneToOneField(
        "assessments.PanelReferral", on_delete=models.PROTECT, related_name="panel_case"
    )
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    esmap_number = models.CharField("ESMAP number", max_length=20, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField()
    meeting = models.ForeignKey(
        PanelMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The meeting whose agenda it is on",
    )
    placement_reason = models.TextField(blank=True, help_text="Why it is not on a meeting")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.LOGGED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="panelcase_unique_sequence"),
        ]
        indexes = [models.Index(fields=["meeting", "status"])]

    def __str__(self):
        return self.esmap_number


class PanelCaseHistory(AppendOnlyModel):
    """Append-only: who logged, placed, carried forward or changed a case, when, from what to what, and why."""

    class Change(models.TextChoices):
        LOGGED = "logged", "Logged"
        CARRIED_FORWARD = "carried_forward", "Carried forward"
        STATUS = "status", "Status changed"

    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="history")
    change = models.CharField(max_length=20, choices=Change.choices)
    # Empty when the service itself moved the case on its schedule (its meeting was not held).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "panel case history"

    def __str__(self):
        return f"{self.case_id} {self.change} {self.at:%Y-%m-%d %H:%M}"


class AgencyResponse(models.Model):
    """What one seat's agency knows about a case's family, before the meeting (one per case and seat)."""

    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="responses")
    seat = models.ForeignKey(PanelSeat, on_delete=models.PROTECT, related_name="responses")
    known = models.BooleanField("The family is known to the agency")
    information = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["seat__agency__sort_order", "seat__agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seat"], name="agencyresponse_one_per_seat")
        ]

    def __str__(self):
        return f"{self.case_id} – seat {self.seat_id}"


# ---------------------------------------------------------------- the meeting and after


class MeetingAttendance(models.Model):
    """Someone present at a meeting: from ``arrived_at`` until ``left_at`` (empty while still there).

    The chair and deputy have no seat; members and substitutes sit for their seat's agency;
    observers (business support minuting) are recorded but never count towards quorum.
    """

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        DEPUTY = "deputy", "Deputy chair"
        MEMBER = "member", "Member"
        SUBSTITUTE = "substitute", "Substitute"
        OBSERVER = "observer", "Observer (not counted)"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.ForeignKey(
        PanelSeat, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    arrived_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(left_at__isnull=True),
                name="attendance_present_once",
            )
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.user_id} {self.role}"

    @property
    def present(self) -> bool:
        return self.left_at is None


class PanelDecision(models.Model):
    """What the panel (or, between meetings, the chair) decided about a case; one per case."""

    class Kind(models.TextChoices):
        LEAD_AGENCY = "lead_agency", "Lead agency for the Team Around the Family"
        SIGNPOST = "signpost", "Signpost"
        SINGLE_AGENCY = "single_agency", "Single agency support with handover"
        STEP_UP = "step_up", "Step up to children's social care"
        DECLINE = "decline", "Declined"

    case = models.OneToOneField(PanelCase, on_delete=models.PROTECT, related_name="decision")
    meeting = models.ForeignKey(
        PanelMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="Empty for an extraordinary decision between meetings",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lead_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supporting_agencies = models.ManyToManyField("core.Agency", blank=True, related_name="+")
    signpost_to = models.TextField(blank=True)
    handover = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    is_extraordinary = models.BooleanField(default=False)
    reported_at_meeting = models.ForeignKey(
        PanelMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extraordinary_decisions",
        help_text="The meeting an extraordinary decision is reported to",
    )
    notification_note = models.TextField(
        blank=True, help_text="Who could not be told, and why (no personal data)"
    )

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.kind}"

    @property
    def outcome(self) -> str:
        """The outcome in words, with the lead agency's name (an agency name is not personal data)."""
        label = self.get_kind_display()
        if self.lead_agency_id and self.kind in (self.Kind.LEAD_AGENCY, self.Kind.SINGLE_AGENCY):
            return f"{label}: {self.lead_agency.name}"
        return label


class LeadProfessionalAllocation(models.Model):
    """The lead agency names the lead professional; the case leaves the agenda once reported."""

    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="allocations")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_allocations"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()

    class Meta:
        ordering = ["allocated_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.lead_professional_id}"


class ClosureRequest(models.Model):
    """The lead professional's case closure form, for the panel to confirm or return."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the panel"
        CONFIRMED = "confirmed", "Closed by the panel"
        RETURNED = "returned", "Returned"

    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="closures")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    summary = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    meeting = models.ForeignKey(
        PanelMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closures",
        help_text="The meeting it was placed on",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at_meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="closure_one_pending_per_case",
            )
        ]

    def __str__(self):
        return f"{self.case_id} closure {self.status}"
