"""Council configuration (reference data loaded from a pack) and the audit trail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core import clock


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("This record is append-only: it cannot be changed")

    def delete(self):
        raise PermissionError("This record is append-only: it cannot be removed")


class AppendOnlyModel(models.Model):
    """A row written once (a history entry, a decision): a later change is a new row, never an edit.

    The app refuses updates and deletes through instances and querysets alike.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("This record is append-only: it cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("This record is append-only: it cannot be removed")


class Council(models.Model):
    """The council this installation serves. One row, loaded from the council pack."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    service_name = models.CharField(max_length=200, default="Early help")
    duty_team_name = models.CharField(
        max_length=200,
        help_text="Where CIN and child protection concerns go (Duty and Advice Team / MASH)",
    )
    duty_team_phone = models.CharField(max_length=50)
    duty_team_email = models.EmailField(blank=True)
    duty_team_out_of_hours_phone = models.CharField(max_length=50, blank=True)
    duty_team_instructions = models.TextField(blank=True)
    early_support_phone = models.CharField(max_length=50, blank=True)
    early_support_email = models.EmailField(blank=True)
    # Whether a manager signs each assessment off is the council's choice (the assessment guidance
    # says "if appropriate"), so it is a setting, not a rule in code.
    assessment_sign_off_required = models.BooleanField(
        default=False,
        help_text="A manager must sign off each early support assessment before it is completed",
    )
    privacy_notice_url = models.URLField(
        blank=True, help_text="The council's privacy notice, given to families"
    )
    # The public "ask for help" journey: where "Leave this page quickly" goes, and how soon
    # the council promises to be in touch.
    public_exit_url = models.URLField(default="https://www.bbc.co.uk/weather")
    public_response_working_days = models.PositiveSmallIntegerField(default=5)
    # How often a family plan is reviewed, unless an episode is set otherwise (six weeks by default).
    plan_review_weeks = models.PositiveSmallIntegerField(default=6)

    # The timescales a council may set, within what the product's reminders and promises can keep.
    RESPONSE_WORKING_DAYS = (1, 60)
    PLAN_REVIEW_WEEKS = (1, 52)

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        low, high = self.RESPONSE_WORKING_DAYS
        days = self.public_response_working_days
        if days is not None and not low <= days <= high:
            errors["public_response_working_days"] = (
                f"The working days to reply must be between {low} and {high}"
            )
        low, high = self.PLAN_REVIEW_WEEKS
        weeks = self.plan_review_weeks
        if weeks is not None and not low <= weeks <= high:
            errors["plan_review_weeks"] = (
                f"The weeks between plan reviews must be between {low} and {high}"
            )
        if errors:
            raise ValidationError(errors)


class Area(models.Model):
    """An early help area (locality)."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Site(models.Model):
    class Kind(models.TextChoices):
        HUB = "hub", "Early help hub"
        CHILDRENS_CENTRE = "childrens_centre", "Designated children's centre"
        DELIVERY = "delivery", "Delivery site"

    code = models.SlugField(unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sites")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["area__sort_order", "kind", "name"]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """An organisation or service whose staff use the product (and may sit on the panel)."""

    class Sector(models.TextChoices):
        COUNCIL = "council", "Council service"
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        HOUSING = "housing", "Housing"
        JUSTICE = "justice", "Youth justice"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        OTHER = "other", "Other"

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    # The early support service sees every family; which agency it is comes from the council pack,
    # never from its name.
    is_early_support_service = models.BooleanField(default=False)
    panel_seat = models.BooleanField(
        default=False, help_text="Has a seat on the multi-agency panel"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class Team(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="teams", null=True, blank=True
    )

    class Meta:
        ordering = ["agency__sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def name_with_agency(self) -> str:
        return agency_and_team(self.agency.name, self.name)


def agency_and_team(agency_name: str, team_name: str | None) -> str:
    """The agency's name and the team's ("NHS – Health Visiting"), or just the team's when it
    already begins with the agency's (Family Support's "Family Support – North"), so
    nobody reads the agency's name twice."""
    if not team_name:
        return agency_name
    if not agency_name or team_name.casefold().startswith(agency_name.casefold()):
        return team_name
    return f"{agency_name} – {team_name}"


class NeedLevel(models.Model):
    """A level of the Continuum of Need and Response."""

    level = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField()
    response = models.TextField(blank=True, help_text="What help is expected at this level")
    is_statutory = models.BooleanField(
        default=False,
        help_text="Child in need or protection: not early help, goes to the duty team",
    )

    class Meta:
        ordering = ["level"]

    def __str__(self):
        return f"Level {self.level}: {self.name}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted")


