"""Requests for support: the ways into early help (a practitioner, the MASH, or a member of the
public asking directly), and their triage.

A request is not a family record. It holds what the person asking told us, in their words,
until an early support team leader triages it; nothing in a public request is matched
against people records, so it can never reveal whether anyone is known to services. A
practitioner's request or a step-down may link a family record, chosen from the requester's
own scope.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim

from core.models import AppendOnlyModel


class SupportRequest(models.Model):
    class Source(models.TextChoices):
        PUBLIC = "public", "Member of the public"
        PRACTITIONER = "practitioner", "Practitioner"
        MASH_STEP_DOWN = "mash_step_down", "Step-down from MASH"

    class Route(models.TextChoices):
        # Seed 004 §3.27, way 2: a practitioner asks through the area's key contact or the MASH.
        KEY_CONTACT = "key_contact", "Through the area’s key contact"
        MASH = "mash", "Through the MASH"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_TRIAGE = "in_triage", "In triage"
        # Outcomes of triage: the request leaves the queue.
        SIGNPOSTED = "signposted", "Signposted"
        SINGLE_AGENCY = "single_agency", "Single-agency support"
        # Triage agreed an assessment; nobody has started it yet.
        ASSESSMENT = "assessment", "Assessment agreed"
        PANEL_REFERRAL = "panel_referral", "Referred to the panel"
        # After triage the request follows the family's case (support_request_follow_case).
        ASSESSMENT_STARTED = "assessment_started", "Assessment started"
        LEAD_PROFESSIONAL_ALLOCATED = "lead_professional_allocated", "Lead professional allocated"
        SUPPORT_ENDED = "support_ended", "Support ended"
        # A safeguarding stop: CIN or child protection concerns are not early help.
        REFERRED_TO_DUTY_TEAM = "referred_to_duty_team", "Referred to the duty team"
        CLOSED = "closed", "Closed"

    class Relationship(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        YOUNG_PERSON = "young_person", "The young person themself"
        OTHER_FAMILY = "other_family", "Another family member"

    class Consent(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNSURE = "unsure", "Not sure – wants to talk about it first"

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_TRIAGE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Random (see services._new_reference): says nothing about who asked or how many have.
    reference = models.CharField(max_length=12, unique=True, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    # Null while not known: a member of the public may not know which area they live in.
    area = models.ForeignKey(
        "core.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    location_given = models.CharField(
        "Town or postcode given",
        max_length=100,
        blank=True,
        help_text="When they were not sure of their area",
    )

    # Who asked, and how to reach them without putting anyone at risk.
    requester_name = models.CharField(max_length=200, blank=True)
    requester_relationship = models.CharField(
        max_length=20, choices=Relationship.choices, blank=True
    )
    requester_phone = models.CharField(max_length=30, blank=True)
    requester_email = models.EmailField(blank=True)
    # None: not asked (requests from practitioners and MASH carry their own contact routes).
    can_call = models.BooleanField(null=True, blank=True)
    can_leave_message = models.BooleanField(
        "Can leave a voicemail or text message", null=True, blank=True
    )
    safe_to_write = models.BooleanField("Safe to email or write", null=True, blank=True)
    contact_best_times = models.CharField(max_length=200, blank=True)
    contact_safety_notes = models.TextField(blank=True)

    # Blank only for a step-down from MASH, which gives its reason in step_down_reason.
    what_is_happening = models.TextField(blank=True)
    help_wanted = models.TextField(blank=True)
    consent_to_contact_agencies = models.CharField(
        max_length=10, choices=Consent.choices, blank=True
    )

    # ---- A practitioner's request, or a step-down recorded by early support staff.
    # The existing family record the request is about, chosen from the requester's scope.
    family = models.ForeignKey(
        "people.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    # The member of staff who made (or recorded) the request, and where they worked then.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_support_requests",
    )
    requester_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How a practitioner sent it: through the area's key contact (blank for other sources) or
    # the MASH, which passes early help requests on to the area's queue.
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    # The early support team of the area: the practitioner's key contact.
    key_contact_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    single_agency_support_tried = models.TextField(
        "Single-agency support already tried", blank=True
    )
    # None: not asked (public requests and step-downs).
    family_knows_and_consents = models.BooleanField(null=True, blank=True)
    safeguarding_concern = models.BooleanField(
        "CIN or child protection concerns when the request was made", null=True, blank=True
    )

    # ---- A step-down from MASH / children's social care, arriving with its history.
    social_care_reference = models.CharField(max_length=50, blank=True)
    step_down_reason = models.TextField(blank=True)
    allocation_meeting_date = models.DateField(null=True, blank=True)
    social_care_history = models.TextField(blank=True)
    need_level_at_step_down = models.ForeignKey(
        "core.NeedLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_name = models.CharField(max_length=200, blank=True)
    social_worker_contact = models.CharField(max_length=200, blank=True)

    # Set when the panel's lead agency allocates (and when the work is handed over), so the
    # person who asked can see who is now working with the family without reading the panel.
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Keyed hash of the client address, for abuse control only; never the address itself.
    submitted_ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["submitted_ip_hash", "created_at"], name="supportreq_ip_hash_created"
            ),
            models.Index(fields=["status", "area", "created_at"], name="supportreq_queue"),
            models.Index(fields=["requester", "created_at"], name="supportreq_requester"),
        ]
        constraints = [
            models.CheckConstraint(
                name="supportreq_public_has_contact_answers",
                condition=~Q(source="public")
                | (
                    Q(can_call__isnull=False)
                    & Q(can_leave_message__isnull=False)
                    & Q(safe_to_write__isnull=False)
                ),
            ),
            # Practitioners' requests and step-downs always say which member of staff made them.
            models.CheckConstraint(
                name="supportreq_staff_has_requester",
                condition=Q(source="public") | Q(requester__isnull=False),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def unsafe_contact_ways(self) -> list[str]:
        """Ways of contacting the person that they told us are NOT safe, for staff warnings."""
        ways = []
        if self.can_call is False:
            ways.append("call")
        if self.can_leave_message is False:
            ways.append("message")
        if self.safe_to_write is False:
            ways.append("write")
        return ways


class SupportRequestChild(models.Model):
    """A child or young person a request is about, as the person asking described them."""

    MAX_PER_REQUEST = 6

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=1)
    first_name = models.CharField(max_length=100)
    # Age when the request was made; kept with the date of birth if both were given.
    age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="supportreqchild_age_or_dob",
                condition=Q(age_years__isnull=False) | Q(date_of_birth__isnull=False),
            ),
        ]
        indexes = [
            # A repeat referral is the same date of birth and first name (``patterns.repeats``).
            models.Index(
                F("date_of_birth"), Lower(Trim("first_name")), name="request_child_dob_name"
            ),
        ]

    def __str__(self):
        return self.first_name


class SupportRequestHistory(AppendOnlyModel):
    """One append-only row per status change: who, when, from, to and why."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="history"
    )
    at = models.DateTimeField(auto_now_add=True)
    # None for the member of the public who made the request.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, choices=SupportRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=SupportRequest.Status.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "support request history"

    def __str__(self):
        return f"{self.support_request_id}: {self.from_status or '-'} -> {self.to_status}"


