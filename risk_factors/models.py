"""Risk and vulnerability factors for neglect, as data: what makes neglect more likely in a family
(the council's neglect strategies list them), recorded with a date and a source, offered from what
the record already says, and revisited at every plan review.

A factor belongs to the family and may name the person it concerns: a parent's mental health
names the parent (or no one, when the family would rather not say whose); a child's factor (under
18 months, disabled, a young carer, in care, seeking asylum) always names the child. A factor is
present until someone records that it has ended; nothing is deleted, and every change is a
history row (who, when, what, why).
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class Factor(models.TextChoices):
    # About a parent or carer (seed 003 Appendix 2; seed 000 §3).
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health problems"
    SUBSTANCE_MISUSE = "substance_misuse", "Drug or substance misuse"
    ALCOHOL_MISUSE = "alcohol_misuse", "Alcohol misuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENTAL_LEARNING_DISABILITY = "parental_learning_disability", "Parental learning disability"
    PARENT_ABUSED_AS_CHILD = (
        "parent_abused_as_child",
        "Parent was neglected or abused as a child",
    )
    # The family's circumstances (seed 003 Appendix 2: "poverty, unsuitable housing or a
    # deprived area").
    POVERTY = "poverty", "Living in poverty"
    UNSUITABLE_HOUSING = "unsuitable_housing", "Unsuitable housing"
    DEPRIVED_AREA = "deprived_area", "Living in a deprived area"
    # About a child (seed 003: the first 18 months, children in care or seeking asylum; seed 000
    # §3 and §7: poor school attendance, children abusive towards their parents).
    CHILD_UNDER_18_MONTHS = "child_under_18_months", "Child under 18 months old"
    DISABLED_CHILD = "disabled_child", "Disabled child"
    YOUNG_CARER = "young_carer", "Young carer"
    CHILD_IN_CARE = "child_in_care", "Child in care"
    CHILD_SEEKING_ASYLUM = "child_seeking_asylum", "Child seeking asylum"
    POOR_SCHOOL_ATTENDANCE = "poor_school_attendance", "Poor school attendance"
    CHILD_TO_PARENT_ABUSE = "child_to_parent_abuse", "Child abusive towards a parent"


# Factors about a child: each must name the child it concerns.
CHILD_FACTORS = frozenset(
    {
        Factor.CHILD_UNDER_18_MONTHS,
        Factor.DISABLED_CHILD,
        Factor.YOUNG_CARER,
        Factor.CHILD_IN_CARE,
        Factor.CHILD_SEEKING_ASYLUM,
        Factor.POOR_SCHOOL_ATTENDANCE,
        Factor.CHILD_TO_PARENT_ABUSE,
    }
)
# Factors about a parent or carer: when they name someone, it is an adult.
ADULT_FACTORS = frozenset(
    {
        Factor.PARENTAL_MENTAL_HEALTH,
        Factor.SUBSTANCE_MISUSE,
        Factor.ALCOHOL_MISUSE,
        Factor.PARENTAL_LEARNING_DISABILITY,
        Factor.PARENT_ABUSED_AS_CHILD,
    }
)
# The rest (domestic abuse, poverty, housing, area) are the family's and may name anyone in it.


class Source(models.TextChoices):
    REQUEST = "request", "A request for support"
    ASSESSMENT = "assessment", "An assessment"
    REVIEW = "review", "An episode or plan review"
    AGENCY = "agency", "Another agency"
    FAMILY = "family", "The family"
    # Offered from what the family's record already holds (a date of birth, a care order).
    RECORD = "record", "The family’s record"


class RiskFactor(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ENDED = "ended", "No longer present"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor = models.CharField(max_length=40, choices=Factor.choices)
    noted_on = models.DateField(help_text="When it was first known")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_detail = models.TextField(blank=True, help_text="Who said so, or which record")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    ended_on = models.DateField(null=True, blank=True)
    # The last time someone confirmed it is still present (at a review, say).
    confirmed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["factor", "noted_on", "id"]
        indexes = [
            models.Index(fields=["family", "status"], name="riskfactor_family_status"),
            models.Index(fields=["factor", "noted_on"], name="riskfactor_factor_noted"),
        ]
        constraints = [
            models.CheckConstraint(
                name="riskfactor_ended_has_date",
                condition=models.Q(status="present", ended_on__isnull=True)
                | models.Q(status="ended", ended_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_factor_display()} ({self.get_status_display()})"

    @property
    def is_present(self) -> bool:
        return self.status == self.Status.PRESENT


class RiskFactorHistory(AppendOnlyModel):
    """Every change to a factor: recorded, confirmed, ended (who, when, what, why)."""

    class Change(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        CONFIRMED = "confirmed", "Confirmed still present"
        ENDED = "ended", "No longer present"

    risk_factor = models.ForeignKey(RiskFactor, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.CharField(max_length=20, choices=Change.choices)
    from_status = models.CharField(max_length=10, choices=RiskFactor.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=RiskFactor.Status.choices)
    on = models.DateField(help_text="The date it happened (noted, confirmed or ended)")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "risk factor history"


class FactorReview(AppendOnlyModel):
    """The family's factors revisited at a plan review: what changed, factor by factor."""

    plan_review = models.ForeignKey(
        "casework.PlanReview", on_delete=models.PROTECT, related_name="+"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class FactorReviewItem(AppendOnlyModel):
    """One factor at a review: still present or not, and what changed. A factor recorded during
    the review (an offer accepted) is an item too."""

    class Outcome(models.TextChoices):
        STILL_PRESENT = "still_present", "Still present"
        ENDED = "ended", "No longer present"
        ADDED = "added", "Recorded at this review"

    review = models.ForeignKey(FactorReview, on_delete=models.PROTECT, related_name="items")
    risk_factor = models.ForeignKey(RiskFactor, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    what_changed = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
