"""The assessment as a document: every section's questions and answers, in the form's order.

One structure feeds the read-only page, the print stylesheet, the check-your-answers page
and the PDF, so they can never disagree about what the assessment says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms

from assessments.models import Assessment, AssessmentSection
from assessments.sections import CONSULTATION_NUMBER, SECTIONS
from assessments.selectors import section_context
from core.forms import GovDateField
from people.models import Person
from people.selectors import (
    family_chronology,
    family_parental_responsibility,
    family_professionals,
    family_relationships,
)

RECORD_SNAPSHOT_KEY = "_record"  # see services.record_snapshot
NOT_ANSWERED = "Not answered"


@dataclass
class SectionView:
    key: str
    number: str
    title: str
    status: str
    status_label: str
    child: object | None = None  # AssessmentChild
    rows: list[tuple[str, str]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        heading = f"{self.number}. {self.title}"
        if self.child is not None:
            heading += f": {child_name(self.child.person)}"
        return heading


def child_name(person: Person) -> str:
    if person.kind == Person.Kind.UNBORN and not person.first_name:
        return f"Unborn baby {person.last_name}".strip()
    return f"{person.first_name} {person.last_name}".strip()


def format_answer(form_field, value) -> str:
    if value in (None, "", []):
        return NOT_ANSWERED
    if isinstance(form_field, GovDateField):
        return date.fromisoformat(value).strftime("%-d %B %Y")
    if isinstance(form_field, forms.ChoiceField):
        labels = {str(choice[0]): str(choice[1]) for choice in _choices(form_field)}
        return labels.get(str(value), str(value))
    return str(value)


def _choices(form_field):
    for choice in form_field.choices:
        # crispy-forms-gds Choice objects unpack like (value, label).
        yield (
            getattr(choice, "value", None) or choice[0],
            getattr(choice, "label", None) or choice[1],
        )


def document(assessment: Assessment) -> list[SectionView]:
    rows = {(row.key, row.child_id): row for row in assessment.sections.all()}
    children = list(assessment.children.all())
    context = section_context(assessment)
    views: list[SectionView] = []
    for section in SECTIONS:
        targets = children if section.per_child else [None]
        for child in targets:
            row = rows.get((section.key, child.pk if child else None))
            form = section.form(context=context)
            answers = row.answers if row else {}
            status = row.status if row else AssessmentSection.Status.NOT_STARTED
            view = SectionView(
                key=section.key,
                number=section.number,
                title=section.title,
                status=status,
                status_label=AssessmentSection.Status(status).label,
                child=child,
            )
            for label, text in answers.get(RECORD_SNAPSHOT_KEY, []):
                view.rows.append((label, text))
            for name, form_field in form.fields.items():
                if name == "completed":
                    continue
                view.rows.append(
                    (str(form_field.label), format_answer(form_field, answers.get(name)))
                )
            views.append(view)
        if section.number == "12":
            views.append(_consultation_view(assessment))
    return views


def _consultation_view(assessment: Assessment) -> SectionView:
    consultation = getattr(assessment, "consultation", None)
    status = (
        AssessmentSection.Status.COMPLETED if consultation else AssessmentSection.Status.NOT_STARTED
    )
    view = SectionView(
        key="consultation",
        number=CONSULTATION_NUMBER,
        title="Consultation after completion",
        status=status,
        status_label=AssessmentSection.Status(status).label,
    )

    def fmt(value):
        return value.strftime("%-d %B %Y") if value else NOT_ANSWERED

    view.rows = [
        (
            "Views of the child or young person on the assessment and outcome",
            (consultation.child_views if consultation else "") or NOT_ANSWERED,
        ),
        (
            "Views of parents, carers and significant others",
            (consultation.parent_views if consultation else "") or NOT_ANSWERED,
        ),
        (
            "Date the assessment was shared with the family",
            fmt(consultation.shared_on if consultation else None),
        ),
        (
            "Date a copy was given to the family",
            fmt(consultation.copy_given_on if consultation else None),
        ),
    ]
    return view


def family_facts(assessment: Assessment) -> dict:
    """What the family record already says, offered in sections 1, 3 and 9."""
    family = assessment.family
    members = list(family.members.select_related("person").order_by("role", "person__last_name"))
    return {
        "members": members,
        "relationships": list(family_relationships(family).select_related("person", "relative")),
        "parental_responsibility": list(
            family_parental_responsibility(family)
            .filter(to_date__isnull=True)
            .select_related("adult", "child")
        ),
        "professionals": list(family_professionals(family).select_related("person", "agency")),
        "chronology": list(family_chronology(family)[:50]),
        "communication": [
            m.person
            for m in members
            if m.person.communication_needs
            or m.person.interpreter_required
            or (m.person.first_language and m.person.first_language != "English")
        ],
    }
