"""The assessment as a document: every section's questions and answers, in the form's order.

One structure feeds the read-only page, the print stylesheet, the check-your-answers page
and the PDF, so they can never disagree about what the assessment says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms

from assessments import selectors
from assessments.models import Assessment, AssessmentSection
from assessments.sections import CONSULTATION_NUMBER, SECTIONS
from assessments.selectors import section_context
from core.forms import GovDateField
from people.models import FamilyMember, Person
from people.selectors import (
    confidential_address_ids,
    family_chronology,
    family_parental_responsibility,
    family_professionals,
    family_relationships,
    hidden_address_ids,
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
            if section.key == "family":
                # As the record says now: how to reach each person, never a confidential address.
                view.rows.extend(_contact_rows(assessment))
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


CONFIDENTIAL_ADDRESS = "Confidential address: not shown"
NO_ADDRESS = "No current address recorded"
NO_PHONE = "No telephone number recorded"


@dataclass
class MemberContact:
    """Section 1's "address and contact number" for one member of the family."""

    member: FamilyMember
    addresses: list[str]
    address_hidden: bool
    phone: str

    @property
    def address_text(self) -> str:
        if self.address_hidden:
            return CONFIDENTIAL_ADDRESS
        return "; ".join(self.addresses) or NO_ADDRESS

    @property
    def phone_text(self) -> str:
        return self.phone or NO_PHONE


def member_contacts(assessment: Assessment, members: list, *, user=None) -> list[MemberContact]:
    """Each member's current address and telephone number, for section 1.

    A confidential address is never shown: on a page, whether ``user`` may see it is
    people.selectors' one rule (hidden_address_ids); in the document (print, PDF, the panel's
    pack), which anyone reading the assessment may see, every confidential address is hidden.
    """
    links = selectors.member_current_addresses(assessment.family)
    address_ids = [link.address_id for person_links in links.values() for link in person_links]
    if user is not None:
        hidden = hidden_address_ids(user, address_ids, family=assessment.family)
    else:
        hidden = confidential_address_ids(address_ids)
    contacts = []
    for member in members:
        person_links = links.get(member.person_id, [])
        contacts.append(
            MemberContact(
                member=member,
                addresses=[str(link.address) for link in person_links],
                address_hidden=any(link.address_id in hidden for link in person_links),
                phone=member.person.phone,
            )
        )
    return contacts


def _member_name(person: Person) -> str:
    return f"{person.first_name or 'Unborn baby'} {person.last_name}".strip()


def _contact_rows(assessment: Assessment) -> list[tuple[str, str]]:
    members = list(
        assessment.family.members.select_related("person").order_by("role", "person__last_name")
    )
    return [
        (
            f"Address and contact number: {_member_name(contact.member.person)}",
            f"{contact.address_text}\n{contact.phone_text}",
        )
        for contact in member_contacts(assessment, members)
    ]


def family_facts(assessment: Assessment, *, user=None) -> dict:
    """What the family record already says, offered in sections 1, 3 and 9.

    ``user`` decides which confidential addresses the page may show them (none without one).
    """
    family = assessment.family
    members = list(family.members.select_related("person").order_by("role", "person__last_name"))
    return {
        "members": members,
        "contacts": member_contacts(assessment, members, user=user),
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
