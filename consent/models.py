"""Consent and information sharing: what the family agreed to, for which purpose and with which
agencies (the assessment's section 14; DfE information-sharing advice, 2024).

Consent is recorded per family and per purpose as an append-only series of decisions: the
latest decision for a family and purpose is the current one, and nothing said before is
ever changed or removed. Where sharing or a referral goes ahead without consent (for
safeguarding), an override records why and who authorised it; it too is never changed.
"""

from django.conf import settings
from django.db import models

from core.models import AppendOnlyModel


class Purpose(models.TextChoices):
    ASSESSMENT = "assessment", "Early support assessment"
    PANEL_REFERRAL = "panel_referral", "Referral to the early support multi-agency panel"
    INFORMATION_SHARING = (
        "information_sharing",
        "Sharing information with the agencies supporting the family",
    )


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6 bases, in plain English. Article 9 conditions are noted in what is shared."""

    CONSENT = "consent", "Consent – the family agreed (UK GDPR Article 6(1)(a))"
    PUBLIC_TASK = (
        "public_task",
        "Public task – the council's or agency's public duties (Article 6(1)(e))",
    )
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "Legal obligation – the law requires it (Article 6(1)(c))",
    )
    VITAL_INTERESTS = (
        "vital_interests",
        "Vital interests – to protect someone's life (Article 6(1)(d))",
    )
    LEGITIMATE_INTERESTS = (
        "legitimate_interests",
        "Legitimate interests – voluntary and community organisations only (Article 6(1)(f))",
    )
    CONTRACT = (
        "contract",
        "Contract – to provide a service the family has agreed to (Article 6(1)(b))",
    )


class ConsentDecision(AppendOnlyModel):
    class Status(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"
        WITHDRAWN = "withdrawn", "Consent withdrawn"
        NOT_SOUGHT = "not_sought", "Consent not sought"

    class Relationship(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        YOUNG_PERSON = "young_person", "The child or young person"
        OTHER_ADULT = "other_adult", "Another adult with parental responsibility"
        NOT_APPLICABLE = "not_applicable", "No one – consent was not sought"

    # A reason must say why, for every status except consent given.
    STATUSES_NEEDING_REASON = (Status.REFUSED, Status.WITHDRAWN, Status.NOT_SOUGHT)

    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="consent_decisions"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    given_by_name = models.CharField("Name of the person who decided", max_length=200, blank=True)
    given_by_relationship = models.CharField(
        max_length=20, choices=Relationship.choices, blank=True
    )
    # Optional: the family member, when the person deciding is on the record.
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_decisions",
    )
    reason = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)
    what_may_be_shared = models.TextField(blank=True)
    agencies = models.ManyToManyField("core.Agency", blank=True, related_name="+")
    decision_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["family", "purpose", "recorded_at"])]

    def __str__(self):
        return f"{self.family_id} {self.purpose}: {self.status}"


class ConsentOverride(AppendOnlyModel):
    """Sharing or a referral going ahead without consent, and why (usually safeguarding)."""

    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="consent_overrides"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    reason = models.TextField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["family", "purpose", "at"])]

    def __str__(self):
        return f"{self.family_id} {self.purpose}: override"
