"""The family plan services: who may change it, history and audit, versions, and the review cadence."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import AssessmentSection
from casework import plans
from casework.models import EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome, PlanReview
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core import clock
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import EarlySupportAgencyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead, started_on=clock.today() - timedelta(days=10))


@pytest.fixture
def plan(episode):
    return make_plan(episode=episode)


def _users(team):
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    es_leader = UserFactory(
        team=None, agency=EarlySupportAgencyFactory(), roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )
    colleague = UserFactory(team=team, roles=[Role.PRACTITIONER])
    business = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    return {
        "manager": manager,
        "es_leader": es_leader,
        "colleague": colleague,
        "business": business,
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("lead", True),
        ("manager", True),
        ("es_leader", True),
        ("colleague", False),
        ("business", False),
    ],
)
def test_only_lead_manager_or_early_support_change_the_plan(who, allowed, team, lead, plan):
    actor = lead if who == "lead" else _users(team)[who]
    call = lambda: plans.plan_outcome_add(  # noqa: E731
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        need="Low attendance",
        outcome_family_words="Go to school",
    )
    if allowed:
        call()
        assert plan.outcomes.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert plan.outcomes.count() == 0
        assert not EpisodeHistory.objects.filter(change=EpisodeHistory.Change.PLAN).exists()


def _plan_history(episode):
    return list(
        EpisodeHistory.objects.filter(
            episode=episode, change=EpisodeHistory.Change.PLAN
        ).values_list("to_value", flat=True)
    )


def test_every_change_leaves_a_history_row_and_an_audit_event(lead, episode):
    today = clock.today()
    plan = plans.plan_start(actor=lead, episode=episode, contingency="Talk to the panel")
    outcome = plans.plan_outcome_add(
        actor=lead, plan=plan, expected_version=plan.version, need="N", outcome_family_words="F"
    )
    plans.plan_outcome_update(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        changes={"outcome_practitioner_words": "P"},
    )
    action = plans.plan_action_add(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        what="W",
        who="Mum",
        by_when=today,
    )
    plans.plan_action_update(
        actor=lead, action=action, expected_version=plan.version, changes={"who": "Dad"}
    )
    plans.plan_action_complete(actor=lead, action=action, expected_version=plan.version)
    plans.plan_update_contingency(
        actor=lead, plan=plan, expected_version=plan.version, contingency="Step up"
    )
    plans.plan_outcome_remove(
        actor=lead, outcome=outcome, expected_version=plan.version, reason="Merged"
    )
    assert _plan_history(episode) == [
        "plan started",
        "outcome added",
        "outcome changed",
        "action added",
        "action changed",
        "action done",
        "contingency plan changed",
        "outcome removed",
    ]
    assert plan.version == 8
    events = AuditEvent.objects.filter(record_type__startswith="casework.")
    assert events.count() == 8
    # Field names only, never what was written.
    assert "Step up" not in str(list(events.values_list("detail", flat=True)))


def test_stale_version_is_refused(lead, plan):
    plans.plan_outcome_add(
        actor=lead, plan=plan, expected_version=1, need="N", outcome_family_words="F"
    )
    with pytest.raises(StaleVersionError):
        plans.plan_update_contingency(
            actor=lead, plan=FamilyPlan.objects.get(pk=plan.pk), expected_version=1, contingency="X"
        )
    assert FamilyPlan.objects.get(pk=plan.pk).contingency == ""


def test_closed_episode_plan_cannot_change(lead, episode, plan):
    episode.status, episode.ended_on = "closed", clock.today()
    episode.save()
    with pytest.raises(ConflictError) as refused:
        plans.plan_update_contingency(
            actor=lead, plan=plan, expected_version=plan.version, contingency="X"
        )
    assert refused.value.messages == ["This episode is closed. Its plan can no longer be changed."]


def test_one_plan_per_episode(lead, episode):
    plans.plan_start(actor=lead, episode=episode)
    with pytest.raises(ValidationError):
        plans.plan_start(actor=lead, episode=episode)


def test_outcome_needs_the_familys_words(lead, plan):
    with pytest.raises(ValidationError) as error:
        plans.plan_outcome_add(
            actor=lead, plan=plan, expected_version=1, need="N", outcome_family_words=" "
        )
    assert "outcome_family_words" in error.value.message_dict


def test_first_review_due_six_weeks_after_start_by_default(lead, episode):
    plans.plan_start(actor=lead, episode=episode)
    review = plans.next_review(episode)
    assert review.due_on == episode.started_on + timedelta(weeks=6)


def test_review_cadence_is_configurable_per_episode(lead):
    episode = make_episode(lead_professional=lead, review_every_weeks=4)
    plans.plan_start(actor=lead, episode=episode)
    assert plans.next_review(episode).due_on == episode.started_on + timedelta(weeks=4)


def test_late_review_is_overdue_until_recorded_then_the_next_is_scheduled(lead, team):
    today = clock.today()
    episode = make_episode(lead_professional=lead, started_on=today - timedelta(weeks=8))
    plan = plans.plan_start(actor=lead, episode=episode)
    outcome = plans.plan_outcome_add(
        actor=lead, plan=plan, expected_version=plan.version, need="N", outcome_family_words="F"
    )
    action = plans.plan_action_add(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        what="W",
        who="Mum",
        by_when=today,
    )
    review = plans.next_review(episode)
    assert list(plans.overdue_reviews(episode, today)) == [review]
    child = episode.family.members.filter(role="child").first().person
    plans.review_record(
        actor=lead,
        review=review,
        held_on=today,
        family_views="Going better",
        children_views={str(child.pk): "I like school now"},
        progress={outcome.pk: PlanOutcome.Progress.GOOD},
        action_status={action.pk: PlanAction.Status.DONE},
        progress_notes="Good",
        what_changes="Nothing",
    )
    assert list(plans.overdue_reviews(episode, today)) == []
    outcome.refresh_from_db()
    action.refresh_from_db()
    assert outcome.progress == "good" and action.status == "done" and action.done_on == today
    upcoming = plans.next_review(episode)
    assert upcoming.due_on == today + timedelta(weeks=6)
    assert PlanReview.objects.filter(episode=episode).count() == 2
    assert _plan_history(episode)[-1] == "review recorded"
    assert (
        AuditEvent.objects.filter(record_type="casework.planreview", action="update").count() == 1
    )


def test_each_review_keeps_the_progress_it_recorded(lead, plan, episode):
    """The outcome holds its latest progress; each review keeps what it recorded, so a later
    review leaves an earlier one's as it was."""
    today = clock.today()
    first, second = make_outcome(plan=plan), make_outcome(plan=plan, position=2)
    review = plans.reviews_schedule(episode)
    plans.review_record(
        actor=lead,
        review=review,
        held_on=today - timedelta(days=14),
        progress={first.pk: PlanOutcome.Progress.SOME},
    )
    later = plans.next_review(episode)
    plans.review_record(
        actor=lead,
        review=later,
        held_on=today,
        progress={first.pk: PlanOutcome.Progress.GOOD, second.pk: PlanOutcome.Progress.SOME},
    )
    held = PlanReview.objects.filter(episode=episode, held_on__isnull=False)
    kept = dict(held.values_list("pk", "progress"))
    assert kept == {
        review.pk: {str(first.pk): "some", str(second.pk): "not_started"},
        later.pk: {str(first.pk): "good", str(second.pk): "some"},
    }
    first.refresh_from_db()
    assert first.progress == PlanOutcome.Progress.GOOD


