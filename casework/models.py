"""Team Around the Family casework: episodes, stages, TAF meetings, the family plan and its
reviews, contacts and closure: one lead professional per family running a Team Around the
Family, with a shared plan reviewed regularly, in four stages of targeted family intervention.

An episode is one period of early help work with a family, led by one lead professional. A family
can have many over the years; step up (to children's social care) and step down (to Community Plus
or universal services, or from social care into early help) end one episode and link the next,
so the chain of work is never lost. History that belongs to a person (the chronology) stays on the
person (people app), so it follows them into every episode.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import AppendOnlyModel


class Episode(models.Model):
    class Offer(models.TextChoices):
        COMMUNITY_PLUS = "community_plus", "Community Plus"
        TARGETED = "targeted", "Targeted family intervention"
        SINGLE_AGENCY = "single_agency", "Single agency"

    class Stage(models.IntegerChoices):
        """The four stages of targeted family intervention, in order (the council's model of family
        intervention): engagement and planning, addressing concerns, maintaining progress, exit."""

        ENGAGEMENT = 1, "1. Engagement, assessment, planning and initial response"
        ADDRESSING = 2, "2. Addressing concerns"
        MAINTAINING = 3, "3. Maintaining progress"
        EXIT = 4, "4. Exit planning"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSURE_REQUESTED = "closure_requested", "Closure sent to the panel"
        CLOSED = "closed", "Closed"
        STEPPED_UP = "stepped_up", "Stepped up to children’s social care"

    class EndReason(models.TextChoices):
        NEEDS_MET = "needs_met", "Needs met"
        STEP_DOWN = "step_down", "Stepped down to Community Plus or universal services"
        STEP_UP = "step_up", "Stepped up to children’s social care"
        DISENGAGED = "disengaged", "Family disengaged"
        MOVED_AWAY = "moved_away", "Moved out of the area"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="episodes")
    # Where it came from: the panel's case (allocation) and the assessment behind it, when there is
    # one. A step up and a later step down keep the same panel case, so one case can have a chain
    # of episodes; only the newest can be open (ADR 0016).
    panel_case = models.ForeignKey(
        "panel.PanelCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
    )
    # The chain of work: the episode this one follows (after a step up and later a step down, etc.).
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_episode"
    )
    need_level = models.ForeignKey("core.NeedLevel", on_delete=models.PROTECT, related_name="+")
    offer = models.CharField(max_length=20, choices=Offer.choices, default=Offer.TARGETED)
    lead_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_episodes"
    )
    stage = models.PositiveSmallIntegerField(choices=Stage.choices, default=Stage.ENGAGEMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    # How often the plan is reviewed (the council's default is 6 weeks).
    review_every_weeks = models.PositiveSmallIntegerField(default=6)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        indexes = [
            models.Index(fields=["lead_professional", "status"], name="episode_caseload"),
            models.Index(fields=["status", "started_on"], name="episode_status"),
            # The reports count episodes begun and ended in a period.
            models.Index(fields=["started_on"], name="episode_started"),
            models.Index(fields=["ended_on"], name="episode_ended"),
        ]
        constraints = [
            models.CheckConstraint(
                name="episode_closed_has_end",
                condition=Q(status="open")
                | Q(status="closure_requested")
                | Q(ended_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Episode {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.CLOSURE_REQUESTED)


class EpisodeHistory(AppendOnlyModel):
    """Every change of stage, level, lead professional or status: who, when, what, why."""

    class Change(models.TextChoices):
        OPENED = "opened", "Opened"
        STAGE = "stage", "Stage"
        NEED_LEVEL = "need_level", "Level of need"
        LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
        STATUS = "status", "Status"
        PLAN = "plan", "Family plan"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    change = models.CharField(max_length=20, choices=Change.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "episode history"


class TafMeeting(models.Model):
    """A Team Around the Family meeting."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="taf_meetings")
    held_on = models.DateField()
    # Who came: family members (people), the lead professional, the professionals involved from
    # the record, and (free text: name, agency) anyone else who is not on the record.
    family_attendees = models.ManyToManyField("people.Person", blank=True, related_name="+")
    lead_professional_attended = models.BooleanField(default=False)
    professional_attendees = models.ManyToManyField(
        "people.ProfessionalInvolvement", blank=True, related_name="+"
    )
    agency_attendees = models.TextField(
        blank=True, help_text="Others, not on the record. One per line: name and agency"
    )
    apologies = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    parent_views = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    next_meeting_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            # A case's first meeting, and the meetings of a period (the reports).
            models.Index(fields=["episode", "held_on"], name="tafmeeting_episode_day"),
            models.Index(fields=["held_on"], name="tafmeeting_day"),
        ]


