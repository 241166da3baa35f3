"""Hostile text: script stored in any free-text or name field never reaches a page unescaped.

One world is built: the demo generator's families, logins and case work, topped up with a record of
each kind it does not make (requests for support and their triage, safeguarding stops, the panel's
case, responses, decision, allocation and closure request, TAF meetings, contacts, closure, consent
overrides, an API token). Then every text field of every row of every project model is overwritten
with a payload naming it, ``<script>xss("people.Person.first_name")</script>`` followed by an
attribute-breaking ``"><img src=x onerror=xss(7)>`` (fields too short for that get ``"><i7>``).
Overwriting rows rather than typing into forms is deliberate: the forms validate some fields
(postcodes, phone numbers) so a payload could never be typed there, but a page must be safe whatever
is stored (the API, imports, data from before a validation rule existed).

Every page that shows the records is opened as the roles whose work is there, and no payload may
appear unescaped (nor escaped twice). Text still being typed is covered too: the public and
practitioners' request journeys, a search, answers kept when a session ran out, and every form sent
back with payloads typed into it. Three checks keep the probe honest as the product grows:

- every CharField, TextField and JSONField of every project model is planted (in rows that exist) or
  listed in ``NOT_USER_TEXT`` with the reason (fields with choices are recognised by them);
- every project template is rendered during the crawl or listed in ``NO_USER_TEXT`` with the reason;
- every route of the project's apps is opened, or listed in ``NOT_OPENED`` with the reason, and
  opens (200) for at least one of the roles that open it.

So a new model field, template or page fails this test until it is planted and shown, or listed.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.test.signals import template_rendered
from django.urls import resolve, reverse
from django.utils import timezone

from accounts import kept_answers
from accounts.models import AccountChange, ApiToken, TeamChange, User
from accounts.services import api_token_create
from accounts.tests.factories import sign_in_verified
from assessments.models import Assessment, AssessmentSection, Consultation, PanelReferral
from assessments.sections import SECTIONS_BY_KEY
from assessments.services import pending_stop
from assessments.tests.factories import ReadyAssessmentFactory
from casework.models import (
    Closure,
    Contact,
    Episode,
    EpisodeHistory,
    PlanAction,
    PlanReview,
    TafMeeting,
)
from consent.models import ConsentOverride, Purpose
from core.council_pack import load_council_pack
from dataprotection.tests.factories import LegalHoldFactory, RectificationNoteFactory
from panel import services as panel_services
from panel.models import (
    AgencyResponse,
    ClosureRequest,
    LeadProfessionalAllocation,
    MeetingAttendance,
    PanelCase,
    PanelCaseHistory,
    PanelDecision,
    PanelMeeting,
    PanelSeatMember,
)
from patterns.models import DisguisedComplianceRecord
from people.models import ChronologyEntry, FamilyMember, Person
from people.tests.factories import (
    AdultFactory,
    FamilyFactory,
    FamilyMemberFactory,
    ProfessionalInvolvementFactory,
)
from radar.models import RadarFlag
from support_requests import journey
from support_requests.models import (
    SafeguardingStop,
    SupportRequest,
    SupportRequestChild,
    SupportRequestHistory,
    Triage,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "core",
    "accounts",
    "people",
    "support_requests",
    "assessments",
    "consent",
    "panel",
    "casework",
    "dataprotection",
    "radar",
    "risk_factors",
    "patterns",
    "neglect",
    "oversight",
    "outcomes",
    "reporting",
    "directory",
    "offer",
    "consultancy",
    "children_centres",
)

# Text fields no one types: codes, hashes, keys and derived copies. Each names why.
NOT_USER_TEXT = {
    "accounts.User.password": "a password hash",
    "reporting.ReportingSettings.timeliness_days": "numbers of days from the council pack",
    "reporting.NeglectBooklet.pdf_sha256": "a hash the code works out",
    "reporting.NeglectBooklet.xlsx_sha256": "a hash the code works out",
    "reporting.ReportRun.error": "the type name of the exception that stopped a run (code's)",
    "reporting.Figure.code": "an indicator's code, from the code",
    "reporting.Figure.slice_key": "area, agency and team ids the code writes",
    "core.AuditEvent.record_type": "the audit trail is written by the code (a model label)",
    "core.AuditEvent.record_id": "a primary key",
    "core.AuditEvent.request_id": "a generated request id",
    "core.AuditEvent.via": "'web' or 'api', set by the code",
    "core.AuditEvent.detail": "written by the code; personal data is never put in it (ADR 0003)",
    "core.Council.code": "a slug from the council pack (letters, digits, hyphens)",
    "core.Area.code": "a slug from the council pack",
    "core.Site.code": "a slug from the council pack",
    "core.Agency.code": "a slug from the council pack",
    "core.Team.code": "a slug from the council pack",
    "core.OutboundMessage.to": "an address GOV.UK Notify sends to; never shown on a page",
    "core.OutboundMessage.template": "a template key set by the code (core.notify.TEMPLATES)",
    "core.OutboundMessage.reference": "a reference made by the code (an ESMAP number, a request's)",
    "core.OutboundMessage.last_error": "an exception's type name, set by the code",
    "core.ScheduledRun.job": "a job key registered by the code (core.schedule)",
    "core.ScheduledRun.summary": "counts a job returns, written by the code; never personal data",
    "core.ScheduledRun.error": "an exception's type name, set by the code",
    "core.OutboundMessage.personalisation": "sent to GOV.UK Notify, never shown on a page",
    "core.OutboundMessage.provider_id": "GOV.UK Notify's id",
    "core.OutboundMessage.record_type": "a model label",
    "core.OutboundMessage.record_id": "a primary key",
    "people.Person.search_names": "derived search key, never shown",
    "people.Person.search_phonetic": "derived search key, never shown",
    "people.Person.search_postcodes": "derived search key, never shown",
    "people.Address.postcode_normalised": "derived search key, never shown",
    "people.Family.reference": "generated by the code (unique); never typed",
    "support_requests.SupportRequest.reference": "generated by the code (unique); never typed",
    "support_requests.SupportRequest.submitted_ip_hash": "a hash",
    "support_requests.ThrottleHit.bucket": "a rate-limit bucket name set by the code",
    "support_requests.ThrottleHit.client_hash": "a hash",
    "support_requests.Triage.targeted_indicators": "codes from a fixed list (TARGETED_OFFER_INDICATORS)",
    "assessments.AssessmentSection.key": "a section key from assessments.sections.SECTIONS",
    "assessments.PanelReferral.consent_basis": "a code set by the code (consent or override)",
    "panel.PanelCase.esmap_number": "generated by the code (unique, from a locked counter)",
    "panel.PanelCaseHistory.from_status": "a status code",
    "panel.PanelCaseHistory.to_status": "a status code",
    "accounts.ApiToken.digest": "a hash",
    "accounts.ApiToken.token_key": "the token's public prefix, generated",
    "dataprotection.RetentionRun.summary": "counts written by the retention job, never personal data",
    "dataprotection.RetentionApplied.record_key": "a model label and a primary key",
    "radar.RadarFlag.subject_key": "the rule's code and the subject's ids, made by the code",
    "radar.RadarFlag.facts": "dates, counts and thresholds the radar writes (and a lead agency's "
    "name from the council pack); its reasons are worded by the code when shown",
    "casework.PlanReview.progress": "outcome ids and progress codes a review recorded",
    "neglect.GradedCareTool.code": "a slug from the council pack",
    "oversight.SupervisionPolicy.prompts": "questions from the council pack, shown as hint text",
    "oversight.EscalationHistory.event": "raised, moved_on or resolved: written by the code",
    "neglect.GradedCareTool.grades": "whole numbers from the council pack (the tool's scale)",
    "outcomes.OutcomeFramework.code": "a slug from the council pack",
    "outcomes.FrameworkOutcome.code": "a slug from the council pack",
    "outcomes.OutcomeIndicator.code": "a slug from the council pack",
    "children_centres.ReachContact.kind": "a contact kind's key from the council pack",
    "children_centres.CentreSettings.contact_kinds": "keys and names of contact kinds from the "
    "council pack, shown as a form's choices (escaped by the form templates)",
    "offer.OfferPolicy.priorities": "codes and names from the council pack's offer section",
    "offer.OfferPolicy.impact_measures": "codes and names from the council pack's offer section",
    "offer.Referral.priority": "a code from the council pack's list of priorities",
    "offer.Referral.source_type": "a record type code the calling service sets (core.records)",
    "offer.Referral.source_id": "a primary key the calling service sets",
    "offer.ReferralHistory.from_status": "a status code",
    "offer.ImpactMeasure.measure": "a code from the council pack's list of impact measures",
}

# Templates that show no user-entered text at all, so the crawl need not reach them.
NO_USER_TEXT = {
    "accounts/verify.html": "the security code form",
    "accounts/setup_mfa.html": "the authenticator set-up: a QR code and a form",
    "accounts/locked_out.html": "a fixed message",
    "accounts/oidc_refused.html": "a fixed message chosen by the refusal's reason (ADR 0021)",
    "support_requests/ask/too_many_requests.html": (
        "no text of its own; the council's numbers are in ask/_urgent_help.html"
    ),
    "errors/400.html": "a fixed message",
    "errors/500.html": "a fixed message (rendered without a context)",
    "errors/503.html": "a fixed message",
    "errors/refused.html": (
        "a service's refusal that no form caught: messages the code writes, escaped as any text"
    ),
    "api_docs/swagger_ui.html": "the API documentation page; the schema has no records in it",
}

RAW = (re.compile(r"<script>xss\("), re.compile(r"<img src=x onerror=xss\("), re.compile(r"<i\d+>"))


def _payload(label: str, number: int, max_length: int | None) -> str:
    full = f'<script>xss("{label}")</script>"><img src=x onerror=xss({number})>'
    if max_length is None or len(full) <= max_length:
        return full
    return f'"><i{number}>'


def _project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m._meta.proxy]


def _text_fields(model):
    for field in model._meta.get_fields():
        if (
            isinstance(field, (models.CharField, models.TextField, models.JSONField))
            and field.concrete
        ):
            yield field


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


# The directory's text is shown on the public find support pages (and the staff pages), so it
# is planted; only what no one types is left out.
NOT_USER_TEXT.update(
    {
        "directory.PostcodeCentroid.postcode": "the ONS Postcode Directory's postcodes, loaded by "
        "directory_postcodes; never shown (a search shows back the postcode the visitor typed)",
        "directory.PostcodeCentroid.outward": "derived from the postcode on load; never shown",
        "directory.Attribute.link_entity": "the table a linked record is in, set by the importer "
        "from the feed's structure; never typed, never shown",
    }
)


# ------------------------------------------------------------------ the world


def _build_world() -> dict:
    """The demo world, topped up with a record of every kind it does not make.

    Text given here is a placeholder: _plant overwrites every text field afterwards.
    """
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    call_command("seed_demo", families=40, seed=2026, stdout=StringIO())
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    now, today = timezone.now(), timezone.localdate()
    practitioner, leader = users["practitioner"], users["team.leader"]
    business, chair, lead = (
        users["business.support"],
        users["panel.chair"],
        users["lead.professional"],
    )
    trigger = SafeguardingStop.Trigger.choices[0][0]

    # Assessments: the demo's completed one (referred to the panel) and its draft, plus one waiting
    # for sign-off and one held by a safeguarding stop; a consultation and a consent override.
    referral = PanelReferral.objects.select_related("assessment", "family").get(
        panel_case__isnull=True  # the demo's referral waiting to be logged
    )
    family, assessment = referral.family, referral.assessment
    child = assessment.children.first().person
    child_name = (child.first_name, child.last_name)
    Consultation.objects.create(
        assessment=assessment, child_views="-", parent_views="-", updated_by=practitioner
    )
    SafeguardingStop.objects.create(
        assessment=assessment,
        actor=practitioner,
        trigger=trigger,
        next_step=SafeguardingStop.NextStep.choices[0][0],
        reason="-",
    )
    ReadyAssessmentFactory(
        family=family,
        number=2,
        worker=practitioner,
        status=Assessment.Status.AWAITING_SIGN_OFF,
        decision=Assessment.Decision.TAF,
        children=[child],
    )
    stopped = ReadyAssessmentFactory(family=family, number=3, worker=practitioner, children=[child])
    SafeguardingStop.objects.create(assessment=stopped, actor=practitioner, trigger=trigger)
    ConsentOverride.objects.create(
        family=family, purpose=Purpose.ASSESSMENT, reason="-", authorised_by=leader
    )
    api_token_create(actor=practitioner, user=practitioner, name="-", days=30)
    # A staff account the administrator manages (no one signs in as it: the crawl's hostile
    # posts disable it and reset its authenticator), with a reason in its history.
    staff_account = User.objects.create(
        username="staff.account", first_name="-", last_name="-", team=practitioner.team
    )
    staff_account.managed_teams.add(practitioner.team)
    AccountChange.objects.create(
        user=staff_account, kind=AccountChange.Kind.DISABLED, reason="-", by=users["admin"]
    )
    # A team's history (its managers' names before and after), shown on the team's page.
    TeamChange.objects.create(
        team=practitioner.team,
        kind=TeamChange.Kind.MANAGERS,
        before="-",
        after="-",
        by=users["admin"],
    )
    alone = FamilyMemberFactory(
        family=FamilyFactory(team=practitioner.team, area=family.area),
        person=AdultFactory(),
        role=FamilyMember.Role.PARENT_CARER,
    ).person

    # Requests for support: a public one, a practitioner's (in triage) and a step-down (stopped).
    area = family.area
    public = SupportRequest.objects.create(
        reference="HX0000000001",
        source=SupportRequest.Source.PUBLIC,
        area=area,
        can_call=False,
        can_leave_message=False,
        safe_to_write=True,
    )
    SupportRequestChild.objects.create(
        support_request=public, position=1, first_name="-", age_years=7
    )
    SupportRequestHistory.objects.create(
        support_request=public, to_status=public.status, reason="-"
    )
    mine = SupportRequest.objects.create(
        reference="HX0000000002",
        source=SupportRequest.Source.PRACTITIONER,
        area=area,
        requester=practitioner,
        requester_team=practitioner.team,
        requester_agency=practitioner.agency,
        family=family,
        status=SupportRequest.Status.IN_TRIAGE,
    )
    SupportRequestChild.objects.create(
        support_request=mine, position=1, first_name="-", age_years=4
    )
    Triage.objects.create(support_request=mine, updated_by=leader)
    step_down = SupportRequest.objects.create(
        reference="HX0000000003",
        source=SupportRequest.Source.MASH_STEP_DOWN,
        area=area,
        requester=leader,
        requester_team=leader.team,
        family=family,
        status=SupportRequest.Status.IN_TRIAGE,
    )
    SafeguardingStop.objects.create(support_request=step_down, actor=leader, trigger=trigger)

    # The panel: the referral on the next meeting, pack published, a response and attendance for
    # each seat, the decision, the allocation and a closure request; the meeting after cancelled.
    meeting, cancelled = PanelMeeting.objects.filter(date__gte=today).order_by("date")[:2]
    PanelMeeting.objects.filter(pk=meeting.pk).update(
        pack_published_at=now, pack_published_by=business
    )
    panel = meeting.panel
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-X-1",
        year=today.year,
        sequence=900,  # after the demo's logged cases
        logged_by=business,
        logged_at=now,
        meeting=meeting,
        status=PanelCase.Status.ALLOCATED,
    )
    PanelCaseHistory.objects.create(
        case=case, actor=business, change=PanelCaseHistory.Change.choices[0][0]
    )
    for seated in PanelSeatMember.objects.filter(
        seat__panel=panel, is_substitute=False
    ).select_related("seat"):
        AgencyResponse.objects.create(
            case=case, seat=seated.seat, known=True, recorded_by=seated.user
        )
        MeetingAttendance.objects.create(
            meeting=meeting,
            user=seated.user,
            seat=seated.seat,
            role=MeetingAttendance.Role.MEMBER,
            arrived_at=now,
            recorded_by=business,
        )
    MeetingAttendance.objects.create(
        meeting=meeting,
        user=chair,
        role=MeetingAttendance.Role.CHAIR,
        arrived_at=now,
        recorded_by=business,
    )
    PanelDecision.objects.create(
        case=case,
        meeting=meeting,
        kind=PanelDecision.Kind.LEAD_AGENCY,
        lead_agency=lead.agency,
        decided_by=chair,
        decided_at=now,
    )
    LeadProfessionalAllocation.objects.create(
        case=case,
        agency=lead.agency,
        lead_professional=lead,
        allocated_by=business,
        allocated_at=now,
    )
    ClosureRequest.objects.create(
        case=case, requested_by=lead, requested_at=now, summary="-", meeting=meeting
    )
    panel_services.meeting_cancel(actor=business, meeting=cancelled, reason="-")

    # Case work: the demo's episode (plan, outcomes, actions, a review held and one overdue), with a
    # contact, a TAF meeting, the children's views at the review, a closure and a history row.
    episode = (
        Episode.objects.filter(lead_professional=lead, stage=1, status="open", panel_case=None)
        .order_by("created_at")
        .first()
    )
    children = [m.person for m in episode.family.members.filter(role="child")]
    contact = Contact.objects.create(
        episode=episode, happened_on=today, kind=Contact.Kind.HOME_VISIT, recorded_by=lead
    )
    contact.seen.set(children)
    # A missed appointment shows who was not brought and to what, in the contacts table.
    missed = Contact.objects.create(
        episode=episode,
        happened_on=today,
        kind=Contact.Kind.WAS_NOT_BROUGHT,
        appointment="-",
        recorded_by=lead,
        # The next visit planned puts the family in the lead's "contacts due".
        next_planned_on=today + timedelta(days=3),
    )
    missed.not_brought.set(children)
    taf = TafMeeting.objects.create(
        episode=episode, held_on=today, recorded_by=lead, lead_professional_attended=True
    )
    taf.family_attendees.set(children)
    # A professional on the record came and does a plan action for the first child: their name
    # reaches the TAF table, the plan, the family's copy and that child's copy.
    involved = ProfessionalInvolvementFactory(person=children[0])
    taf.professional_attendees.set([involved])
    action = PlanAction.objects.filter(outcome__plan__episode=episode).first()
    PlanAction.objects.filter(pk=action.pk).update(
        doer=PlanAction.Doer.PROFESSIONAL, doer_professional=involved
    )
    action.concerns.set(children[:1])
    action.outcome.concerns.set(children)
    PlanReview.objects.filter(episode=episode, held_on__isnull=False).update(
        children_views={str(p.pk): "-" for p in children}
    )
    Closure.objects.create(
        episode=episode,
        reason=Episode.EndReason.NEEDS_MET,
        outcomes_achieved="-",
        exit_plan="-",
        sent_by=lead,
    )
    EpisodeHistory.objects.create(
        episode=episode, actor=lead, change=EpisodeHistory.Change.choices[0][0]
    )
    # Disguised compliance on the contact (one current, one withdrawn with its reason) and an
    # accident on each child's chronology: the patterns pages show them.
    for status in ("current", "withdrawn"):
        DisguisedComplianceRecord.objects.create(
            episode=episode,
            contact=contact,
            occurred_on=today,
            agreed="-",
            not_done="-",
            family_says="-",
            evidence="-",
            recorded_by=lead,
            status=status,
            withdrawn_reason="-" if status == "withdrawn" else "",
            withdrawn_by=lead if status == "withdrawn" else None,
            withdrawn_at=now if status == "withdrawn" else None,
        )
    for person in children:
        ChronologyEntry.objects.create(
            person=person, occurred_on=today, category="accident_injury", summary="-", source="-"
        )
    # Neglect on the lead professional's family: a current concern (what was seen, its history, a
    # graded-care result) and an ended one with its note; the neglect pages show them.
    from neglect.models import GradedCareResult, GradedCareTool, NeglectConcern

    concern = NeglectConcern.objects.filter(child__in=children, status="current").first()
    if concern is None:
        concern = NeglectConcern.objects.create(
            child=children[0],
            family=episode.family,
            source="other",
            identified_on=today,
            lived_experience="-",
            recorded_by=lead,
        )
    concern.observations.create(
        category="medical", seen="-", seen_by="-", seen_on=today, recorded_by=lead
    )
    concern.history.create(actor=lead, change="lived_experience", to_value="-", reason="-")
    NeglectConcern.objects.create(
        child=concern.child,
        family=episode.family,
        source="other",
        identified_on=today,
        lived_experience="-",
        recorded_by=lead,
        status="ended",
        ended_on=today,
        end_reason="other",
        end_note="-",
    )
    GradedCareResult.objects.create(
        child=concern.child,
        family=episode.family,
        concern=concern,
        tool=GradedCareTool.objects.get(code="gcp2"),
        done_on=today,
        area_grades={"-": 3},
        overall_grade=3,
        recorded_by=lead,
    )
    # Oversight: a manager's note on the episode, a supervision of the lead professional that
    # discusses it (with an action), and an escalation with its history.
    from casework.models import EpisodeOversight
    from oversight.models import Escalation, Supervision

    manager = users["team.manager"]
    EpisodeOversight.objects.create(episode=episode, kind="note", text="-", by=manager, at=now)
    supervision = Supervision.objects.create(
        worker=lead, supervisor=manager, held_on=today, reflections="-"
    )
    supervision.cases.create(episode=episode, discussion="-", decisions="-")
    supervision.actions.create(what="-", who="-", by_when=today)
    escalation = Escalation.objects.create(
        episode=episode,
        agency=episode.lead_agency,
        raised_by=lead,
        raised_on=today,
        to_whom="-",
        concern="-",
        outcome="-",
    )
    escalation.history.create(actor=lead, event="raised", stage="1", to_whom="-", note="-")
    # Outcomes on the episode: a current and a removed mapping, a baseline and its correction,
    # and a sustained check; the outcomes pages show them.
    from outcomes.models import FrameworkOutcome, OutcomeLink, OutcomeScore, OutcomeSustainedCheck

    plan_outcome = episode.plan.outcomes.order_by("pk").first()
    mapped = FrameworkOutcome.objects.filter(in_pack=True).order_by("pk")
    OutcomeLink.objects.create(
        plan_outcome=plan_outcome,
        framework_outcome=mapped[0],
        episode=episode,
        linked_by=lead,
        removed_by=lead,
        removed_at=now,
        removed_reason="-",
    )
    OutcomeLink.objects.create(
        plan_outcome=plan_outcome, framework_outcome=mapped[1], episode=episode, linked_by=lead
    )
    wrong = OutcomeScore.objects.create(
        episode=episode,
        plan_outcome=plan_outcome,
        kind="baseline",
        score=2,
        evidence_what="-",
        evidence_source="-",
        evidence_on=today,
        recorded_by=lead,
    )
    OutcomeScore.objects.create(
        episode=episode,
        plan_outcome=plan_outcome,
        kind="baseline",
        score=3,
        evidence_what="-",
        evidence_source="-",
        evidence_on=today,
        supersedes=wrong,
        correction_reason="-",
        recorded_by=lead,
    )
    OutcomeSustainedCheck.objects.get_or_create(episode=episode, defaults={"due_on": today})
    # A rectification note on the child (shown on the subject access page) and a legal hold.
    RectificationNoteFactory(person=child, by=users["admin"])
    LegalHoldFactory(family=family, placed_by=users["admin"])
    # An issued neglect booklet: its board commentary is text a strategic lead typed.
    from reporting.services import booklet_issue

    booklet_issue(actor=users["strategic.lead"], year=2025, quarter=4, commentary="-")
    # An issue of it asked for and still waiting for the worker: its page shows the commentary.
    from reporting.models import ReportRun
    from reporting.services import report_run_request

    report_run_request(
        actor=users["strategic.lead"],
        kind=ReportRun.Kind.BOOKLET_ISSUE,
        year=2025,
        quarter=4,
        commentary="-",
    )
    return {
        "users": users,
        "family": family,
        "child": child,
        "child_name": child_name,
        "case": case,
        "meeting": meeting,
        "episode": episode,
        "alone": alone,
        "staff_account": staff_account,
    }


# ------------------------------------------------------------------ planting


def _answers_text_keys(section: AssessmentSection) -> list[str]:
    from django import forms

    form = SECTIONS_BY_KEY[section.key].form
    keys = [name for name, field in form.base_fields.items() if type(field) is forms.CharField]
    keys += [k for k in section.answers if k.startswith("reason_")]
    return keys


def _plant() -> set[str]:
    """Overwrite every user-text field of every row; returns the labels planted."""
    planted, number = set(), 0
    for model in _project_models():
        for field in _text_fields(model):
            label = _label(model, field)
            if field.choices or label in NOT_USER_TEXT:
                continue
            number += 1
            rows = models.QuerySet(model)  # the plain queryset: append-only rows are planted too
            if isinstance(field, models.JSONField):
                if label == "assessments.AssessmentSection.answers":
                    for section in AssessmentSection.objects.all():
                        answers = dict(section.answers)
                        for key in _answers_text_keys(section):
                            answers[key] = _payload(f"{label}.{section.key}.{key}", number, None)
                        rows.filter(pk=section.pk).update(answers=answers)
                elif label == "neglect.GradedCareTool.areas":
                    rows.update(areas=[_payload(label, number, None)])
                elif label == "neglect.GradedCareResult.area_grades":
                    rows.update(area_grades={_payload(label, number, None): 3})
                elif label == "casework.PlanReview.children_views":
                    for review in PlanReview.objects.all():
                        views = {k: _payload(label, number, None) for k in review.children_views}
                        rows.filter(pk=review.pk).update(children_views=views)
                else:
                    raise AssertionError(f"{label}: a JSONField with user text needs planting here")
            elif field.unique:
                for index, pk in enumerate(rows.values_list("pk", flat=True)):
                    value = _payload(label, number, (field.max_length or 10**6) - len(str(index)))
                    rows.filter(pk=pk).update(**{field.name: f"{value}{index}"})
            else:
                rows.update(**{field.name: _payload(label, number, field.max_length)})
            planted.add(label)
    return planted


# ------------------------------------------------------------------ the crawl

# Who opens each app's pages: the roles whose work is there (the authorisation matrix test checks
# who may not). Every page must open (200) for at least one of them.
STAFF = ("practitioner", "team.leader", "team.manager", "lead.professional")
ROLES = {
    "core": (*STAFF, "business.support", "panel.chair", "panel.member", "strategic.lead", "admin"),
    "people": STAFF,
    "dataprotection": ("admin",),
    "reporting": ("strategic.lead", "team.leader"),
    "assessments": STAFF,
    "consent": STAFF,
    "casework": STAFF,
    "radar": ("team.manager", "lead.professional", "team.leader"),
    "risk_factors": STAFF,
    "patterns": ("lead.professional", "team.manager", "practitioner"),
    "neglect": STAFF,
    "outcomes": STAFF,
    "oversight": ("team.manager", "lead.professional", "practitioner", "team.leader"),
    # The offer: the early support team (the demo's programmes are the team leader's team's).
    "offer": ("team.leader", "practitioner", "team.manager", "lead.professional"),
    # The demo's lead professional is a casework consultant; the practitioner asks.
    "consultancy": ("practitioner", "lead.professional", "team.leader"),
    "support_requests": ("practitioner", "team.leader", "business.support"),
    "panel": (
        "panel.chair",
        "panel.member",
        "business.support",
        "lead.professional",
        "team.leader",
    ),
    "accounts": ("practitioner", "admin"),
    # Children's centres: the early support team leader (registers, records, loads the
    # population), and the readers of the reach figures.
    "children_centres": ("team.leader", "team.manager", "strategic.lead"),
    # The public find support pages open for anyone; the staff pages for staff and administrators.
    "directory": (*STAFF, "admin"),
}

# Pages that open only while a record is in one state (and redirect otherwise): each must open for
# at least one of the records, not for all of them.
ONE_STATE_ONLY = {
    "support_requests:triage",
    "support_requests:safeguarding_stop",
    "assessments:submit",
    "assessments:sign_off",
    "assessments:consultation",
    "assessments:refer",
    "assessments:safeguarding_stop",
    "assessments:pdf",
}

# Routes the crawl does not open, and why. Every other route of the project's apps is opened.
NOT_OPENED = {
    "people:index": "redirects to the search",
    "panel:case_closure": "redirects the lead professional to the open episode (ADR 0016)",
    "core:readyz": "the readiness check: JSON naming its checks, no stored text",
    "core:message_send_again": "POST only",
    "accounts:logout": "POST only",
    "accounts:resume_discard": "POST only",
    "accounts:verify": "the security code form: no stored text",
    "accounts:setup_mfa": "a QR code and a form: no stored text",
    "accounts:oidc_start": "404 unless single sign-on is configured; a redirect to the provider",
    "accounts:oidc_callback": "404 unless single sign-on is configured; redirects, no stored text",
    "accounts:oidc_refused": "404 unless single sign-on is configured; a fixed message",
    "casework:plan_action_complete": "POST only",
    "radar:run": "POST only",
    "reporting:booklet_issue": "POST only (its form is on the booklets page, which is opened)",
    "reporting:booklet_draft": "POST only (its form is on the booklets page, which is opened)",
    "reporting:figures_refresh": "POST only, answers with a redirect to the report it came from",
    "reporting:booklet_run_status": "JSON for the run page's script: a status, counts and fixed "
    "sentences, no stored text",
    "reporting:booklet_run_file": "a draft's PDF or spreadsheet, not a page",
    "reporting:booklet_pdf": "a PDF, not a page: ReportLab's markup is escaped (reporting.booklet)",
    "reporting:booklet_xlsx": "a spreadsheet, not a page",
    "oversight:action_done": "POST only (a button on the supervision page, which is opened)",
    "consultancy:pick_up": "POST only (a button on the request's page, which is opened)",
    "directory:staff_import_confirm": "POST only (the button on the import page's dry run)",
    "neglect:concern": "redirects to the child's neglect page, which is opened",
    "risk_factors:accept": "POST only (a button on the family's factors page, which is opened)",
    "casework:plan_start": "opens only before the episode has a plan; its template, plans/form.html, is opened",
    "panel:inbox_log": "POST only",
    "panel:meeting_attendance": "POST only",
    "panel:meeting_publish": "POST only",
    "panel:panel_schedule": "POST only",
    "support_requests:set_area": "POST only",
    "support_requests:start_triage": "POST only",
    "support_requests:my_request_stop": "opens only while a practitioner's own request is stopped; its template is "
    "support_requests/safeguarding_stop.html, which is opened",
}
# The Open Referral UK read API answers JSON (application/json, nosniff), never a page.
NOT_OPENED.update(
    {
        f"directory:oruk_{name}": "the ORUK read API: JSON, never rendered as HTML"
        for name in (
            "index",
            "services",
            "service",
            "services_at_locations",
            "service_at_location",
            "taxonomies",
            "taxonomy",
            "taxonomy_terms",
            "taxonomy_term",
        )
    }
)


def _route_names() -> set[str]:
    from django.urls import get_resolver

    names = set()
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        if namespace in PROJECT_APPS:
            names |= {
                f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
            }
    return names


def _project_templates() -> set[str]:
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [
        Path(app.path) / "templates" for app in apps.get_app_configs() if app.label in PROJECT_APPS
    ]
    return {
        str(p.relative_to(root)) for root in roots if root.is_dir() for p in root.rglob("*.html")
    }


def _pages(world) -> list[str]:
    family, episode, case, meeting = (
        world["family"],
        world["episode"],
        world["case"],
        world["meeting"],
    )
    panel = meeting.panel
    urls = [
        reverse(name)
        for name in (
            "core:home",
            "core:configuration",
            "core:background_work",
            "core:council_values",
            "core:council_values_history",
            "core:accessibility",
            "core:privacy",
            "people:search",
            "people:family_list",
            "panel:recording_sheet_csv",
            "panel:recording_sheet_xlsx",
            "support_requests:my_requests",
            "support_requests:step_down_new",
            "support_requests:queue",
            "panel:panel_list",
            "panel:recording_sheet",
            "panel:inbox",
            "casework:caseload",
            "casework:team_caseload",
            "radar:radar",
            "reporting:index",
            "reporting:annex_a_list_2",
            "reporting:supporting_families",
            "reporting:dashboard",
            "reporting:report_card",
            "reporting:booklets",
        )
    ]
    # Each background run of the neglect booklet (its page shows an issue's commentary).
    from reporting.models import ReportRun

    urls += [
        reverse("reporting:booklet_run", kwargs={"run_id": pk})
        for pk in ReportRun.objects.order_by("created_at").values_list("pk", flat=True)
    ]
    # The council's values, each group's change page (the values are planted text too).
    urls += [
        reverse("core:council_values_change", kwargs={"group": group})
        for group in ("council", "duty-team", "early-support", "public-pages", "timescales")
    ]
    # Every kind of work waiting in this world, in full: its items name families and people.
    urls += [
        reverse("core:waiting_section", kwargs={"key": key})
        for key in (
            "requests_to_triage",
            "assessments_to_sign_off",
            "packs_to_read",
            "closures_to_decide",
            "team_reviews_overdue",
            "reviews_due",
            "actions_due",
            "contacts_due",
            "drifting_cases",
            "supervision_overdue",
        )
    ]
    # Supervision and professional challenge: every supervision, its worker's pages, and every
    # escalation with its forms.
    from oversight.models import Escalation, Supervision

    urls += [reverse(f"oversight:{n}") for n in ("index", "escalations")]
    for supervision in Supervision.objects.order_by("pk"):
        urls.append(reverse("oversight:detail", kwargs={"supervision_id": supervision.pk}))
        urls += [
            reverse(f"oversight:{n}", kwargs={"worker_id": supervision.worker_id})
            for n in ("worker", "record")
        ]
    for escalation in Escalation.objects.order_by("pk"):
        urls += [
            reverse(f"oversight:{n}", kwargs={"escalation_id": escalation.pk})
            for n in ("escalation", "escalation_move_on", "escalation_resolve")
        ]
    urls.append(reverse("oversight:escalation_new", kwargs={"episode_id": episode.pk}))
    # Casework consultancy: the lists, the counts and consultants, every request with its forms.
    from consultancy.models import CaseworkConsultant, ConsultancyRequest

    urls += [reverse(f"consultancy:{n}") for n in ("index", "ask", "consultants", "counts")]
    for item_id in ConsultancyRequest.objects.order_by("pk").values_list("pk", flat=True):
        urls += [
            reverse(f"consultancy:{n}", kwargs={"request_id": item_id})
            for n in ("detail", "assign", "accept", "decline", "complete", "withdraw")
        ]
    urls += [
        reverse("consultancy:consultant_end", kwargs={"consultant_id": pk})
        for pk in CaseworkConsultant.objects.order_by("pk").values_list("pk", flat=True)
    ]
    # The offer: the lists, every programme with its forms, every group with its forms (two
    # sessions' attendance, each participant's completion and impact), every referral with its
    # forms, and referring the family.
    from offer.models import Programme, ProgrammeGroup
    from offer.models import Referral as OfferReferral

    urls += [reverse(f"offer:{n}") for n in ("index", "mine", "programme_new")]
    for programme in Programme.objects.order_by("pk"):
        pkw = {"programme_id": programme.pk}
        form = "group_new" if programme.runs_groups else "programme_capacity"
        urls += [
            reverse(f"offer:{n}", kwargs=pkw)
            for n in ("programme", "refer_programme", "programme_running", form)
        ]
    for group in ProgrammeGroup.objects.order_by("pk"):
        gkw = {"group_id": group.pk}
        urls += [
            reverse(f"offer:{n}", kwargs=gkw) for n in ("group", "group_change", "session_new")
        ]
        held = group.sessions.filter(held_on__lte=timezone.localdate()).order_by("number")[:2]
        urls += [reverse("offer:attendance", kwargs={**gkw, "session_id": s.pk}) for s in held]
        urls += [
            reverse(f"offer:{n}", kwargs={**gkw, "enrolment_id": pk})
            for pk in group.enrolments.order_by("pk").values_list("pk", flat=True)
            for n in ("enrolment_finish", "impact_new")
        ]
    for referral_id, programme_id in OfferReferral.objects.order_by("pk").values_list(
        "pk", "programme_id"
    ):
        names = ("referral", "referral_uptake", "referral_withdraw")
        # A signpost has no place to give or offer.
        names += ("referral_enrol", "referral_offer_place") if programme_id else ()
        urls += [reverse(f"offer:{n}", kwargs={"referral_id": referral_id}) for n in names]
    urls.append(reverse("offer:referral_finish", kwargs={"referral_id": referral_id}))
    urls.append(reverse("offer:refer_family", kwargs={"family_id": family.pk}))
    # The radar's open flags (the demo puts a family on it): each flag's page and its form.
    for flag_id in (
        RadarFlag.objects.filter(status="raised").order_by("pk").values_list("pk", flat=True)[:3]
    ):
        urls += [
            reverse(f"radar:{n}", kwargs={"flag_id": flag_id})
            for n in ("flag_detail", "flag_acknowledge")
        ]
    # Patterns: the family's page, recording and withdrawing disguised compliance, and each
    # child's accidents and injuries.
    ekw = {"episode_id": episode.pk}
    urls += [reverse(f"patterns:{n}", kwargs=ekw) for n in ("episode", "dc_add")]
    urls += [
        reverse("patterns:dc_withdraw", kwargs={**ekw, "compliance_id": pk})
        for pk in DisguisedComplianceRecord.objects.filter(episode=episode).values_list(
            "pk", flat=True
        )
    ]
    urls += [
        reverse("patterns:injuries", kwargs={"person_id": m.person_id})
        for m in episode.family.members.filter(role="child")
    ]
    # Neglect: each child's neglect page with a concern, its forms, and the current concerns' forms.
    from neglect.models import NeglectConcern

    for child_id in sorted(set(NeglectConcern.objects.values_list("child_id", flat=True)), key=str):
        urls += [
            reverse(f"neglect:{n}", kwargs={"person_id": child_id})
            for n in ("child", "concern_record", "tool_result_add")
        ]
    for concern_id in NeglectConcern.objects.filter(status="current").values_list("pk", flat=True):
        urls += [
            reverse(f"neglect:{n}", kwargs={"concern_id": concern_id})
            for n in ("observation_add", "concern_change", "concern_end")
        ]
    # Risk and vulnerability factors (the demo records some on the lead professional's family):
    # each family's factors page and form, ending a factor, and revisiting them at a plan review.
    from risk_factors.models import FactorReview, RiskFactor

    factor_families = {family.pk, episode.family_id}
    factor_families |= set(RiskFactor.objects.values_list("family_id", flat=True))
    for fam_id in sorted(factor_families, key=str):
        urls += [
            reverse(f"risk_factors:{n}", kwargs={"family_id": fam_id}) for n in ("family", "add")
        ]
    present = RiskFactor.objects.filter(status="present").order_by("pk")
    urls += [
        reverse("risk_factors:end", kwargs={"factor_id": pk})
        for pk in present.values_list("pk", flat=True)[:3]
    ]
    reviewed = set(FactorReview.objects.values_list("plan_review_id", flat=True))
    pending = PlanReview.objects.filter(
        episode__family_id__in=factor_families, episode__status="open", held_on__isnull=True
    ).values_list("pk", flat=True)
    urls += [
        reverse("risk_factors:review", kwargs={"review_id": pk})
        for pk in sorted(reviewed | set(pending[:3]))
    ]
    for fam in (family, episode.family):
        kw = {"family_id": fam.pk}
        urls += [reverse(f"people:{n}", kwargs=kw) for n in ("family_detail", "family_access_log")]
        if fam != family:
            continue  # one family's forms are enough: they are the same for any family
        urls += [
            reverse(f"people:{n}", kwargs=kw)
            for n in ("family_member_add", "household_add", "family_team_add")
        ]
        urls += [
            reverse("people:household_members", kwargs={**kw, "household_id": h.pk})
            for h in fam.households.all()
        ]
        urls += [
            reverse("people:family_team_end", kwargs={**kw, "link_id": t.pk})
            for t in fam.team_links.all()
        ]
        urls += [reverse(f"assessments:{n}", kwargs=kw) for n in ("family_assessments", "start")]
        urls += [reverse(f"consent:{n}", kwargs=kw) for n in ("family", "record", "override")]
        urls += [reverse(f"casework:{n}", kwargs=kw) for n in ("family_episodes", "episode_open")]
    # Every person's page; the forms for one child and one adult (they name the person).
    people = Person.objects.filter(
        family_memberships__family__in=(family, episode.family)
    ).distinct()
    urls += [
        reverse(f"people:{n}", kwargs={"person_id": p.pk})
        for p in people
        for n in ("person_detail", "person_access_log")
    ]
    for person in (
        world["child"],
        Person.objects.filter(family_memberships__family=family, kind="adult").first(),
    ):
        pk = {"person_id": person.pk}
        urls += [
            reverse(f"people:{n}", kwargs=pk)
            for n in (
                "person_edit",
                "chronology_add",
                "professional_add",
                "address_add",
                "other_name_add",
                "relationship_add",
            )
        ]
        urls += [
            reverse("people:address_end", kwargs={**pk, "link_id": a.pk})
            for a in person.addresses.filter(moved_out__isnull=True)
        ]
        if person == world["child"]:
            urls.append(reverse("people:parental_responsibility_add", kwargs=pk))
            urls += [
                reverse("people:parental_responsibility_end", kwargs={**pk, "pr_id": r.pk})
                for r in person.parental_responsibility.filter(to_date__isnull=True)
            ]
    # Data protection: the schedule, a subject access search, and the child's request pages.
    urls += [reverse(f"dataprotection:{n}") for n in ("retention", "subject_search")]
    urls += [
        reverse(f"dataprotection:{n}", kwargs={"person_id": world["child"].pk})
        for n in ("subject_detail", "subject_json", "subject_pdf", "rectification_add")
    ]
    # Someone with no one else in their family: there is no one to relate them to.
    urls.append(reverse("people:relationship_add", kwargs={"person_id": world["alone"].pk}))
    # The demo puts requests in every area's queue; the hostile logins work in one area, so only
    # the requests one of them may open (the others are 404 to all, as they should be).
    from support_requests.selectors import requests_for

    openable = set()
    for login in ("practitioner", "team.leader", "business.support"):
        openable |= set(requests_for(world["users"][login]).values_list("pk", flat=True))
    for request in SupportRequest.objects.filter(pk__in=openable):
        kw = {"request_id": request.pk}
        urls += [
            reverse(f"support_requests:{n}", kwargs=kw)
            for n in ("detail", "triage", "safeguarding_stop")
        ]
        if request.requester_id:
            urls.append(reverse("support_requests:my_request", kwargs=kw))
    for each in Assessment.objects.all():
        kw = {"assessment_id": each.pk}
        if pending_stop(each):  # every other page of it redirects to the stop
            urls.append(reverse("assessments:safeguarding_stop", kwargs=kw))
            continue
        urls += [
            reverse(f"assessments:{n}", kwargs=kw)
            for n in (
                "detail",
                "safeguarding_stop",
                "submit",
                "sign_off",
                "new_version",
                "consultation",
                "refer",
                "pdf",
            )
        ]
        if each.status != Assessment.Status.DRAFT:
            continue  # a submitted assessment's answers are on its detail page; its sections redirect there
        for key, spec in SECTIONS_BY_KEY.items():
            if spec.per_child:
                urls += [
                    reverse("assessments:section", kwargs={**kw, "key": key, "child_id": c.pk})
                    for c in each.children.all()
                ]
            else:
                urls.append(reverse("assessments:section", kwargs={**kw, "key": key}))
    pm = {"panel_id": panel.pk, "meeting_id": meeting.pk}
    urls += [
        reverse("panel:panel_detail", kwargs={"panel_id": panel.pk}),
        *(
            reverse(f"panel:{n}", kwargs={"panel_id": panel.pk, "year": meeting.date.year})
            for n in ("panel_calendar_ics", "panel_calendar_csv")
        ),
        *(
            reverse(f"panel:{n}", kwargs=pm)
            for n in (
                "meeting_cancel",
                "meeting_move",
                "meeting_detail",
                "meeting_pack",
                "meeting_minutes",
            )
        ),
        *(
            reverse(f"panel:{n}", kwargs={**pm, "case_id": case.pk})
            for n in ("case_response", "case_decision")
        ),
        *(
            reverse("panel:closure_decide", kwargs={**pm, "closure_id": c.pk})
            for c in case.closures.all()
        ),
        *(
            reverse(f"panel:{n}", kwargs={"case_id": case.pk})
            for n in ("case_overview", "case_allocate", "case_extraordinary")
        ),
    ]
    kw = {"episode_id": episode.pk}
    urls += [
        reverse(f"casework:{n}", kwargs=kw)
        for n in (
            "episode_detail",
            "episode_stage",
            "episode_need_level",
            "episode_review_cadence",
            "episode_lead_professional",
            "episode_contact_new",
            "episode_taf_meeting_new",
            "episode_closure",
            "episode_step_up",
            "episode_step_down",
            "episode_oversight",
            "plan",
            "plan_contingency",
            "plan_outcome_add",
            "plan_review",
            "plan_family_copy",
        )
    ]
    for outcome in episode.plan.outcomes.all():
        okw = {**kw, "outcome_id": outcome.pk}
        urls += [
            reverse(f"casework:{n}", kwargs=okw)
            for n in ("plan_outcome_edit", "plan_outcome_remove", "plan_action_add")
        ]
        for action in outcome.actions.all():
            urls.append(reverse("casework:plan_action_edit", kwargs={**kw, "action_id": action.pk}))
    for child in episode.family.members.filter(role="child"):
        urls.append(
            reverse("casework:plan_child_copy", kwargs={**kw, "person_id": child.person_id})
        )
    # Outcomes: the episode's outcomes and progress, its forms, and its sustained check.
    from outcomes.models import OutcomeLink, OutcomeSustainedCheck

    urls.append(reverse("outcomes:episode", kwargs=kw))
    for outcome in episode.plan.outcomes.all():
        okw = {**kw, "plan_outcome_id": outcome.pk}
        urls += [reverse(f"outcomes:{n}", kwargs=okw) for n in ("link_add", "score_record")]
    for link in OutcomeLink.objects.filter(episode=episode, removed_at__isnull=True):
        urls.append(reverse("outcomes:link_remove", kwargs={**kw, "link_id": link.pk}))
    for check in OutcomeSustainedCheck.objects.filter(episode=episode):
        urls.append(reverse("outcomes:check", kwargs={"check_id": check.pk}))
        urls += [
            reverse(
                "outcomes:check_answer",
                kwargs={"check_id": check.pk, "plan_outcome_id": outcome.pk},
            )
            for outcome in episode.plan.outcomes.all()[:1]
        ]
    token = ApiToken.objects.get()
    urls += [
        reverse("accounts:api_tokens"),
        reverse("accounts:api_token_create"),
        reverse("accounts:api_tokens_all"),
        reverse("accounts:api_token_revoke", kwargs={"token_id": token.pk}),
        reverse("accounts:staff_list"),
        reverse("accounts:staff_create"),
        reverse("accounts:password_change"),
        reverse("accounts:team_list"),
        reverse("accounts:team_create"),
    ]
    staff = {"user_id": world["staff_account"].pk}
    urls += [
        reverse(f"accounts:staff_{n}", kwargs=staff)
        for n in (
            "detail",
            "change",
            "disable",
            "enable",
            "authenticator_reset",
            "temporary_password",
        )
    ]
    team = {"team_id": world["staff_account"].team_id}
    urls += [reverse(f"accounts:team_{n}", kwargs=team) for n in ("detail", "change", "managers")]
    # The public find support pages: the search (every active service) and an active and a closed
    # service's pages (searched from a postcode in _journeys).
    from directory.models import Service as DirectoryService
    from directory.models import ServiceStatus

    urls.append(reverse("directory:find_support"))
    for status in (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED):
        found = DirectoryService.objects.filter(status=status).order_by("name").first()
        urls.append(reverse("directory:find_support_service", kwargs={"id": found.pk}))
    # The directory's staff pages: the lists, the forms to add, and for one row of each part of a
    # service (its locations, opening times, contacts ...) the service's pages and the part's.
    from directory import models as directory_models
    from directory.services import PARTS

    urls += [
        reverse(f"directory:staff_{n}")
        for n in (
            "index",
            "service_add",
            "organizations",
            "organization_add",
            "terms",
            "term_add",
            "import",
        )
    ]
    for part, kind in PARTS.items():
        row = kind.model.objects.exclude(service=None).order_by("pk").first()
        if row is None:
            continue
        skw = {"service_id": row.service_id}
        pkw = {**skw, "part": part, "part_id": row.pk}
        urls += [
            reverse(f"directory:staff_{n}", kwargs=skw)
            for n in ("service", "service_change", "service_terms")
        ]
        urls += [
            reverse("directory:staff_part_add", kwargs={**skw, "part": part}),
            reverse("directory:staff_part_change", kwargs=pkw),
            reverse("directory:staff_part_remove", kwargs=pkw),
        ]
    # One address of a location and one phone of a contact: their add, change and remove pages.
    for sub, row in (
        ("address", directory_models.Address.objects.exclude(location=None).order_by("pk").first()),
        ("phone", directory_models.Phone.objects.exclude(contact=None).order_by("pk").first()),
    ):
        if sub == "address":
            owner = directory_models.ServiceAtLocation.objects.filter(location_id=row.location_id)
            part = "location"
        else:
            owner = directory_models.Contact.objects.filter(pk=row.contact_id)
            part = "contact"
        owner = owner.exclude(service=None).order_by("pk").first()
        kw = {"service_id": owner.service_id, "part": part, "part_id": owner.pk, "sub": sub}
        urls += [
            reverse("directory:staff_subpart_add", kwargs=kw),
            reverse("directory:staff_subpart_change", kwargs={**kw, "sub_id": row.pk}),
            reverse("directory:staff_subpart_remove", kwargs={**kw, "sub_id": row.pk}),
        ]
    for organization_id in directory_models.Organization.objects.values_list("pk", flat=True)[:2]:
        urls.append(
            reverse(
                "directory:staff_organization_change", kwargs={"organization_id": organization_id}
            )
        )
    for term_id in directory_models.TaxonomyTerm.objects.values_list("pk", flat=True)[:2]:
        urls.append(reverse("directory:staff_term_change", kwargs={"term_id": term_id}))
    # Children's centres: the reach table and its CSV, every centre, the population page, each
    # child with contacts (their notes), the forms for one child and ending one registration.
    from children_centres.models import CentreRegistration, ReachContact
    from core.models import Site

    urls += [reverse(f"children_centres:{n}") for n in ("index", "reach_csv", "population")]
    urls += [
        reverse("children_centres:centre", kwargs={"site_id": pk})
        for pk in Site.objects.filter(kind="childrens_centre").values_list("pk", flat=True)
    ]
    seen_ids = sorted(set(ReachContact.objects.values_list("child_id", flat=True)), key=str)[:3]
    urls += [reverse("children_centres:child", kwargs={"person_id": pk}) for pk in seen_ids]
    if seen_ids:
        urls += [
            reverse(f"children_centres:{n}", kwargs={"person_id": seen_ids[0]})
            for n in ("register", "contact_new")
        ]
    open_registration = CentreRegistration.objects.filter(ended_on__isnull=True).order_by("pk")
    urls += [
        reverse("children_centres:registration_end", kwargs={"registration_id": pk})
        for pk in open_registration.values_list("pk", flat=True)[:1]
    ]
    # Setting the panel up, last: sending its forms back removes a member of a seat.
    seat = panel.seats.filter(members__isnull=False).first()
    member = seat.members.first()
    urls += [
        reverse(f"panel:{n}", kwargs={"panel_id": panel.pk})
        for n in ("panel_seats", "panel_seat_add", "panel_chair", "panel_settings")
    ]
    urls.append(reverse("panel:panel_add"))
    # Moving a member (another than the one removed below) to another panel's seat, if any.
    urls.append(
        reverse(
            "panel:panel_seat_member_move",
            kwargs={"panel_id": panel.pk, "seat_id": seat.pk, "member_id": seat.members.last().pk},
        )
    )
    urls += [
        reverse(f"panel:{n}", kwargs={"panel_id": panel.pk, "seat_id": seat.pk})
        for n in ("panel_seat_remove", "panel_seat_member_add")
    ]
    urls.append(
        reverse(
            "panel:panel_seat_member_remove",
            kwargs={"panel_id": panel.pk, "seat_id": seat.pk, "member_id": member.pk},
        )
    )
    return list(dict.fromkeys(urls))


def _assert_escaped(response, where: str) -> None:
    if "html" not in response.get("Content-Type", ""):
        return
    body = response.content.decode()
    for raw in RAW:
        found = raw.search(body)
        assert found is None, (
            f"{where}: unescaped {body[max(0, found.start() - 300) : found.end() + 100]!r}"
        )
    # Escaped twice shows the reader "&lt;": what pre-escaping text for a label used to do.
    assert "&amp;lt;script&amp;gt;xss(" not in body, f"{where}: escaped twice"


def _typed(label: str) -> str:
    return _payload(f"typed:{label}", 0, None)


def _journeys(world, clients, check):
    """Text still being typed lives in the session: the public and practitioners' request journeys
    (filled in through their forms), the answers kept when a session ran out, and a search."""
    public = Client()
    area = world["family"].area.code
    answers = {
        "area": area,
        "relationship": "parent_carer",
        "location": _typed("location"),
        "children": [{"first_name": _typed("child"), "age": 7, "date_of_birth": ""}],
        "what_is_happening": _typed("what_is_happening"),
        "help_wanted": _typed("help_wanted"),
        "requester_name": _typed("requester_name"),
        "phone": _typed("phone"),
        "can_call": "yes",
        "can_leave_message": "yes",
        "email": _typed("email"),
        "safe_to_write": "no",
        "best_times": _typed("best_times"),
        "safety_notes": _typed("safety_notes"),
        "consent": "yes",
    }
    session = public.session
    session[journey.SESSION_KEY] = answers
    session.save()
    for name in (
        "ask_start",
        "ask_area",
        "ask_location",
        "ask_who",
        "ask_children",
        "ask_child_add",
        "ask_happening",
        "ask_help",
        "ask_name",
        "ask_contact",
        "ask_consent",
        "ask_check",
    ):
        check(public, reverse(f"support_requests:{name}"), "public")
    for name in ("ask_child_change", "ask_child_remove"):
        check(public, reverse(f"support_requests:{name}", kwargs={"number": 1}), "public")
    # Typed straight into the forms too, invalid where the form validates, so the error pages show it.
    for name, data in (
        ("ask_location", {"location": _typed("location")}),
        ("ask_child_add", {"first_name": _typed("first_name"), "age": _typed("age")}),
        ("ask_contact", {"phone": _typed("phone"), "email": _typed("email"), "can_call": "yes"}),
    ):
        response = public.post(reverse(f"support_requests:{name}"), data)
        _assert_escaped(response, f"POST {name}")
    # Sent (the phone number and email as their forms would have let them through).
    session = public.session
    session[journey.SESSION_KEY] = {
        **answers,
        "phone": "07700 900982",
        "email": "parent@example.org",
    }
    session.save()
    assert public.post(reverse("support_requests:ask_check")).status_code == 302
    check(public, reverse("support_requests:ask_sent"), "public")

    practitioner = clients["practitioner"]
    steps = [
        ("new_family", {"family": "none"}),
        (
            "new_children",
            {
                "child_1_name": _typed("child_1_name"),
                "child_1_age": "7",
                **{f"child_{i}_{k}": "" for i in range(2, 7) for k in ("name", "age")},
            },
        ),
        ("new_area", {"area": area}),
        ("new_route", {"route": "mash"}),
        (
            "new_happening",
            {
                "what_is_happening": _typed("what_is_happening"),
                "single_agency_support_tried": _typed("single_agency_support_tried"),
            },
        ),
        ("new_concern", {"concern": "no"}),
        ("new_consent", {"consent": "yes"}),
    ]
    for name, data in steps:
        response = practitioner.post(reverse(f"support_requests:{name}"), data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
    # The duty team's contact, shown on the page after a "yes" to the concerns question.
    practitioner.post(reverse("support_requests:new_concern"), {"concern": "yes"})
    check(practitioner, reverse("support_requests:new_duty_team"), "practitioner")
    practitioner.post(reverse("support_requests:new_concern"), {"concern": "no"})
    for name in (
        "new_start",
        "new_family",
        "new_children",
        "new_area",
        "new_route",
        "new_happening",
        "new_concern",
        "new_consent",
        "new_consent_needed",
        "new_check",
    ):
        check(practitioner, reverse(f"support_requests:{name}"), "practitioner")
    assert practitioner.post(reverse("support_requests:new_check")).status_code == 302
    check(practitioner, reverse("support_requests:new_sent"), "practitioner")

    # Search, by the names as they were before planting (the search keys are derived from them).
    first, last = world["child_name"]
    response = practitioner.post(
        reverse("people:search"),
        {
            "name": f"{first} {last}",
            "date_of_birth_0": "",
            "date_of_birth_1": "",
            "date_of_birth_2": "",
            "postcode": "",
        },
    )
    _assert_escaped(response, "search")
    if response.status_code == 302:
        check(practitioner, response["Location"], "practitioner")
    check(practitioner, reverse("people:person_new"), "practitioner")

    # Answers kept when the session ran out, offered back after signing in again.
    session = practitioner.session
    session[kept_answers.SESSION_KEY] = {
        "path": reverse("people:person_edit", kwargs={"person_id": world["child"].pk}),
        "fields": [["preferred_name", [_typed("kept")]], [_typed("kept name"), ["x"]]],
        "user_id": str(world["users"]["practitioner"].pk),
        "at": time.time(),
        "had_files": False,
    }
    session.save()
    check(practitioner, reverse("accounts:resume"), "practitioner")

    # A new API token's name, shown once with the token.
    response = practitioner.post(
        reverse("accounts:api_token_create"), {"name": _typed("token name"), "days": "30"}
    )
    assert response.status_code == 200
    _assert_escaped(response, "API token made")

    # A new staff account's names, shown once with its temporary password.
    team = world["users"]["practitioner"].team
    response = clients["admin"].post(
        reverse("accounts:staff_create"),
        {
            "first_name": _typed("staff first name"),
            "last_name": _typed("staff last name"),
            "username": "hostile.new.account",
            "email": "hostile@example.org",
            "agency": team.agency_id,
            "team": team.pk,
            "roles": ["practitioner"],
        },
    )
    assert response.status_code == 200
    assert "temporary_password" in response.context
    _assert_escaped(response, "staff account made")
    # A temporary password set for an account, shown once with its names.
    response = clients["admin"].post(
        reverse("accounts:staff_temporary_password", kwargs={"user_id": world["staff_account"].pk}),
        {"reason": _typed("temporary password reason")},
    )
    assert response.status_code == 200
    assert "temporary_password" in response.context
    _assert_escaped(response, "temporary password set")
    # A new team's name typed in, given back with the agency missing.
    response = clients["admin"].post(
        reverse("accounts:team_create"), {"name": _typed("team name"), "agency": ""}
    )
    assert response.status_code == 200
    _assert_escaped(response, "team added")
    # The staff search gives back the words searched for.
    response = clients["admin"].get(reverse("accounts:staff_list"), {"q": _typed("staff search")})
    assert response.status_code == 200
    _assert_escaped(response, "staff search")

    # The sign-in page gives back the username typed.
    check(Client(), reverse("accounts:login"), "nobody")
    response = Client().post(
        reverse("accounts:login"), {"username": _typed("username"), "password": "wrong"}
    )
    assert response.status_code == 200
    _assert_escaped(response, "sign in")

    # The public find support search from a demo postcode (distances shown), a service's page
    # from it, and the search typed into: every criterion comes back (escaped) with its error.
    search = reverse("directory:find_support")
    response = Client().get(search, {"postcode": "HD1 1AB", "distance": "25", "age": "5"})
    assert response.status_code == 200 and "miles" in response.content.decode()
    _assert_escaped(response, "find support search from a postcode")
    from directory.models import Service as DirectoryService

    for service_id, status in DirectoryService.objects.values_list("pk", "status"):
        url = reverse("directory:find_support_service", kwargs={"id": service_id})
        response = Client().get(url, {"postcode": "HD1 1AB"})
        # A defunct service is gone from the public pages; any other has its page.
        assert response.status_code == (404 if status == "defunct" else 200), (status, url)
        _assert_escaped(response, f"{url} from a postcode")
    typed = {k: _typed(k) for k in ("need", "age", "area", "postcode", "distance")}
    response = Client().get(search, typed)
    assert response.status_code == 400
    _assert_escaped(response, "find support search")


class _PostForms(HTMLParser):
    """A page's POST forms: their action and what a browser would send, typed fields filled with payloads."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "data": {}}
            self.forms.append(self._form)
        elif (
            self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name")
        ):
            name, kind = attrs["name"], attrs.get("type", "text") if tag == "input" else tag
            if kind in ("hidden", "radio", "checkbox"):
                self._form["data"].setdefault(name, attrs.get("value") or "")
            elif kind == "select":
                self._form["data"].setdefault(name, "")
            elif kind not in ("submit", "button"):
                self._form["data"][name] = _typed(f"posted:{name}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _post_hostile(client, url: str) -> bool:
    """Send the page's own form with payloads typed in: the page comes back with what was typed
    (and errors about it) or the answers are saved. Either way nothing is unescaped, nothing fails."""
    page = client.get(url)
    if "html" not in page.get("Content-Type", ""):
        return False
    parser = _PostForms()
    parser.feed(page.content.decode())
    form = next((f for f in parser.forms if f["action"] in ("", url)), None)
    if form is None:
        return False
    response = client.post(url, form["data"])
    assert response.status_code < 500, f"POST {url}: {response.status_code}"
    _assert_escaped(response, f"POST {url}")
    return True


def test_no_planted_text_reaches_a_page_unescaped(record_property):
    world = _build_world()
    planted = _plant()
    rendered: set[str] = set()
    clients = {login: sign_in_verified(Client(), world["users"][login]) for login in ROLES["core"]}
    unopened, visited = [], set()

    def seen(sender, template, context, **kwargs):
        rendered.add(template.name)

    def check(client, url, login):
        visited.add(resolve(url).view_name)
        response = client.get(url)
        _assert_escaped(response, f"{url} as {login}")
        return response.status_code

    template_rendered.connect(seen)
    try:
        opened, forms = set(), []
        for url in _pages(world):
            match = resolve(url)
            logins = ROLES[match.namespace]
            statuses = [check(clients[login], url, login) for login in logins]
            if 200 in statuses:
                opened.add(match.view_name)
                forms.append((url, logins[statuses.index(200)]))
            elif match.view_name not in ONE_STATE_ONLY:
                unopened.append((url, statuses))
        unopened += [(name, "never opened") for name in ONE_STATE_ONLY - opened]
        _journeys(world, clients, check)
        # Last, as the answers sent may change what the pages above show.
        posted = sum(_post_hostile(clients[login], url) for url, login in forms)
    finally:
        template_rendered.disconnect(seen)

    # The probe proves something only if the pages opened, every field was planted in rows that
    # exist, and every template was shown.
    assert posted >= 40, f"only {posted} forms found to send: has the form markup changed?"
    if unopened:
        pytest.fail(
            "Pages that opened for none of the roles:\n"
            + "\n".join(f"{u} {s}" for u, s in unopened)
        )
    fields = {_label(m, f): f for m in _project_models() for f in _text_fields(m)}
    assert set(NOT_USER_TEXT) <= set(fields), set(NOT_USER_TEXT) - set(fields)
    assert {label for label, f in fields.items() if not f.choices} - set(NOT_USER_TEXT) == planted
    empty = {
        label for label in planted if not apps.get_model(label.rsplit(".", 1)[0]).objects.exists()
    }
    assert empty == set(), "planted in tables with no rows, so never shown"
    assert set(NO_USER_TEXT) <= _project_templates(), set(NO_USER_TEXT) - _project_templates()
    assert _project_templates() - rendered - set(NO_USER_TEXT) == set()
    assert set(NO_USER_TEXT) & rendered == set(), "rendered after all: take them off NO_USER_TEXT"
    assert set(NOT_OPENED) <= _route_names(), set(NOT_OPENED) - _route_names()
    assert _route_names() - visited - set(NOT_OPENED) == set()
    assert set(NOT_OPENED) & visited == set(), "opened after all: take them off NOT_OPENED"
    # The page where the hole was found: a plan outcome's words in a legend, a child's name in a label.
    assert "casework:plan_review" in opened
    record_property(
        "probe_summary",
        f"hostile text: {len(planted)} text fields planted; {len(visited)} routes opened as "
        f"{len(clients)} roles; {len(rendered & _project_templates())} of {len(_project_templates())} "
        f"templates rendered ({len(NO_USER_TEXT)} listed as showing no user text); {posted} forms "
        "posted back with payloads; 0 unescaped",
    )


# ------------------------------------------------------------------ the form templates (ADR 0009)

# A label, legend, hint, choice or error printed with |safe: text that may come from a record.
UNSAFE_TEXT = re.compile(
    r"\{\{\s*(?:field\.label|legend|[\w.]*help_text|[\w.]*hint|[\w.]*error\w*|choice\.\d)\s*\|[^}]*\bsafe\b"
)


def test_every_pack_template_printing_text_unescaped_is_overridden_by_one_that_escapes():
    import crispy_forms_gds
    from django.template.loader import get_template

    pack = Path(crispy_forms_gds.__file__).parent / "templates"
    ours = Path(settings.BASE_DIR) / "templates"
    unsafe = sorted(
        str(p.relative_to(pack)) for p in pack.rglob("*.html") if UNSAFE_TEXT.search(p.read_text())
    )
    assert unsafe  # the pattern still finds the pack's |safe; if not, check the pack changed
    for name in unsafe:
        assert Path(get_template(name).origin.name) == ours / name, f"{name} is not overridden"
        assert not UNSAFE_TEXT.search((ours / name).read_text()), (
            f"{name} still prints text with |safe"
        )


def test_labels_legends_and_hints_are_escaped_and_only_developer_markup_passes():
    from crispy_forms.helper import FormHelper
    from crispy_forms_gds.layout import Field, Fieldset, Layout
    from django import forms
    from django.template import Context, Template
    from django.utils.html import format_html

    class Hostile(forms.Form):
        text = forms.CharField(
            label='<script>xss("label")</script>', help_text='"><img src=x onerror=xss(1)>'
        )
        radios = forms.ChoiceField(
            label="<b>legend</b>", choices=[("a", "<i>choice</i>")], widget=forms.RadioSelect
        )
        ticks = forms.MultipleChoiceField(
            label="<u>ticks</u>", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
        )
        marked = forms.CharField(
            label=format_html('Name <span class="govuk-visually-hidden">{}</span>', "<s>x</s>")
        )

    form = Hostile()
    form.helper = FormHelper()
    form.helper.layout = Layout(
        Fieldset(Field.text("text"), legend="<em>fieldset</em>"),
        Field.radios("radios"),
        Field.checkboxes("ticks"),
        Field.text("marked"),
    )
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))

    for raw in (
        '<script>xss("label")</script>',
        "<img src=x",
        "<b>legend</b>",
        "<i>choice</i>",
        "<u>ticks</u>",
        "<em>fieldset</em>",
        "<s>x</s>",
    ):
        assert raw not in html
    assert "&lt;script&gt;xss(&quot;label&quot;)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=xss(1)&gt;" in html
    assert "&lt;em&gt;fieldset&lt;/em&gt;" in html and "&lt;b&gt;legend&lt;/b&gt;" in html
    assert (
        'Name <span class="govuk-visually-hidden">&lt;s&gt;x&lt;/s&gt;</span>' in html
    )  # format_html: kept
    assert "&amp;lt;" not in html
