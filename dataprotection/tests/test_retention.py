"""The retention job on fixed dates: just inside the period is kept, past it is anonymised or
deleted, an open case or a legal hold keeps everything, the audit trail survives, and a second
run on the same day does nothing more."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from accounts.tests.factories import PractitionerFactory
from casework.models import Contact, Episode, PlanReview
from casework.tests.factories import ContactFactory, EpisodeOversightFactory
from casework.tests.factories_plans import make_episode
from children_centres.tests.factories import CentreRegistrationFactory, ReachContactFactory
from consultancy.tests.factories import (
    ConsultancyRequestFactory,
    ConsultancyRequestHistoryFactory,
)
from core import schedule
from core.models import AuditEvent, OutboundMessage
from dataprotection.models import RecordType, RetentionApplied, RetentionRun
from dataprotection.retention import NAME, PHRASE
from dataprotection.services import retention_apply
from dataprotection.tests.factories import KeepRuleFactory, LegalHoldFactory, RetentionRuleFactory
from neglect.tests.factories import (
    NeglectConcernFactory,
    NeglectConcernHistoryFactory,
    NeglectObservationFactory,
)
from offer.models import Referral
from offer.tests.factories import (
    EnrolmentFactory,
    ImpactMeasureFactory,
    ReferralFactory,
    ReferralHistoryFactory,
)
from outcomes.tests.factories import OutcomeLinkFactory, OutcomeScoreFactory, plan_outcome_for
from oversight.tests.factories import (
    EscalationFactory,
    EscalationHistoryFactory,
    SupervisionCaseFactory,
    SupervisionFactory,
)
from patterns.tests.factories import (
    DisguisedComplianceHistoryFactory,
    DisguisedComplianceRecordFactory,
)
from people.models import Person
from people.tests.factories import (
    AdultFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    PersonNameFactory,
)
from radar.tests.factories import RadarFlagFactory, RadarFlagHistoryFactory
from risk_factors.tests.factories import (
    FactorReviewFactory,
    FactorReviewItemFactory,
    RiskFactorFactory,
)
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestFactory, SupportRequestHistoryFactory

pytestmark = pytest.mark.django_db

MADE = datetime(2018, 1, 10, 12, 0, tzinfo=UTC)
ENDED = date(2019, 3, 1)  # six years later: 1 March 2025
INSIDE = date(2025, 2, 28)
PAST = date(2025, 3, 1)


def _case(*, open_episode: bool = False, born=date(2010, 6, 15)):
    """A family (one child, one adult) whose episode ran in 2018 and ended on 1 March 2019."""
    with time_machine.travel(MADE, tick=False):
        worker = PractitionerFactory()
        family = FamilyFactory(team=worker.team)
        child = PersonFactory(date_of_birth=born)
        FamilyMemberFactory(family=family, person=child)
        FamilyMemberFactory(family=family, person=AdultFactory(), role="parent_carer")
        episode = make_episode(
            lead_professional=worker, family=family, started_on=date(2018, 1, 10)
        )
        if not open_episode:
            Episode.objects.filter(pk=episode.pk).update(
                status=Episode.Status.CLOSED, ended_on=ENDED, end_reason="needs_met"
            )
        contact = ContactFactory(episode=episode, notes="Saw the children at home.")
    return family, child, episode, contact


@pytest.fixture
def schedule_rules():
    for record_type in (RecordType.CASEWORK, RecordType.SUPPORT_REQUESTS, RecordType.CONSENT):
        RetentionRuleFactory(record_type=record_type)
    RetentionRuleFactory(
        record_type=RecordType.PEOPLE, after="youngest_child_born", years=25, action="anonymise"
    )
    RetentionRuleFactory(record_type=RecordType.MESSAGES, after="created", years=2, action="delete")
    KeepRuleFactory()


def test_a_record_just_inside_its_period_is_kept(schedule_rules):
    _, _, _, contact = _case()
    run = retention_apply(today=INSIDE)
    contact.refresh_from_db()
    assert contact.notes == "Saw the children at home."
    assert run.summary == {}


def test_a_record_past_its_period_is_anonymised_and_counted(schedule_rules):
    _, _, episode, contact = _case()
    run = retention_apply(today=PAST)
    contact.refresh_from_db()
    assert contact.notes == PHRASE
    assert run.summary["casework"] == {"anonymise": 1}
    assert RetentionApplied.objects.filter(record_key=f"casework.episode:{episode.pk}").count() == 1
    # The report holds counts only, and the run is itself in the audit trail.
    event = AuditEvent.objects.get(record_type="dataprotection.retentionrun", record_id=str(run.pk))
    assert event.detail["retention"] == run.summary


def test_an_open_episode_keeps_the_family_records_whatever_their_age(schedule_rules):
    _, _, _, contact = _case(open_episode=True)
    run = retention_apply(today=date(2040, 1, 1))
    contact.refresh_from_db()
    assert contact.notes == "Saw the children at home."
    assert run.summary["casework"] == {"kept_open_case": 1}


def test_a_legal_hold_keeps_the_family_records(schedule_rules):
    family, _, _, contact = _case()
    LegalHoldFactory(family=family)
    run = retention_apply(today=PAST)
    contact.refresh_from_db()
    assert contact.notes == "Saw the children at home."
    assert run.summary["casework"] == {"kept_legal_hold": 1}


def test_the_audit_trail_survives_the_job(schedule_rules):
    _case()
    with time_machine.travel(MADE, tick=False):
        OutboundMessage.objects.create(
            to="parent@example.org", template="t", reference="R", status="sent"
        )
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    retention_apply(today=PAST)
    assert before <= set(AuditEvent.objects.values_list("pk", flat=True))
    assert OutboundMessage.objects.count() == 0


def test_running_twice_the_same_day_does_nothing_more(schedule_rules):
    _case()
    first = retention_apply(today=PAST)
    applied = RetentionApplied.objects.count()
    audit = AuditEvent.objects.count()
    again = retention_apply(today=PAST)
    assert again.pk == first.pk
    assert RetentionApplied.objects.count() == applied
    assert AuditEvent.objects.count() == audit
    # And the next day finds nothing new to do.
    next_day = retention_apply(today=date(2025, 3, 2))
    assert next_day.summary == {}
    assert RetentionApplied.objects.count() == applied


def _text(row, *fields):
    row.refresh_from_db()
    return [getattr(row, name) for name in fields]


def test_what_other_apps_wrote_about_an_episode_goes_with_it(schedule_rules):
    _, _, episode, contact = _case()
    with time_machine.travel(MADE, tick=False):
        oversight = EpisodeOversightFactory(episode=episode)
        compliance = DisguisedComplianceRecordFactory(
            episode=episode, contact=contact, withdrawn=True
        )
        compliance_history = DisguisedComplianceHistoryFactory(record=compliance, reason="Wrong")
        discussed = SupervisionCaseFactory(
            episode=episode, supervision=SupervisionFactory(worker=episode.lead_professional)
        )
        escalation = EscalationFactory(episode=episode, resolved=True)
        escalation_history = EscalationHistoryFactory(
            escalation=escalation, to_whom="Head teacher", note="Phoned"
        )
        flag = RadarFlagFactory(episode=episode, cleared=True, acknowledged_note="Seen today")
        flag_history = RadarFlagHistoryFactory(flag=flag, note="Seen today")
        plan_outcome = plan_outcome_for(episode)
        score = OutcomeScoreFactory(plan_outcome=plan_outcome, correction_reason="Typo")
        link = OutcomeLinkFactory(plan_outcome=plan_outcome, removed_reason="Wrong framework")
    facts = dict(flag.facts)

    retention_apply(today=INSIDE)
    assert _text(oversight, "text") == ["Reviewed the plan with the lead professional"]
    assert _text(flag, "acknowledged_note") == ["Seen today"]

    retention_apply(today=PAST)
    assert _text(oversight, "text") == [PHRASE]
    assert (
        _text(compliance, "agreed", "not_done", "family_says", "evidence", "withdrawn_reason")
        == [PHRASE] * 5
    )
    assert _text(compliance_history, "reason") == [PHRASE]
    assert _text(discussed, "discussion", "decisions") == [PHRASE, PHRASE]
    # The supervision itself is the worker's record, not the family's.
    assert _text(discussed.supervision, "reflections") == ["Reflected on the family’s engagement"]
    assert _text(escalation, "to_whom", "concern", "outcome") == [NAME, PHRASE, PHRASE]
    assert _text(escalation_history, "to_whom", "note") == [NAME, PHRASE]
    assert _text(flag, "acknowledged_note", "facts") == [PHRASE, facts]
    assert _text(flag_history, "note") == [PHRASE]
    assert _text(score, "evidence_what", "evidence_source", "correction_reason", "score") == [
        PHRASE,
        NAME,
        PHRASE,
        3,
    ]
    assert _text(link, "removed_reason") == [PHRASE]


def test_neglect_and_risk_factors_go_with_the_familys_people(schedule_rules):
    family, child, episode, _ = _case(born=date(2000, 6, 15))
    with time_machine.travel(MADE, tick=False):
        concern = NeglectConcernFactory(family=family, child=child, end_note="Much better")
        seen = NeglectObservationFactory(concern=concern)
        concern_history = NeglectConcernHistoryFactory(concern=concern, reason="At the review")
        factor = RiskFactorFactory(family=family)
        held = PlanReview.objects.create(
            episode=episode, due_on=date(2018, 3, 1), held_on=date(2018, 3, 1)
        )
        review = FactorReviewFactory(family=family, plan_review=held)
        item = FactorReviewItemFactory(review=review, risk_factor=factor)
        flag = RadarFlagFactory(
            episode=None, family=family, child=child, acknowledged_note="Seen today"
        )

    retention_apply(today=date(2025, 6, 14))  # the youngest child is 24
    assert _text(concern, "lived_experience") == [
        "Often arrives at school hungry and in the same clothes."
    ]

    retention_apply(today=date(2025, 6, 15))
    assert _text(concern, "lived_experience", "end_note") == [PHRASE, PHRASE]
    assert _text(seen, "seen", "seen_by") == [PHRASE, NAME]
    assert _text(concern_history, "reason") == [PHRASE]
    assert _text(factor, "source_detail") == [PHRASE]
    assert [h.reason for h in factor.history.all()] == [PHRASE]
    assert _text(item, "what_changed") == [PHRASE]
    assert _text(flag, "acknowledged_note") == [PHRASE]


def test_people_are_anonymised_when_the_youngest_child_reaches_25(schedule_rules):
    family, child, _, _ = _case(born=date(2000, 6, 15))
    PersonNameFactory(person=child)
    retention_apply(today=date(2025, 6, 14))
    child.refresh_from_db()
    assert child.last_name != NAME
    run = retention_apply(today=date(2025, 6, 15))
    child.refresh_from_db()
    family.refresh_from_db()
    assert (child.first_name, child.last_name, child.date_of_birth) == ("", NAME, date(2000, 1, 1))
    assert child.other_names.count() == 0
    assert family.name == NAME
    assert run.summary["people"] == {"anonymise": 2, "families_anonymised": 1}
    assert Person.objects.filter(last_name=NAME).count() == 2


def test_a_finished_request_without_a_family_is_anonymised_six_years_after_it_ended(
    schedule_rules,
):
    with time_machine.travel(MADE, tick=False):
        request = SupportRequestFactory(status=SupportRequest.Status.SIGNPOSTED)
        SupportRequestHistoryFactory(
            support_request=request, reason="Signposted to a parenting course"
        )
        waiting = SupportRequestFactory()
        signpost = ReferralFactory(
            without_family=True,
            source_id=str(request.pk),
            uptake_note="Went to the drop-in",
            status=Referral.Status.TAKEN_UP,
        )
        ReferralHistoryFactory(referral=signpost, reason="Went to the drop-in")
        other_signpost = ReferralFactory(without_family=True, source_id=str(waiting.pk))
    retention_apply(today=date(2024, 1, 9))
    request.refresh_from_db()
    assert request.requester_phone == "07700 900982"
    run = retention_apply(today=date(2024, 1, 10))
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert (request.requester_name, request.requester_phone, request.what_is_happening) == (
        NAME,
        "",
        PHRASE,
    )
    assert request.history.get().reason == PHRASE
    assert waiting.what_is_happening != PHRASE
    assert run.summary["support_requests"] == {"anonymise": 1}
    # The request's signpost (no family record) goes with it; another request's stays.
    assert _text(signpost, "handover_to", "reason", "uptake_note") == [NAME, PHRASE, PHRASE]
    assert [h.reason for h in signpost.history.all()] == [PHRASE]
    assert _text(other_signpost, "reason") == ["Conflict at home about behaviour"]


def test_a_record_type_the_schedule_keeps_is_never_touched():
    KeepRuleFactory(record_type=RecordType.CASEWORK)
    _, _, _, contact = _case()
    retention_apply(today=date(2060, 1, 1))
    contact.refresh_from_db()
    assert contact.notes == "Saw the children at home."


def test_the_daily_job_is_registered_and_runs_for_its_day(schedule_rules):
    _, _, _, contact = _case()
    job = schedule.job("dataprotection.retention")
    assert (job.every, job.at.hour) == ("day", 2)
    counts = job.run(datetime(2025, 3, 1, 2, 0, tzinfo=UTC))
    assert counts["casework_anonymise"] == 1
    assert RetentionRun.objects.get().ran_for == PAST
    assert Contact.objects.get(pk=contact.pk).notes == PHRASE


def test_the_kirklees_schedule_runs_over_the_demo_world_far_in_the_future():
    """Every record type's rewrite on realistic data: nothing fails (constraints, lengths), the
    families still open are kept, and the audit trail is untouched."""
    from pathlib import Path

    from django.conf import settings

    from core.council_pack import load_council_pack
    from demo.generator import seed_demo

    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=12, seed=2026)
    audit = AuditEvent.objects.count()
    run = retention_apply(today=date(2090, 1, 1))
    assert AuditEvent.objects.count() == audit + 1
    assert "audit" not in run.summary
    open_families = Episode.objects.filter(status="open").values_list("family_id", flat=True)
    assert not Person.objects.filter(
        family_memberships__family_id__in=list(open_families), last_name=NAME
    ).exists()
    assert Person.objects.filter(last_name=NAME).exists()


def test_the_offer_consultancy_and_childrens_centre_records_go_with_the_familys_people(
    schedule_rules,
):
    family, child, _, _ = _case(born=date(2000, 6, 15))
    with time_machine.travel(MADE, tick=False):
        referral = ReferralFactory(
            family=family,
            people=[child],
            enrolled=True,
            uptake_note="Went twice",
            handover_to="Sam at the school",
        )
        referral_history = ReferralHistoryFactory(referral=referral, reason="Place offered")
        enrolment = EnrolmentFactory(
            referral=referral, person=child, group__programme=referral.programme
        )
        impact = ImpactMeasureFactory(enrolment=enrolment)
        request = ConsultancyRequestFactory(family=family, completed=True)
        request_history = ConsultancyRequestHistoryFactory(request=request, note="Phoned")
        about_no_family = ConsultancyRequestFactory()
        registration = CentreRegistrationFactory(child=child)
        contact = ReachContactFactory(child=child)

    retention_apply(today=date(2025, 6, 14))  # the youngest child is 24
    assert _text(referral, "reason") == ["Conflict at home about behaviour"]
    assert _text(contact, "note") == ["Came with her grandmother"]

    retention_apply(today=date(2025, 6, 15))
    assert _text(referral, "handover_to", "reason", "uptake_note") == [NAME, PHRASE, PHRASE]
    assert _text(referral_history, "reason") == [PHRASE]
    assert _text(impact, "note") == [PHRASE]
    assert (
        _text(request, "help_wanted", "preferred_dates", "what_was_done", "outcome_note")
        == [PHRASE] * 4
    )
    assert _text(request_history, "note") == [PHRASE]
    assert _text(about_no_family, "help_wanted") == ["Advice on a teenager’s school refusal"]
    assert _text(contact, "note") == [PHRASE]
    assert _text(registration, "registered_on") == [date(2025, 6, 1)]
