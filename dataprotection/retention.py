"""What the retention schedule does to each record type: when a record is due, and how it is
anonymised or deleted. ``services.retention_apply`` runs it once a day.

The family is the unit of a case: its requests, assessments, panel cases, episodes and consent
decisions are all about it. So "closed" means the day the family's last piece of work ended (the
latest of its episodes' ends, its requests' last status changes, its assessments' completion,
its panel cases' last change and its consent decisions), and a family with anything still open
(an open episode, a live panel case, an assessment in progress, a request not yet finished) or a
legal hold keeps every record, whatever its age.

Anonymising keeps each row (other records and the append-only histories point at it, with
PROTECT) but replaces what identifies a person: names become "Anonymised", dates of birth keep
their year only (1 January), phone numbers, email addresses and postcodes are emptied, and free
text becomes one fixed phrase. Append-only rows (histories, consent decisions, rectification
notes) are rewritten here and nowhere else: erasing what the schedule says must go is the one
reason to change them (ADR 0019). The audit trail is never touched.

What the apps above casework write about a case goes with the record it belongs to: disguised
compliance, supervision of the case, professional challenge, management oversight notes, notes
on the radar's flags and the evidence of outcome scores with the episode (the casework
schedule); neglect concerns and risk factors, which are about the family's children and adults
whatever they were recorded from, with the family's people (the people schedule). So do the
early help offer's referrals (with their history and the impact measures of the places they led
to), casework consultancy asked about a family, and a children's centre's contacts with a child
(with the child). A supervision's own reflections are the worker's record, not the family's, and
stay; so does consultancy asked about no family (it names no one the schedule can follow).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import Case, Q, Value, When

from assessments.models import (
    Assessment,
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
from children_centres.models import ReachContact
from consent.models import ConsentDecision, ConsentOverride
from consultancy.models import ConsultancyRequest, ConsultancyRequestHistory
from core import clock
from core.models import OutboundMessage
from dataprotection.models import (
    After,
    LegalHold,
    RecordType,
    RectificationNote,
    RetentionAction,
    RetentionApplied,
    RetentionRule,
    RetentionRun,
)
from neglect.models import NeglectConcern, NeglectConcernHistory, NeglectObservation
from offer.models import ImpactMeasure, Referral, ReferralHistory
from outcomes.models import OutcomeLink, OutcomeScore
from oversight.models import Escalation, EscalationHistory, SupervisionCase
from panel.models import AgencyResponse, ClosureRequest, PanelCase, PanelCaseHistory, PanelDecision
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    Household,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from radar.models import RadarFlag, RadarFlagHistory
from risk_factors.models import FactorReviewItem, RiskFactor, RiskFactorHistory
from support_requests.models import (
    SafeguardingStop,
    SupportRequest,
    SupportRequestChild,
    SupportRequestHistory,
    Triage,
)

PHRASE = "Removed under the council’s retention schedule"
NAME = "Anonymised"

# A request in one of these has finished; any other is still being worked on (or follows a case).
FINISHED_REQUEST = (
    SupportRequest.Status.SIGNPOSTED,
    SupportRequest.Status.SINGLE_AGENCY,
    SupportRequest.Status.SUPPORT_ENDED,
    SupportRequest.Status.REFERRED_TO_DUTY_TEAM,
    SupportRequest.Status.CLOSED,
)
LIVE_PANEL_CASE = (
    PanelCase.Status.LOGGED,
    PanelCase.Status.DECIDED,
    PanelCase.Status.ALLOCATED,
    PanelCase.Status.CLOSURE_REQUESTED,
    PanelCase.Status.STEPPED_UP,
)
KEPT_OPEN = "kept_open_case"
KEPT_HOLD = "kept_legal_hold"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _day(moment: datetime | date | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return clock.local(moment).date()
    return moment


def _later(*days: date | None) -> date | None:
    present = [d for d in days if d is not None]
    return max(present) if present else None


@dataclass
class Families:
    """What the schedule needs to know about every family, read once per run."""

    open: set
    held: set
    closed_on: dict  # family id -> the day its last piece of work ended
    youngest_born: dict  # family id -> the youngest child's birth (or expected) date

    def kept_because(self, family_id) -> str:
        if family_id in self.held:
            return KEPT_HOLD
        if family_id in self.open:
            return KEPT_OPEN
        return ""


def read_families() -> Families:
    open_ids = set(
        Episode.objects.filter(
            status__in=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED)
        ).values_list("family_id", flat=True)
    )
    open_ids |= set(
        PanelCase.objects.filter(status__in=LIVE_PANEL_CASE).values_list(
            "referral__family_id", flat=True
        )
    )
    open_ids |= set(Assessment.objects.exclude(is_locked_q()).values_list("family_id", flat=True))
    open_ids |= set(
        SupportRequest.objects.filter(family__isnull=False)
        .exclude(status__in=FINISHED_REQUEST)
        .values_list("family_id", flat=True)
    )
    held = set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("family_id", flat=True))

    closed: dict = defaultdict(lambda: None)
    for family_id, created in Family.objects.values_list("pk", "created_at"):
        closed[family_id] = _day(created)

    def later(family_id, moment):
        closed[family_id] = _later(closed[family_id], _day(moment))

    for row in Episode.objects.values_list("family_id", "ended_on", "started_on"):
        later(row[0], row[1] or row[2])
    for row in SupportRequestHistory.objects.filter(
        support_request__family__isnull=False
    ).values_list("support_request__family_id", "at"):
        later(*row)
    for row in Assessment.objects.values_list("family_id", "completed_at", "updated_at"):
        later(row[0], row[1] or row[2])
    for row in PanelCase.objects.values_list("referral__family_id", "updated_at"):
        later(*row)
    for row in ConsentDecision.objects.values_list("family_id", "decision_date"):
        later(*row)

    youngest: dict = {}
    for family_id, born, expected in FamilyMember.objects.filter(
        person__kind__in=(Person.Kind.CHILD, Person.Kind.UNBORN)
    ).values_list("family_id", "person__date_of_birth", "person__expected_date_of_delivery"):
        youngest[family_id] = _later(youngest.get(family_id), born or expected)
    return Families(open=open_ids, held=held, closed_on=dict(closed), youngest_born=youngest)


def is_locked_q() -> Q:
    return Q(status__in=Assessment.LOCKED_STATUSES)


# ---------------------------------------------------------------------------------------------
# Rewriting rows


def _text_fields(model: type[models.Model], names: Iterable[str]) -> dict:
    """Each named field's replacement: the phrase for free text, "Anonymised" for a short name."""
    values = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.TextField):
            values[name] = PHRASE
        elif isinstance(field, models.EmailField) or (field.max_length or 0) < len(NAME):
            values[name] = ""
        else:
            values[name] = NAME
    return values