def test_review_refuses_views_for_someone_outside_the_family(lead, plan, episode):
    review = plans.reviews_schedule(episode)
    other = make_episode(lead_professional=lead).family.members.filter(role="child").first().person
    with pytest.raises(ValidationError):
        plans.review_record(
            actor=lead,
            review=review,
            held_on=clock.today(),
            children_views={str(other.pk): "x"},
        )


def test_review_refused_to_colleague(team, lead, plan, episode):
    review = plans.reviews_schedule(episode)
    with pytest.raises(PermissionDenied):
        plans.review_record(actor=_users(team)["colleague"], review=review, held_on=clock.today())


def test_overdue_actions_are_listed(lead, plan):
    today = clock.today()
    outcome = make_outcome(plan=plan)
    late = make_action(outcome=outcome, by_when=today - timedelta(days=1))
    make_action(outcome=outcome, by_when=today + timedelta(days=3))
    make_action(
        outcome=outcome,
        by_when=today - timedelta(days=5),
        status=PlanAction.Status.DONE,
        done_on=today,
    )
    assert list(plans.overdue_actions(plan.episode, today)) == [late]
    assert list(plans.overdue_for(lead, today)["actions"]) == [late]


def test_overdue_visible_to_the_manager(team, lead, plan):
    manager = _users(team)["manager"]
    late = make_action(outcome=make_outcome(plan=plan), by_when=clock.today() - timedelta(days=1))
    assert list(plans.overdue_for(manager)["actions"]) == [late]


def test_suggested_needs_come_from_the_assessment_and_are_not_created(lead, episode):
    from assessments.tests.factories import AssessmentFactory

    assessment = AssessmentFactory(family=episode.family)
    AssessmentSection.objects.create(
        assessment=assessment,
        key="analysis",
        answers={"recommendations": "Improve routines"},
        updated_by=lead,
    )
    AssessmentSection.objects.create(
        assessment=assessment, key="risks", answers={"risks": "Missed school"}, updated_by=lead
    )
    episode.assessment = assessment
    episode.save()
    texts = [s["text"] for s in plans.suggested_needs(episode)]
    assert texts == ["Improve routines", "Missed school"]
    assert not PlanOutcome.objects.exists()


