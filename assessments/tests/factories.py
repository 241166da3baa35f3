"""Assessments in each meaningful state, and answers that complete every section."""

from datetime import date

import factory

from accounts.tests.factories import UserFactory
from assessments.models import Assessment, AssessmentChild, AssessmentSection, PanelReferral
from assessments.sections import NO, SECTIONS, YES
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

SEEN = date(2026, 10, 5)


def complete_answers(key: str, *, seen_alone: bool = True, referring: bool = True) -> dict:
    """Answers that let a section be marked completed (JSON form, as stored)."""
    answers = {
        "family": {
            "record_correct": YES,
            "communication_needs": "None",
            "worker_role": "Pastoral lead",
        },
        "panel_referral": (
            {
                "referring": YES,
                "referral_date": "2026-10-20",
                "presenting_reason": "Needs are beyond what school alone can offer.",
                "referrer_continues": YES,
            }
            if referring
            else {"referring": NO}
        ),
        "professionals": {"others": "None"},
        "details": {"date_commenced": "2026-10-01", "reason": "Attendance and home conditions"},
        "development": {
            "health": "Well, but missed dental checks.",
            "education": "Attendance 82%.",
            "emotional": "Anxious in the mornings.",
            "identity": "Close to grandmother.",
            "self_care": "Often arrives hungry.",
        },
        "parenting": {
            "basic_care": "Struggling.",
            "warmth": "Loving.",
            "guidance": "Inconsistent routines.",
        },
        "environment": {
            "family_history": "Mum has depression.",
            "wider_family": "Grandmother nearby.",
            "housing_income": "Rent arrears.",
            "community": "Uses the children's centre.",
        },
        "risks": {
            "risks": "Neglect of routines.",
            "strengths": "Warm relationships.",
            "cin_cp_concern": NO,
        },
        "history": {"history": "None known"},
        "child_views": (
            {
                "child_views": "Likes school, worries about mum.",
                "first_seen_on": SEEN.isoformat(),
                "seen_alone": YES,
                "seen_alone_on": SEEN.isoformat(),
            }
            if seen_alone
            else {
                "child_views": "Observed playing happily with a parent.",
                "first_seen_on": SEEN.isoformat(),
                "seen_alone": NO,
                "not_seen_alone_reason": "Too young to be seen apart from their parent (18 months).",
            }
        ),
        "parent_views": {
            "parent_views": "Mum wants help with routines.",
            "family_seen": "Mum, 5 October 2026",
        },
        "analysis": {
            "impact": "Attendance will fall further.",
            "recommendations": "Family support and routines work.",
        },
        "decision": {"decision": Assessment.Decision.TAF, "decision_date": "2026-10-19"},
        "consent": {
            "privacy_notice_given": YES,
            "parent_name": "Parent",
            "parent_agreed_on": "2026-10-19",
            "assessor_signed_on": "2026-10-19",
        },
    }
    return answers[key]


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft assessment of a family with one child; pass ``children=[...]`` for more."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    worker = factory.SubFactory(UserFactory)
    worker_team = factory.LazyAttribute(lambda a: a.worker.team)
    worker_agency = factory.LazyAttribute(lambda a: a.worker.agency)

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if not create:
            return
        people = extracted
        if people is None:
            people = [FamilyMemberFactory(family=self.family, person=PersonFactory()).person]
        for position, person in enumerate(people, start=1):
            if not self.family.members.filter(person=person).exists():
                FamilyMemberFactory(family=self.family, person=person)
            AssessmentChild.objects.create(assessment=self, person=person, position=position)


class AssessmentSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentSection

    assessment = factory.SubFactory(AssessmentFactory)
    key = "details"
    answers = factory.LazyAttribute(lambda s: complete_answers(s.key))
    status = AssessmentSection.Status.COMPLETED
    updated_by = factory.LazyAttribute(lambda s: s.assessment.worker)


def fill_every_section(assessment: Assessment, *, referring: bool = True) -> None:
    """Mark every section completed with valid answers (first child seen alone, others not)."""
    children = list(assessment.children.all())
    for section in SECTIONS:
        for index, child in enumerate(children if section.per_child else [None]):
            AssessmentSectionFactory(
                assessment=assessment,
                key=section.key,
                child=child,
                answers=complete_answers(section.key, seen_alone=index == 0, referring=referring),
            )


class ReadyAssessmentFactory(AssessmentFactory):
    """A draft with every section completed, ready to submit."""

    @factory.post_generation
    def filled(self, create, extracted, **kwargs):
        if create:
            fill_every_section(self)


class CompletedAssessmentFactory(ReadyAssessmentFactory):
    status = Assessment.Status.COMPLETED
    decision = Assessment.Decision.TAF
    submitted_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
    completed_at = factory.LazyAttribute(lambda a: a.submitted_at)


class PanelReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelReferral

    assessment = factory.SubFactory(CompletedAssessmentFactory)
    family = factory.LazyAttribute(lambda r: r.assessment.family)
    presenting_reason = "Needs are beyond what school alone can offer."
    referrer_continues = True
    consent_basis = "consent"
    submitted_by = factory.LazyAttribute(lambda r: r.assessment.worker)