def _replace(model: type[models.Model], ids: Iterable, *fields: str, clear: Iterable[str] = ()):
    """Replace the fields' text in the rows with these ids, leaving empty ones empty.

    A plain QuerySet is used so the append-only models' own refusal is passed by, here only.
    """
    ids = list(ids)
    if not ids or not (fields or clear):
        return
    changes: dict = {
        name: Case(When(**{name: ""}, then=Value("")), default=Value(value))
        for name, value in _text_fields(model, fields).items()
    }
    changes.update({name: Value("") for name in clear})
    models.QuerySet(model).filter(pk__in=ids).update(**changes)


def _phrase(model: type[models.Model], rows, field: str) -> None:
    """Free text kept in a short text field: the phrase, leaving empty ones empty."""
    models.QuerySet(model).filter(pk__in=list(rows.values_list("pk", flat=True))).exclude(
        **{field: ""}
    ).update(**{field: PHRASE})


def _scrub_json(value):
    if isinstance(value, str):
        return PHRASE if value else value
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v) for k, v in value.items()}
    return value


def _replace_json(model: type[models.Model], ids: Iterable, field: str) -> None:
    for pk, value in model.objects.filter(pk__in=list(ids)).values_list("pk", field):
        model.objects.filter(pk=pk).update(**{field: _scrub_json(value)})