# Indicators, from the council's model of family intervention, that a targeted offer may be
# needed. Guidance for the team leader's judgement, never an automatic verdict: ticking them
# decides nothing.
TARGETED_OFFER_INDICATORS: tuple[tuple[str, str], ...] = (
    ("taf_not_effective", "Existing Team Around the Family (TAF) not being effective"),
    ("multiple_issues", "Multiple issues across a number of family members"),
    ("risk_of_escalation", "Risk of escalation to statutory or specialist services"),
    ("resistance", "Resistance or lack of engagement with practitioners"),
    ("disguised_compliance", "Concerns regarding disguised compliance"),
    ("offer_not_meeting_needs", "Current service offer not meeting the needs of the family"),
    ("more_intensive", "Need for a more intensive level of intervention"),
    ("assertive_engagement", "Need for assertive engagement"),
    ("robust_risk_management", "Need for a robust risk management approach"),
    (
        "more_than_consultation",
        "Consultation, coaching and co-working have been offered and more than this is needed",
    ),
)


class Triage(models.Model):
    """The early support team leader's triage of a request: saved as a draft until decided.

    The decision fields stay empty until triage_record_decision, which never runs while
    CIN or child protection concerns are recorded (see SafeguardingStop).
    """

    class Decision(models.TextChoices):
        SIGNPOST = "signpost", "Signpost to another service"
        SINGLE_AGENCY = "single_agency", "Single-agency support"
        ASSESSMENT = "assessment", "Start an early support assessment"
        PANEL = "panel", "Refer to the panel"

    DECISION_STATUS = {
        Decision.SIGNPOST: SupportRequest.Status.SIGNPOSTED,
        Decision.SINGLE_AGENCY: SupportRequest.Status.SINGLE_AGENCY,
        Decision.ASSESSMENT: SupportRequest.Status.ASSESSMENT,
        Decision.PANEL: SupportRequest.Status.PANEL_REFERRAL,
    }

    support_request = models.OneToOneField(
        SupportRequest, on_delete=models.PROTECT, related_name="triage"
    )
    conversation_date = models.DateField(null=True, blank=True)
    conversation_with = models.CharField(max_length=200, blank=True)
    conversation_summary = models.TextField(blank=True)
    # None: not answered yet. True is never kept with a decision.
    cin_cp_concern = models.BooleanField(null=True, blank=True)
    need_level = models.ForeignKey(
        "core.NeedLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    targeted_indicators = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    signpost_to = models.TextField(blank=True)
    handover_contact = models.CharField(max_length=200, blank=True)
    handover_date = models.DateField(null=True, blank=True)
    # A service picked from the directory (the offer app's referral holds the handover and the
    # uptake when the request has a family); empty when the service was typed in ``signpost_to``.
    signpost_service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None: not answered.
    agreed_with_family = models.BooleanField(null=True, blank=True)
    single_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Triage of {self.support_request_id}"

    @property
    def indicator_labels(self) -> list[str]:
        chosen = set(self.targeted_indicators or [])
        return [label for code, label in TARGETED_OFFER_INDICATORS if code in chosen]


class SafeguardingStop(models.Model):
    """A time the product stopped the early help path for CIN or child protection concerns.

    Made the moment the concern is recorded; what the user did next is added once, and the
    row is never removed, so a stop is kept even when the user says they were wrong.
    """

    class Trigger(models.TextChoices):
        TRIAGE_CONCERN = "triage_concern", "Concern recorded in triage"
        STATUTORY_LEVEL = "statutory_level", "Statutory level of need chosen in triage"
        REQUEST_CONCERN = "request_concern", "Concern recorded when the request was made"
        ASSESSMENT_CONCERN = "assessment_concern", "Concern recorded during the assessment"
        ASSESSMENT_DECISION = (
            "assessment_decision",
            "Assessment decision: step up to children’s social care",
        )

    class NextStep(models.TextChoices):
        PHONED = "phoned_duty_team", "I have phoned the duty team now"
        MASH_REFERRAL = "mash_referral", "I will refer to MASH using the council’s referral route"
        WAS_WRONG = "was_wrong", "I was wrong: there are no CIN or child protection concerns"

    # Where the concern was recorded: a request (and its triage) or an assessment.
    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safeguarding_stops",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safeguarding_stops",
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    trigger = models.CharField(max_length=30, choices=Trigger.choices)
    need_level = models.ForeignKey(
        "core.NeedLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Blank until the user records what they did next; they cannot go on until they do.
    next_step = models.CharField(max_length=20, choices=NextStep.choices, blank=True)
    reason = models.TextField(blank=True)
    next_step_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="safeguardingstop_one_record",
                condition=Q(support_request__isnull=False, assessment__isnull=True)
                | Q(support_request__isnull=True, assessment__isnull=False),
            ),
        ]

    def __str__(self):
        return (
            f"Safeguarding stop on {self.support_request_id or self.assessment_id} ({self.trigger})"
        )

    def delete(self, *args, **kwargs):
        raise PermissionError("A safeguarding stop cannot be removed")

    @property
    def is_pending(self) -> bool:
        return not self.next_step


class ThrottleHit(models.Model):
    """One counted POST to a public page, for the per-address rate limit (see throttle.py).

    Only a keyed hash of the client address is kept, and only for a day.
    """

    bucket = models.CharField(max_length=30)
    client_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["bucket", "client_hash", "at"], name="throttlehit_lookup")]
