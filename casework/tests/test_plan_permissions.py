"""Each of the family plan's services checks who may change the plan itself, whatever the page or
the API asked first: a role that may not is refused with PermissionDenied and nothing is written."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework import plans
from casework.models import EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome, PlanReview
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

REFUSAL = (
    "Only the lead professional, their manager or the early support service can change the plan"
)
TODAY = date(2026, 11, 2)


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def world(lead):
    """An episode with a plan (one outcome, one action, a review due) and an episode without."""
    episode = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
    plan = make_plan(episode=episode)
    outcome = make_outcome(plan=plan)
    action = make_action(outcome=outcome, by_when=date(2026, 12, 1))
    review = PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 13))
    unplanned = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
    return {
        "episode": episode,
        "plan": plan,
        "outcome": outcome,
        "action": action,
        "review": review,
        "unplanned": unplanned,
    }


def _refused_user(who, team):
    if who == "practitioner":  # a colleague in the lead professional's team
        return UserFactory(team=team, roles=[Role.PRACTITIONER])
    if who == "business_support":
        return UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    if who == "other_team_manager":
        manager = UserFactory(team=TeamFactory(), roles=[Role.TEAM_MANAGER])
        manager.managed_teams.add(manager.team)
        return manager
    if who == "panel_member":
        return UserFactory(team=None, agency=AgencyFactory(), roles=[Role.PANEL_MEMBER])
    raise AssertionError(who)


SERVICES = {
    "plan_start": lambda actor, w: plans.plan_start(actor=actor, episode=w["unplanned"]),
    "plan_update_contingency": lambda actor, w: plans.plan_update_contingency(
        actor=actor, plan=w["plan"], expected_version=1, contingency="Step up"
    ),
    "plan_outcome_add": lambda actor, w: plans.plan_outcome_add(
        actor=actor, plan=w["plan"], expected_version=1, need="N", outcome_family_words="F"
    ),
    "plan_outcome_update": lambda actor, w: plans.plan_outcome_update(
        actor=actor, outcome=w["outcome"], expected_version=1, changes={"need": "Other"}
    ),
    "plan_outcome_remove": lambda actor, w: plans.plan_outcome_remove(
        actor=actor, outcome=w["outcome"], expected_version=1, reason="Merged"
    ),
    "plan_action_add": lambda actor, w: plans.plan_action_add(
        actor=actor,
        outcome=w["outcome"],
        expected_version=1,
        what="W",
        who="Mum",
        by_when=date(2026, 12, 1),
    ),
    "plan_action_update": lambda actor, w: plans.plan_action_update(
        actor=actor, action=w["action"], expected_version=1, changes={"who": "Dad"}
    ),
    "plan_action_complete": lambda actor, w: plans.plan_action_complete(
        actor=actor, action=w["action"], expected_version=1
    ),
    "review_record": lambda actor, w: plans.review_record(
        actor=actor, review=w["review"], held_on=TODAY, expected_version=1
    ),
}


def _snapshot():
    return {
        "plans": list(
            FamilyPlan.objects.order_by("pk").values_list("pk", "version", "contingency")
        ),
        "outcomes": list(PlanOutcome.objects.order_by("pk").values_list("pk", "need")),
        "actions": list(PlanAction.objects.order_by("pk").values_list("pk", "who", "status")),
        "reviews": list(PlanReview.objects.order_by("pk").values_list("pk", "held_on")),
        "history": EpisodeHistory.objects.count(),
        "audit": AuditEvent.objects.filter(record_type__startswith="casework.").count(),
    }


def test_there_are_nine_plan_services():
    assert len(SERVICES) == 9


@pytest.mark.parametrize(
    "who", ["practitioner", "business_support", "other_team_manager", "panel_member"]
)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_role_that_may_not_change_the_plan_is_refused_by_the_service(team, world, service, who):
    actor = _refused_user(who, team)
    before = _snapshot()

    with pytest.raises(PermissionDenied) as refused:
        SERVICES[service](actor, world)

    assert str(refused.value) == REFUSAL
    assert _snapshot() == before


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_lead_professional_may_use_each_plan_service(lead, world, service):
    before = EpisodeHistory.objects.count()

    SERVICES[service](lead, world)

    assert EpisodeHistory.objects.count() == before + 1