def _year_only(day: date | None) -> date | None:
    return day.replace(month=1, day=1) if day else None


# ---------------------------------------------------------------------------------------------
# One record type each: anonymise what is due


def anonymise_support_requests(ids: list) -> None:
    _replace(
        SupportRequest,
        ids,
        "requester_name",
        "location_given",
        "contact_best_times",
        "contact_safety_notes",
        "what_is_happening",
        "help_wanted",
        "single_agency_support_tried",
        "step_down_reason",
        "social_care_history",
        "social_worker_name",
        "social_worker_contact",
        clear=("requester_phone", "requester_email", "social_care_reference"),
    )
    for pk, born in SupportRequestChild.objects.filter(support_request_id__in=ids).values_list(
        "pk", "date_of_birth"
    ):
        SupportRequestChild.objects.filter(pk=pk).update(
            first_name=NAME, date_of_birth=_year_only(born)
        )
    triage = Triage.objects.filter(support_request_id__in=ids).values_list("pk", flat=True)
    _replace(
        Triage, triage, "conversation_with", "conversation_summary", "signpost_to",
        "handover_contact",
    )  # fmt: skip
    stops = SafeguardingStop.objects.filter(support_request_id__in=ids).values_list("pk", flat=True)
    _replace(SafeguardingStop, stops, "reason")
    history = SupportRequestHistory.objects.filter(support_request_id__in=ids)
    _replace(SupportRequestHistory, history.values_list("pk", flat=True), "reason")
    # A signpost at triage of a request with no family record belongs to the request alone.
    referrals = list(
        Referral.objects.filter(
            family__isnull=True,
            source_type="support_request",
            source_id__in=[str(pk) for pk in ids],
        ).values_list("pk", flat=True)
    )
    _replace(Referral, referrals, "handover_to", "reason", "uptake_note")
    _replace(
        ReferralHistory,
        ReferralHistory.objects.filter(referral_id__in=referrals).values_list("pk", flat=True),
        "reason",
    )


def anonymise_assessments(ids: list) -> None:
    sections = AssessmentSection.objects.filter(assessment_id__in=ids).values_list("pk", flat=True)
    _replace_json(AssessmentSection, sections, "answers")
    history = AssessmentHistory.objects.filter(assessment_id__in=ids).values_list("pk", flat=True)
    _replace(AssessmentHistory, history, "reason")
    consultations = Consultation.objects.filter(assessment_id__in=ids).values_list("pk", flat=True)
    _replace(Consultation, consultations, "child_views", "parent_views")
    referrals = PanelReferral.objects.filter(assessment_id__in=ids).values_list("pk", flat=True)
    _replace(PanelReferral, referrals, "presenting_reason")
    stops = SafeguardingStop.objects.filter(assessment_id__in=ids).values_list("pk", flat=True)
    _replace(SafeguardingStop, stops, "reason")


def anonymise_panel_cases(ids: list) -> None:
    _replace(PanelCase, ids, "placement_reason")
    responses = AgencyResponse.objects.filter(case_id__in=ids).values_list("pk", flat=True)
    _replace(AgencyResponse, responses, "information")
    decisions = PanelDecision.objects.filter(case_id__in=ids).values_list("pk", flat=True)
    _replace(
        PanelDecision, decisions, "signpost_to", "handover", "reason", "discussion", "actions",
        "notification_note",
    )  # fmt: skip
    closures = ClosureRequest.objects.filter(case_id__in=ids).values_list("pk", flat=True)
    _replace(ClosureRequest, closures, "summary", "return_reason")
    history = PanelCaseHistory.objects.filter(case_id__in=ids).values_list("pk", flat=True)
    _replace(PanelCaseHistory, history, "reason")