class AuditEvent(models.Model):
    """One append-only record of who did what to which record, when and from where.

    Written only by ``core.audit.audit_record`` inside the transaction of the action
    it records. The model refuses updates and deletes; on PostgreSQL a trigger does
    too (migration 0002), so not even raw SQL from the app can rewrite history.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Removed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        REFUSED = "refused", "Refused access"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=10, default="web", help_text="web or api")
    # Never personal data: field names changed, counts, reasons chosen from a list.
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted")


class OutboundMessage(models.Model):
    """An email the product sent (core.notify): to whom, which template, the reference.

    Personalisation holds only the template's allowed fields (reference, outcome, date, link),
    never a child's or family's details.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        # The provider refused or could not be reached; a worker tries again at next_attempt_at.
        RETRYING = "retrying", "Waiting to try again"
        # Every attempt failed: someone must look (the service's messages page lists these).
        FAILED = "failed", "Failed"

    to = models.EmailField()
    template = models.CharField(max_length=50)
    reference = models.CharField(max_length=50)
    personalisation = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(max_length=100, blank=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The error's type only ("ConnectionError"): a provider's message can quote the address.
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="outbound_record"),
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
        ]

    def __str__(self):
        return f"{self.template} {self.reference} ({self.status})"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one period (core.schedule).

    The unique (job, period) row is what makes a job run once per period however many schedulers
    and workers are running: the first to insert it enqueues the work; the others find it taken.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=80)
    period = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the job did, as counts and record types (never personal data): {"marked_held": 2}.
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-period", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self):
        return f"{self.job} {self.period:%Y-%m-%d %H:%M} ({self.status})"


# The council's values a system administrator may change on the council page (and the pack sets):
# every Council field but its code, which identifies the installation. The labels are the page's.
COUNCIL_VALUE_LABELS = {
    "name": "Council name",
    "service_name": "Service name",
    "duty_team_name": "Duty team name",
    "duty_team_phone": "Duty team phone number",
    "duty_team_email": "Duty team email address",
    "duty_team_out_of_hours_phone": "Out of hours phone number",
    "duty_team_instructions": "What to tell people about the duty team",
    "early_support_phone": "Early support phone number",
    "early_support_email": "Early support email address",
    "privacy_notice_url": "Privacy notice web address",
    "public_exit_url": "Where 'Leave this page quickly' goes",
    "public_response_working_days": "Working days to reply to a family's request",
    "plan_review_weeks": "Weeks between family plan reviews",
    "assessment_sign_off_required": "A manager signs off each assessment",
}


def council_value_text(value) -> str:
    """A council value as its history keeps it: "Yes" or "No", a number, the text itself."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class CouncilValueChange(AppendOnlyModel):
    """One change to one of the council's values: the old and new value, who, when, why, and
    whether a system administrator made it on the council page or the council pack's loader did.

    Written only by ``core.services_council`` (the page) and ``core.council_pack`` (the loader),
    in the transaction of the change. The loader reads the latest row of each value to leave a
    value changed on the page alone (see ``core.council_pack``).
    """

    class Source(models.TextChoices):
        PAGE = "page", "Council page"
        PACK = "pack", "Council pack"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="value_changes")
    field = models.CharField(max_length=50, choices=list(COUNCIL_VALUE_LABELS.items()))
    # The values as the page shows them ("Yes", "5", an address); empty when there was none.
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Nobody for the pack's loader: it runs on deploy, not as a person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["council", "field", "-at"], name="council_value_latest")]

    def __str__(self):
        return f"{self.field} ({self.get_source_display()}, {self.at:%Y-%m-%d %H:%M})"