def _snapshot(episode):
    """Everything a plan service could write: refusing must leave all of it as it was."""
    plan = FamilyPlan.objects.filter(episode=episode).first()
    return {
        "plans": list(
            FamilyPlan.objects.filter(episode=episode).values_list("pk", "version", "contingency")
        ),
        "outcomes": list(PlanOutcome.objects.filter(plan__episode=episode).values()),
        "actions": list(PlanAction.objects.filter(outcome__plan__episode=episode).values()),
        "reviews": list(PlanReview.objects.filter(episode=episode).values()),
        "history": EpisodeHistory.objects.filter(episode=episode).count(),
        "audit": AuditEvent.objects.filter(record_type__startswith="casework.").count(),
        "version": plan.version if plan else None,
    }


# Every service that changes a plan, called with arguments that would succeed for the lead professional.
PLAN_WRITES = {
    "plan_start": lambda actor, ep, plan, outcome, action, review: plans.plan_start(
        actor=actor, episode=ep, contingency="x"
    ),
    "plan_update_contingency": lambda actor, ep, plan, outcome, action, review: (
        plans.plan_update_contingency(
            actor=actor, plan=plan, expected_version=plan.version, contingency="Call Gran"
        )
    ),
    "plan_outcome_add": lambda actor, ep, plan, outcome, action, review: plans.plan_outcome_add(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        need="Low attendance",
        outcome_family_words="Go to school",
    ),
    "plan_outcome_update": lambda actor, ep, plan, outcome, action, review: (
        plans.plan_outcome_update(
            actor=actor, outcome=outcome, expected_version=plan.version, changes={"need": "Sleep"}
        )
    ),
    "plan_outcome_remove": lambda actor, ep, plan, outcome, action, review: (
        plans.plan_outcome_remove(
            actor=actor, outcome=outcome, expected_version=plan.version, reason="Met"
        )
    ),
    "plan_action_add": lambda actor, ep, plan, outcome, action, review: plans.plan_action_add(
        actor=actor,
        outcome=outcome,
        expected_version=plan.version,
        what="Chart",
        who="Mum",
        by_when=clock.today(),
    ),
    "plan_action_update": lambda actor, ep, plan, outcome, action, review: plans.plan_action_update(
        actor=actor, action=action, expected_version=plan.version, changes={"who": "Dad"}
    ),
    "plan_action_complete": lambda actor, ep, plan, outcome, action, review: (
        plans.plan_action_complete(actor=actor, action=action, expected_version=plan.version)
    ),
    "review_record": lambda actor, ep, plan, outcome, action, review: plans.review_record(
        actor=actor, review=review, held_on=clock.today(), family_views="Going well"
    ),
}


@pytest.mark.parametrize("who", ["colleague", "business"])
@pytest.mark.parametrize("service", sorted(PLAN_WRITES))
def test_every_plan_service_refuses_a_colleague_and_business_support_and_writes_nothing(
    service, who, team, lead
):
    from people.selectors import families_for

    episode = make_episode(lead_professional=lead, started_on=clock.today() - timedelta(days=10))
    plan = None if service == "plan_start" else plans.plan_start(actor=lead, episode=episode)
    outcome = make_outcome(plan=plan) if plan else None
    action = make_action(outcome=outcome) if outcome else None
    review = plans.next_review(episode)
    actor = _users(team)[who]
    assert (
        families_for(actor).filter(pk=episode.family_id).exists()
    )  # the refusal is about changing, not seeing
    before = _snapshot(episode)

    with pytest.raises(PermissionDenied) as refused:
        PLAN_WRITES[service](actor, episode, plan, outcome, action, review)

    assert (
        str(refused.value)
        == "Only the lead professional, their manager or the early support service can change the plan"
    )
    assert _snapshot(episode) == before


@pytest.mark.parametrize("service", sorted(PLAN_WRITES))
def test_every_plan_service_lets_the_lead_professional_write(service, team, lead):
    """The refusal test's arguments are good ones: the same call by the lead professional writes."""
    episode = make_episode(lead_professional=lead, started_on=clock.today() - timedelta(days=10))
    plan = None if service == "plan_start" else plans.plan_start(actor=lead, episode=episode)
    outcome = make_outcome(plan=plan) if plan else None
    action = make_action(outcome=outcome) if outcome else None
    review = plans.next_review(episode)
    before = _snapshot(episode)

    PLAN_WRITES[service](lead, episode, plan, outcome, action, review)

    assert _snapshot(episode) != before