def anonymise_casework(ids: list) -> None:
    meetings = TafMeeting.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(
        TafMeeting, meetings, "agency_attendees", "apologies", "child_views", "parent_views",
        "decisions",
    )  # fmt: skip
    plans = FamilyPlan.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(FamilyPlan, plans, "contingency")
    outcomes = PlanOutcome.objects.filter(plan__episode_id__in=ids).values_list("pk", flat=True)
    _replace(
        PlanOutcome,
        outcomes,
        "need",
        "outcome_family_words",
        "outcome_practitioner_words",
        "outcome_child_words",
    )
    actions = PlanAction.objects.filter(outcome__plan__episode_id__in=ids).values_list(
        "pk", flat=True
    )
    _replace(PlanAction, actions, "what", "what_child_words", "who")
    reviews = PlanReview.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(PlanReview, reviews, "family_views", "progress_notes", "what_changes")
    _replace_json(PlanReview, reviews, "children_views")
    contacts = Contact.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(Contact, contacts, "appointment", "notes")
    closures = Closure.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(Closure, closures, "outcomes_achieved", "exit_plan", "support_after", "family_view")
    history = EpisodeHistory.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(EpisodeHistory, history, "reason")
    notes = EpisodeOversight.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(EpisodeOversight, notes, "text")
    # What other apps wrote about the episode: disguised compliance, supervision of the case,
    # professional challenge and the radar's acknowledgements.
    compliance = DisguisedComplianceRecord.objects.filter(episode_id__in=ids).values_list(
        "pk", flat=True
    )
    _replace(
        DisguisedComplianceRecord, compliance, "agreed", "not_done", "family_says", "evidence",
        "withdrawn_reason",
    )  # fmt: skip
    _replace(
        DisguisedComplianceHistory,
        DisguisedComplianceHistory.objects.filter(record_id__in=list(compliance)).values_list(
            "pk", flat=True
        ),
        "reason",
    )
    discussed = SupervisionCase.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(SupervisionCase, discussed, "discussion", "decisions")
    escalations = Escalation.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(Escalation, escalations, "to_whom", "concern", "outcome")
    _replace(
        EscalationHistory,
        EscalationHistory.objects.filter(escalation_id__in=list(escalations)).values_list(
            "pk", flat=True
        ),
        "to_whom",
        "note",
    )
    _anonymise_radar_flags(RadarFlag.objects.filter(episode_id__in=ids))
    scores = OutcomeScore.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(OutcomeScore, scores, "evidence_what", "evidence_source", "correction_reason")
    links = OutcomeLink.objects.filter(episode_id__in=ids).values_list("pk", flat=True)
    _replace(OutcomeLink, links, "removed_reason")


def _anonymise_radar_flags(flags) -> None:
    """A flag's facts are dates, counts and rule thresholds (the words are made when read, from
    the record as it then is), so only what people wrote on it goes."""
    flag_ids = list(flags.values_list("pk", flat=True))
    _replace(RadarFlag, flag_ids, "acknowledged_note")
    _replace(
        RadarFlagHistory,
        RadarFlagHistory.objects.filter(flag_id__in=flag_ids).values_list("pk", flat=True),
        "note",
    )


def anonymise_consent(decision_ids: list, override_ids: list) -> None:
    _replace(ConsentDecision, decision_ids, "given_by_name", "reason", "what_may_be_shared")
    _replace(ConsentOverride, override_ids, "reason")


