"""Everything held about one person, from every app: the subject access export.

One key per app and record type, each a list of rows (every stored field, choices in words, a
member of staff by name, another record by its id). Family-wide records come from the families
the person belongs to; records that say whom they concern are narrowed to this person (an
assessment's per-child sections, plan outcomes and actions, contacts, TAF meetings, a review's
children's views). Derived search keys and hashes are left out: they are copies of what is shown.

``COVERED`` names every link to a person or family this module follows; a test fails when a
model gains one it does not, so a new record about people cannot be left out of an export.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from assessments.models import (
    Assessment,
    AssessmentChild,
    AssessmentHistory,
    AssessmentSection,
    Consultation,
    PanelReferral,
)
from casework.models import (
    Closure,
    Contact,
    Episode,
    EpisodeHistory,
    EpisodeOversight,
    FamilyPlan,
    PlanAction,
    PlanOutcome,
    PlanReview,
    TafMeeting,
)
from children_centres.models import CentreRegistration, ReachContact
from consent.models import ConsentDecision, ConsentOverride
from consultancy.models import ConsultancyRequest, ConsultancyRequestHistory
from core import clock
from core.models import AuditEvent, OutboundMessage
from dataprotection.models import LegalHold, RectificationNote
from neglect.models import (
    GradedCareResult,
    NeglectConcern,
    NeglectConcernHistory,
    NeglectObservation,
)
from offer.models import Attendance, Enrolment, ImpactMeasure, Referral, ReferralHistory
from outcomes.models import OutcomeLink, OutcomeScore, OutcomeSustainedCheck
from oversight.models import Escalation
from panel.models import (
    AgencyResponse,
    ClosureRequest,
    PanelCase,
    PanelCaseHistory,
    PanelDecision,
)
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from people.models import (
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from radar.models import RadarFlag, RadarFlagHistory
from risk_factors.models import FactorReview, FactorReviewItem, RiskFactor, RiskFactorHistory
from support_requests.models import (
    SafeguardingStop,
    SupportRequest,
    SupportRequestChild,
    SupportRequestHistory,
    Triage,
)

# Every foreign key and many-to-many to a person or a family that the export follows.
COVERED = frozenset(
    {
        "people.PersonName.person",
        "people.PersonAddress.person",
        "people.FamilyTeam.family",
        "people.FamilyMember.family",
        "people.FamilyMember.person",
        "people.Household.family",
        "people.Household.members",
        "people.HouseholdMember.person",
        "people.Relationship.person",
        "people.Relationship.relative",
        "people.ParentalResponsibility.child",
        "people.ParentalResponsibility.adult",
        "people.ProfessionalInvolvement.person",
        "people.ChronologyEntry.person",
        "support_requests.SupportRequest.family",
        "assessments.Assessment.family",
        "assessments.AssessmentChild.person",
        "assessments.PanelReferral.family",
        "consent.ConsentDecision.family",
        "consent.ConsentDecision.person",
        "consent.ConsentOverride.family",
        "casework.Episode.family",
        "casework.TafMeeting.family_attendees",
        "casework.PlanOutcome.concerns",
        "casework.PlanAction.doer_person",
        "casework.PlanAction.concerns",
        "casework.Contact.seen",
        "casework.Contact.seen_alone",
        "casework.Contact.not_brought",
        "dataprotection.RectificationNote.person",
        "dataprotection.LegalHold.family",
        "neglect.NeglectConcern.child",
        "neglect.NeglectConcern.family",
        "neglect.GradedCareResult.child",
        "neglect.GradedCareResult.family",
        "risk_factors.RiskFactor.family",
        "risk_factors.RiskFactor.person",
        "risk_factors.FactorReview.family",
        "radar.RadarFlag.family",
        "radar.RadarFlag.child",
        "offer.Referral.family",
        "offer.Referral.people",
        "offer.Enrolment.person",
        "consultancy.ConsultancyRequest.family",
        "children_centres.CentreRegistration.child",
        "children_centres.ReachContact.child",
    }
)

# Copies kept for search or abuse control, not information about the person.
_LEFT_OUT = {
    "search_names",
    "search_phonetic",
    "search_postcodes",
    "postcode_normalised",
    "submitted_ip_hash",
}


def _value(obj: models.Model, field: models.Field):
    if field.is_relation:
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        if field.related_model is get_user_model():
            user = getattr(obj, field.name)
            return user.get_full_name() or user.get_username()
        return str(related_id)
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = getattr(obj, field.attname)
    if isinstance(value, datetime):
        return clock.local(value).isoformat(timespec="minutes")
    if isinstance(value, date | UUID | Decimal):
        return str(value) if not isinstance(value, date) else value.isoformat()
    return value


def row(obj: models.Model, **extra) -> dict:
    """Every stored field of a row (but search copies), then anything ``extra`` adds."""
    data = {
        field.name: _value(obj, field)
        for field in obj._meta.concrete_fields
        if field.name not in _LEFT_OUT
    }
    for field in obj._meta.many_to_many:
        if field.related_model is not get_user_model():
            data[field.name] = [
                str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
            ]
    data.update(extra)
    return data


def _rows(queryset, **extra) -> list[dict]:
    return [row(obj, **extra) for obj in queryset]


def gather(person: Person) -> dict:
    """Everything held about ``person``, as plain data (JSON-ready)."""
    family_ids = list(
        FamilyMember.objects.filter(person=person).values_list("family_id", flat=True)
    )
    families = Family.objects.filter(pk__in=family_ids)
    requests = SupportRequest.objects.filter(family_id__in=family_ids)
    assessments = Assessment.objects.filter(family_id__in=family_ids)
    as_child = AssessmentChild.objects.filter(person=person)
    referrals = PanelReferral.objects.filter(family_id__in=family_ids)
    cases = PanelCase.objects.filter(referral__family_id__in=family_ids)
    episodes = Episode.objects.filter(family_id__in=family_ids)
    outcomes = PlanOutcome.objects.filter(plan__episode__in=episodes)
    concerning_outcomes = outcomes.filter(concerns=person).distinct()
    actions = PlanAction.objects.filter(outcome__plan__episode__in=episodes).filter(
        Q(concerns=person)
        | Q(doer_person=person)
        | (Q(concerns__isnull=True) & Q(outcome__in=concerning_outcomes))
    )
    reviews = PlanReview.objects.filter(episode__in=episodes)
    contacts = Contact.objects.filter(
        Q(seen=person) | Q(seen_alone=person) | Q(not_brought=person)
    ).distinct()
    decisions = ConsentDecision.objects.filter(family_id__in=family_ids)

    data = {
        "exported_at": clock.local(clock.now()).isoformat(timespec="minutes"),
        "person": row(person),
        "people": {
            "other_names": _rows(PersonName.objects.filter(person=person)),
            "addresses": [
                row(link, address=row(link.address))
                for link in PersonAddress.objects.filter(person=person).select_related("address")
            ],
            "families": _rows(families),
            "family_teams": _rows(FamilyTeam.objects.filter(family_id__in=family_ids)),
            "family_memberships": _rows(FamilyMember.objects.filter(person=person)),
            "households": _rows(Household.objects.filter(members=person).distinct()),
            "household_memberships": _rows(HouseholdMember.objects.filter(person=person)),
            "relationships": _rows(
                Relationship.objects.filter(Q(person=person) | Q(relative=person))
            ),
            "parental_responsibility": _rows(
                ParentalResponsibility.objects.filter(Q(child=person) | Q(adult=person))
            ),
            "professionals": _rows(ProfessionalInvolvement.objects.filter(person=person)),
            "chronology": _rows(ChronologyEntry.objects.filter(person=person)),
        },
        "support_requests": {
            "requests": _rows(requests),
            "children_named": _rows(
                SupportRequestChild.objects.filter(support_request__in=requests)
            ),
            "triage": _rows(Triage.objects.filter(support_request__in=requests)),
            "history": _rows(SupportRequestHistory.objects.filter(support_request__in=requests)),
            "safeguarding_stops": _rows(
                SafeguardingStop.objects.filter(
                    Q(support_request__in=requests) | Q(assessment__in=assessments)
                )
            ),
        },
        "assessments": {
            "assessments": _rows(assessments),
            "as_a_child": _rows(as_child),
            # The family's sections, and this person's own per-child sections (not a sibling's).
            "sections": _rows(
                AssessmentSection.objects.filter(assessment__in=assessments).filter(
                    Q(child__isnull=True) | Q(child__in=as_child)
                )
            ),
            "history": _rows(AssessmentHistory.objects.filter(assessment__in=assessments)),
            "consultations": _rows(Consultation.objects.filter(assessment__in=assessments)),
            "panel_referrals": _rows(referrals),
        },
        "consent": {
            "decisions": _rows(decisions),
            "overrides": _rows(ConsentOverride.objects.filter(family_id__in=family_ids)),
        },
        "panel": {
            "cases": _rows(cases),
            "history": _rows(PanelCaseHistory.objects.filter(case__in=cases)),
            "agency_responses": _rows(AgencyResponse.objects.filter(case__in=cases)),
            "decisions": _rows(PanelDecision.objects.filter(case__in=cases)),
            "closure_requests": _rows(ClosureRequest.objects.filter(case__in=cases)),
        },
        "casework": {
            "episodes": _rows(episodes),
            "history": _rows(EpisodeHistory.objects.filter(episode__in=episodes)),
            "taf_meetings_attended": _rows(TafMeeting.objects.filter(family_attendees=person)),
            "plans": _rows(FamilyPlan.objects.filter(episode__in=episodes)),
            "plan_outcomes": _rows(concerning_outcomes),
            "plan_actions": _rows(actions.distinct()),
            "plan_reviews": [
                row(
                    review,
                    children_views={
                        key: value
                        for key, value in (review.children_views or {}).items()
                        if key == str(person.pk)
                    },
                )
                for review in reviews
            ],
            "contacts": _rows(contacts),
            "closures": _rows(Closure.objects.filter(episode__in=episodes)),
        },
        "outcomes": {
            # The framework outcomes and the scores of the plan outcomes that concern this person.
            "links": _rows(OutcomeLink.objects.filter(plan_outcome__in=concerning_outcomes)),
            "scores": _rows(OutcomeScore.objects.filter(plan_outcome__in=concerning_outcomes)),
            "sustained_checks": _rows(OutcomeSustainedCheck.objects.filter(episode__in=episodes)),
        },
        "neglect": {
            "concerns": _rows(concerns := NeglectConcern.objects.filter(child=person)),
            "observations": _rows(NeglectObservation.objects.filter(concern__in=concerns)),
            "history": _rows(NeglectConcernHistory.objects.filter(concern__in=concerns)),
            "graded_care_results": _rows(GradedCareResult.objects.filter(child=person)),
        },
        "risk_factors": {
            # The family's factors that name no one, and those that name this person.
            "factors": _rows(
                factors := RiskFactor.objects.filter(family_id__in=family_ids).filter(
                    Q(person__isnull=True) | Q(person=person)
                )
            ),
            "history": _rows(RiskFactorHistory.objects.filter(risk_factor__in=factors)),
            "reviews": _rows(FactorReview.objects.filter(family_id__in=family_ids)),
            "review_items": _rows(FactorReviewItem.objects.filter(risk_factor__in=factors)),
        },
        "patterns": {
            "disguised_compliance": _rows(
                compliance := DisguisedComplianceRecord.objects.filter(episode__in=episodes)
            ),
            "history": _rows(DisguisedComplianceHistory.objects.filter(record__in=compliance)),
        },
        "radar": {
            "flags": _rows(
                flags := RadarFlag.objects.filter(family_id__in=family_ids).filter(
                    Q(child__isnull=True) | Q(child=person)
                )
            ),
            "history": _rows(RadarFlagHistory.objects.filter(flag__in=flags)),
        },
        "oversight": {
            "management_oversight": _rows(EpisodeOversight.objects.filter(episode__in=episodes)),
            "escalations": _rows(Escalation.objects.filter(episode__in=episodes)),
        },
        "offer": {
            # The referrals that name this person, and the family's that name no one.
            "referrals": _rows(
                offer_referrals := Referral.objects.filter(
                    Q(people=person) | (Q(family_id__in=family_ids) & Q(people__isnull=True))
                ).distinct()
            ),
            "history": _rows(ReferralHistory.objects.filter(referral__in=offer_referrals)),
            "enrolments": _rows(enrolments := Enrolment.objects.filter(person=person)),
            "attendance": _rows(Attendance.objects.filter(enrolment__in=enrolments)),
            "impact_measures": _rows(ImpactMeasure.objects.filter(enrolment__in=enrolments)),
        },
        "consultancy": {
            "requests": _rows(
                consultancy := ConsultancyRequest.objects.filter(family_id__in=family_ids)
            ),
            "history": _rows(ConsultancyRequestHistory.objects.filter(request__in=consultancy)),
        },
        "children_centres": {
            "registrations": _rows(CentreRegistration.objects.filter(child=person)),
            "contacts": _rows(ReachContact.objects.filter(child=person)),
        },
        "dataprotection": {
            "rectification_notes": _rows(RectificationNote.objects.filter(person=person)),
            "legal_holds": _rows(LegalHold.objects.filter(family_id__in=family_ids)),
        },
    }
    data["messages"] = _messages(data)
    data["access_log"] = _access_log(person, family_ids)
    return data


def _messages(data: dict) -> list[dict]:
    """Emails the service sent about any of the records above."""
    keys = {
        ("support_requests.supportrequest", r["id"]) for r in data["support_requests"]["requests"]
    }
    keys |= {("panel.paneldecision", str(r["id"])) for r in data["panel"]["decisions"]}
    keys |= {("panel.closurerequest", str(r["id"])) for r in data["panel"]["closure_requests"]}
    keys |= {("casework.episode", r["id"]) for r in data["casework"]["episodes"]}
    if not keys:
        return []
    match = Q()
    for record_type, record_id in keys:
        match |= Q(record_type=record_type, record_id=str(record_id))
    return _rows(OutboundMessage.objects.filter(match))


def _access_log(person: Person, family_ids: list) -> list[dict]:
    """Who read or changed the person's record and their families' records, and when."""
    events = AuditEvent.objects.filter(
        Q(record_type="people.person", record_id=str(person.pk))
        | Q(record_type="people.family", record_id__in=[str(pk) for pk in family_ids])
    ).select_related("actor")
    return [
        {
            "at": clock.local(event.at).isoformat(timespec="minutes"),
            "who": (event.actor.get_full_name() or event.actor.get_username())
            if event.actor
            else "",
            "action": event.get_action_display(),
            "record": event.record_type,
            "via": event.via,
        }
        for event in events
    ]


def sections(data: dict) -> list[tuple[str, list[tuple[str, list[dict]]]]]:
    """The export as (heading, [(subheading, rows)]) for the PDF and the page's counts."""
    out = [("The person", [("Details", [data["person"]])])]
    titles = {
        "people": "People and families",
        "support_requests": "Requests for support",
        "assessments": "Assessments",
        "consent": "Consent",
        "panel": "The panel",
        "casework": "Casework",
        "outcomes": "Outcomes and progress",
        "neglect": "Neglect",
        "risk_factors": "Risk and vulnerability factors",
        "patterns": "Patterns spotted",
        "radar": "Drift and delay radar",
        "oversight": "Management oversight",
        "offer": "The early help offer",
        "consultancy": "Casework consultancy",
        "children_centres": "Children’s centres",
        "dataprotection": "Data protection",
    }
    for key, title in titles.items():
        out.append(
            (
                title,
                [(name.replace("_", " ").capitalize(), rows) for name, rows in data[key].items()],
            )
        )
    out.append(("Emails sent", [("Messages", data["messages"])]))
    out.append(("Who has looked at or changed the record", [("Access log", data["access_log"])]))
    return out