class FamilyPlan(models.Model):
    """The family's plan for an episode: needs, the outcome wanted for each, SMART actions,
    and what happens if things don't improve."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="plan")
    contingency = models.TextField("What happens if things don’t improve", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class PlanOutcome(models.Model):
    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        SOME = "some", "Some progress"
        GOOD = "good", "Good progress"
        ACHIEVED = "achieved", "Achieved"
        WORSE = "worse", "Things are worse"

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    # Whom it concerns: members of the family (a child's copy shows only what concerns that child).
    concerns = models.ManyToManyField("people.Person", blank=True, related_name="+")
    need = models.TextField(help_text="The need, from the assessment")
    outcome_family_words = models.TextField("The outcome, in the family’s words")
    outcome_practitioner_words = models.TextField(
        "The outcome, in the practitioner’s words", blank=True
    )
    # For a child's copy: the outcome in words the child can read (else the family's words).
    outcome_child_words = models.TextField("The outcome in words the child can read", blank=True)
    progress = models.CharField(
        max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )

    class Meta:
        ordering = ["position", "id"]


class PlanAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    class Doer(models.TextChoices):
        """Who does the action: chosen from the record; free text only for someone else."""

        FAMILY_MEMBER = "family_member", "A family member"
        LEAD_PROFESSIONAL = "lead_professional", "The lead professional"
        PROFESSIONAL = "professional", "A professional involved with the family"
        SOMEONE_ELSE = "someone_else", "Someone else"

    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    # For a child's copy: the action in words the child can read (else ``what``).
    what_child_words = models.TextField("The action in words the child can read", blank=True)
    doer = models.CharField(max_length=20, choices=Doer.choices, default=Doer.SOMEONE_ELSE)
    doer_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    doer_professional = models.ForeignKey(
        "people.ProfessionalInvolvement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Someone else's name and role as typed; for a doer from the record, their name when chosen.
    who = models.CharField(max_length=200)
    # Whom it concerns; empty means the same people as its outcome.
    concerns = models.ManyToManyField("people.Person", blank=True, related_name="+")
    by_when = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    # The agency responsible for the action (professional challenge: whom to escalate to when it
    # is not done). Optional: a family member's action has none.
    agency = models.ForeignKey(
        "core.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="The agency responsible",
    )

    class Meta:
        ordering = ["by_when", "id"]
        indexes = [models.Index(fields=["status", "by_when"], name="planaction_due")]


class PlanReview(models.Model):
    """A review of the plan: progress per outcome and action, the family's and each child's views,
    and what changes. Due on the episode's cadence; late ones show as overdue until done."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    family_views = models.TextField(blank=True)
    children_views = models.JSONField(
        default=dict, blank=True, help_text="Person id -> the child's views"
    )
    progress_notes = models.TextField(blank=True)
    what_changes = models.TextField(blank=True)
    # Each outcome's progress as this review left it (outcome id -> progress). The outcome holds
    # only its latest, so this is how progress over time is known (the radar's "no progress
    # across two reviews"). Empty for a review recorded before it was kept.
    progress = models.JSONField(
        default=dict, blank=True, help_text="Outcome id -> its progress after this review"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["held_on", "due_on"], name="planreview_due")]


class Contact(models.Model):
    """A visit or contact with the family, including 'was not brought' and missed appointments."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        OFFICE = "office", "Office or centre visit"
        SCHOOL = "school", "Visit at school or nursery"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        MESSAGE = "message", "Text or email"
        WAS_NOT_BROUGHT = "was_not_brought", "Was not brought (missed appointment)"
        NO_ACCESS = "no_access", "Visit, no one in"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="contacts")
    happened_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    seen = models.ManyToManyField("people.Person", blank=True, related_name="+")
    seen_alone = models.ManyToManyField("people.Person", blank=True, related_name="+")
    # A missed appointment names the child who was not brought and what they missed ("Health
    # visitor check"), so the record and the child's chronology say more than "no one".
    not_brought = models.ManyToManyField("people.Person", blank=True, related_name="+")
    appointment = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # When the lead professional means to be in touch next. The latest contact's plan is the one
    # that stands: a later contact meets it, or moves it on.
    next_planned_on = models.DateField("Next contact planned", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        indexes = [
            # A case's first contact, and the contacts of a period (the reports).
            models.Index(fields=["episode", "happened_on"], name="contact_episode_day"),
            models.Index(fields=["happened_on"], name="contact_day"),
        ]


class Closure(models.Model):
    """The case closure form, sent to the panel's 'cases closed'; the episode closes on confirmation."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="closure")
    reason = models.CharField(max_length=20, choices=Episode.EndReason.choices)
    outcomes_achieved = models.TextField()
    exit_plan = models.TextField()
    support_after = models.TextField("Who supports the family after", blank=True)
    family_view = models.TextField("The family’s view", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)


class EpisodeOversight(models.Model):
    """A manager's oversight of a case (seed 001 §9): a note, or their agreement to a step up or a
    step down. A step consumes one unused agreement (``used_at``, ``used_for``) so each agreement
    is used once; a manager who steps a family up or down records their own agreement in the same
    transaction. Written on the children's chronology (the service's own words, not the text)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Management oversight note"
        AGREE_STEP_UP = "agree_step_up", "Agreement to a step up"
        AGREE_STEP_DOWN = "agree_step_down", "Agreement to a step down"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="oversight")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # The step that used this agreement: when, and the episode it stepped (the new episode for a
    # step down).
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["episode", "kind"], name="episodeoversight_kind")]