def anonymise_people(person_ids: list) -> None:
    for pk, born, expected in Person.objects.filter(pk__in=person_ids).values_list(
        "pk", "date_of_birth", "expected_date_of_delivery"
    ):
        Person.objects.filter(pk=pk).update(
            date_of_birth=_year_only(born), expected_date_of_delivery=_year_only(expected)
        )
    _replace(
        Person,
        person_ids,
        "last_name",
        "disability_details",
        "communication_needs",
        clear=(
            "first_name", "middle_names", "preferred_name", "phone", "search_names",
            "search_phonetic", "search_postcodes",
        ),
    )  # fmt: skip
    # Other names identify and serve no purpose once the name is gone: they are deleted.
    PersonName.objects.filter(person_id__in=person_ids).delete()
    relationships = Relationship.objects.filter(
        Q(person_id__in=person_ids) | Q(relative_id__in=person_ids)
    ).values_list("pk", flat=True)
    _replace(Relationship, relationships, "notes")
    entries = ChronologyEntry.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
    _replace(ChronologyEntry, entries, "summary", "source")
    involved = ProfessionalInvolvement.objects.filter(person_id__in=person_ids).values_list(
        "pk", flat=True
    )
    _replace(ProfessionalInvolvement, involved, clear=("phone", "email"))
    notes = RectificationNote.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
    _replace(RectificationNote, notes, "what_was_corrected", "why")
    # A children's centre's contacts with the child (registrations hold only dates and a centre).
    _phrase(ReachContact, ReachContact.objects.filter(child_id__in=person_ids), "note")
    # An address goes once nobody who is still identifiable lived there.
    address_ids = set(
        PersonAddress.objects.filter(person_id__in=person_ids).values_list("address_id", flat=True)
    )
    address_ids -= set(
        PersonAddress.objects.filter(address_id__in=address_ids)
        .exclude(person_id__in=person_ids)
        .values_list("address_id", flat=True)
    )
    _replace(Address, address_ids, "line_1", "line_2", "town", clear=("postcode",))
    models.QuerySet(Address).filter(pk__in=address_ids).update(postcode_normalised="")


def anonymise_families(family_ids: list) -> None:
    _replace(Family, family_ids, "name")
    households = Household.objects.filter(family_id__in=family_ids).values_list("pk", flat=True)
    _replace(Household, households, "name")
    # Neglect concerns and risk factors are about the family's children and adults, wherever
    # they were recorded from (a request, an assessment or an episode): they go with the people.
    concerns = list(
        NeglectConcern.objects.filter(family_id__in=family_ids).values_list("pk", flat=True)
    )
    _replace(NeglectConcern, concerns, "lived_experience", "end_note")
    _replace(
        NeglectObservation,
        NeglectObservation.objects.filter(concern_id__in=concerns).values_list("pk", flat=True),
        "seen",
        "seen_by",
    )
    _replace(
        NeglectConcernHistory,
        NeglectConcernHistory.objects.filter(concern_id__in=concerns).values_list("pk", flat=True),
        "reason",
    )
    factors = list(RiskFactor.objects.filter(family_id__in=family_ids).values_list("pk", flat=True))
    _replace(RiskFactor, factors, "source_detail")
    _replace(
        RiskFactorHistory,
        RiskFactorHistory.objects.filter(risk_factor_id__in=factors).values_list("pk", flat=True),
        "reason",
    )
    _replace(
        FactorReviewItem,
        FactorReviewItem.objects.filter(risk_factor_id__in=factors).values_list("pk", flat=True),
        "what_changed",
    )
    _anonymise_radar_flags(RadarFlag.objects.filter(family_id__in=family_ids))
    # The early help offer's referrals and casework consultancy asked about the family.
    referrals = list(Referral.objects.filter(family_id__in=family_ids).values_list("pk", flat=True))
    _replace(Referral, referrals, "handover_to", "reason", "uptake_note")
    _replace(
        ReferralHistory,
        ReferralHistory.objects.filter(referral_id__in=referrals).values_list("pk", flat=True),
        "reason",
    )
    _replace(
        ImpactMeasure,
        ImpactMeasure.objects.filter(enrolment__referral_id__in=referrals).values_list(
            "pk", flat=True
        ),
        "note",
    )
    requests = list(
        ConsultancyRequest.objects.filter(family_id__in=family_ids).values_list("pk", flat=True)
    )
    _replace(
        ConsultancyRequest, requests, "help_wanted", "decline_reason", "what_was_done",
        "outcome_note",
    )  # fmt: skip
    _phrase(
        ConsultancyRequest, ConsultancyRequest.objects.filter(pk__in=requests), "preferred_dates"
    )
    _replace(
        ConsultancyRequestHistory,
        ConsultancyRequestHistory.objects.filter(request_id__in=requests).values_list(
            "pk", flat=True
        ),
        "note",
    )


# ---------------------------------------------------------------------------------------------
# The run


class Run:
    """One day's application of the schedule: what is due, done, and counted."""

    def __init__(self, run: RetentionRun, today: date) -> None:
        self.run = run
        self.today = today
        self.rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
        self.families = read_families()
        self.done = set(RetentionApplied.objects.values_list("record_key", flat=True))
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def rule(self, record_type: str) -> RetentionRule | None:
        rule = self.rules.get(record_type)
        if rule is None or rule.action == RetentionAction.KEEP:
            return None
        return rule

    def due(self, rule: RetentionRule, event: date | None) -> bool:
        return event is not None and self.today >= add_years(event, rule.years or 0)

    def family_event(self, rule: RetentionRule, family_id, created: date | None) -> date | None:
        if rule.after == After.CREATED:
            return created
        if rule.after == After.YOUNGEST_CHILD_BORN:
            return self.families.youngest_born.get(family_id)
        return self.families.closed_on.get(family_id)

    def pick(self, record_type: str, rows: Iterable[tuple]) -> list:
        """Rows (key, pk, family id, created day) that are due and not kept; counts the kept."""
        rule = self.rule(record_type)
        if rule is None:
            return []
        chosen = []
        for key, pk, family_id, created, own_closed in rows:
            if key in self.done:
                continue
            if family_id is not None:
                event = self.family_event(rule, family_id, created)
            else:
                event = created if rule.after == After.CREATED else own_closed
            if not self.due(rule, event):
                continue
            kept = self.families.kept_because(family_id) if family_id is not None else ""
            if kept:
                self.counts[record_type][kept] += 1
                continue
            chosen.append((key, pk))
        return chosen

    def mark(self, record_type: str, chosen: list, action: str, *, count: bool = True) -> None:
        RetentionApplied.objects.bulk_create(
            RetentionApplied(record_type=record_type, record_key=key, action=action, run=self.run)
            for key, _ in chosen
        )
        self.done.update(key for key, _ in chosen)
        if count and chosen:
            self.counts[record_type][action] += len(chosen)

    def apply(self) -> dict:
        self.support_requests()
        self.assessments()
        self.panel_cases()
        self.casework()
        self.consent()
        self.people()
        self.messages()
        return {rt: dict(counts) for rt, counts in self.counts.items() if counts}

    def support_requests(self) -> None:
        last_change: dict = {}
        for request_id, at in SupportRequestHistory.objects.values_list("support_request_id", "at"):
            last_change[request_id] = _later(last_change.get(request_id), _day(at))
        rows = (
            (
                f"support_requests.supportrequest:{pk}",
                pk,
                family_id,
                _day(created),
                (last_change.get(pk) or _day(updated)) if status in FINISHED_REQUEST else None,
            )
            for pk, family_id, created, updated, status in SupportRequest.objects.values_list(
                "pk", "family_id", "created_at", "updated_at", "status"
            )
        )
        chosen = self.pick(RecordType.SUPPORT_REQUESTS, rows)
        anonymise_support_requests([pk for _, pk in chosen])
        self.mark(RecordType.SUPPORT_REQUESTS, chosen, RetentionAction.ANONYMISE)

    def assessments(self) -> None:
        rows = (
            (f"assessments.assessment:{pk}", pk, family_id, _day(created), None)
            for pk, family_id, created in Assessment.objects.values_list(
                "pk", "family_id", "created_at"
            )
        )
        chosen = self.pick(RecordType.ASSESSMENTS, rows)
        anonymise_assessments([pk for _, pk in chosen])
        self.mark(RecordType.ASSESSMENTS, chosen, RetentionAction.ANONYMISE)

    def panel_cases(self) -> None:
        rows = (
            (f"panel.panelcase:{pk}", pk, family_id, _day(logged), None)
            for pk, family_id, logged in PanelCase.objects.values_list(
                "pk", "referral__family_id", "logged_at"
            )
        )
        chosen = self.pick(RecordType.PANEL_CASES, rows)
        anonymise_panel_cases([pk for _, pk in chosen])
        self.mark(RecordType.PANEL_CASES, chosen, RetentionAction.ANONYMISE)

    def casework(self) -> None:
        rows = (
            (f"casework.episode:{pk}", pk, family_id, started, None)
            for pk, family_id, started in Episode.objects.values_list(
                "pk", "family_id", "started_on"
            )
        )
        chosen = self.pick(RecordType.CASEWORK, rows)
        anonymise_casework([pk for _, pk in chosen])
        self.mark(RecordType.CASEWORK, chosen, RetentionAction.ANONYMISE)

    def consent(self) -> None:
        decisions = self.pick(
            RecordType.CONSENT,
            (
                (f"consent.consentdecision:{pk}", pk, family_id, day, None)
                for pk, family_id, day in ConsentDecision.objects.values_list(
                    "pk", "family_id", "decision_date"
                )
            ),
        )
        overrides = self.pick(
            RecordType.CONSENT,
            (
                (f"consent.consentoverride:{pk}", pk, family_id, _day(at), None)
                for pk, family_id, at in ConsentOverride.objects.values_list(
                    "pk", "family_id", "at"
                )
            ),
        )
        anonymise_consent([pk for _, pk in decisions], [pk for _, pk in overrides])
        self.mark(RecordType.CONSENT, decisions + overrides, RetentionAction.ANONYMISE)

    def people(self) -> None:
        rule = self.rule(RecordType.PEOPLE)
        if rule is None:
            return
        families = self.pick(
            RecordType.PEOPLE,
            (
                (f"people.family:{pk}", pk, pk, _day(created), None)
                for pk, created in Family.objects.values_list("pk", "created_at")
            ),
        )
        due_families = {pk for _, pk in families}
        memberships: dict = defaultdict(set)
        for person_id, family_id in FamilyMember.objects.values_list("person_id", "family_id"):
            memberships[person_id].add(family_id)
        done_families = {
            key.split(":", 1)[1] for key in self.done if key.startswith("people.family:")
        }
        chosen = []
        for pk, kind, born, expected, created in Person.objects.values_list(
            "pk", "kind", "date_of_birth", "expected_date_of_delivery", "created_at"
        ):
            key = f"people.person:{pk}"
            if key in self.done:
                continue
            families_of = memberships.get(pk, set())
            if families_of:
                # Only once every family they belong to is due (or done) is a person anonymised.
                if all(f in due_families or str(f) in done_families for f in families_of):
                    chosen.append((key, pk))
                continue
            # Someone in no family: their own birth (a child) or their record's making.
            if rule.after == After.YOUNGEST_CHILD_BORN:
                event = (born or expected) if kind != Person.Kind.ADULT else None
            else:
                event = _day(created)
            if self.due(rule, event):
                chosen.append((key, pk))
        anonymise_families(list(due_families))
        anonymise_people([pk for _, pk in chosen])
        self.mark(RecordType.PEOPLE, families, RetentionAction.ANONYMISE, count=False)
        self.mark(RecordType.PEOPLE, chosen, RetentionAction.ANONYMISE)
        if families:
            self.counts[RecordType.PEOPLE]["families_anonymised"] += len(families)

    def messages(self) -> None:
        rule = self.rule(RecordType.MESSAGES)
        if rule is None:
            return
        finished = (OutboundMessage.Status.SENT, OutboundMessage.Status.FAILED)
        chosen = [
            (f"core.outboundmessage:{pk}", pk)
            for pk, created in OutboundMessage.objects.filter(status__in=finished).values_list(
                "pk", "created_at"
            )
            if f"core.outboundmessage:{pk}" not in self.done and self.due(rule, _day(created))
        ]
        ids = [pk for _, pk in chosen]
        if rule.action == RetentionAction.DELETE:
            OutboundMessage.objects.filter(pk__in=ids).delete()
        else:
            OutboundMessage.objects.filter(pk__in=ids).update(to="", personalisation={})
        self.mark(RecordType.MESSAGES, chosen, rule.action)
