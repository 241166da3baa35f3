"""The rules of a factor, recording, ending, confirming and the review at a plan review."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed
from risk_factors import services
from risk_factors.models import (
    Factor,
    FactorReview,
    FactorReviewItem,
    RiskFactor,
    RiskFactorHistory,
    Source,
)
from risk_factors.offers import offers_for
from risk_factors.tests.helpers import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team):
    return make_world(team=team)


def _record(world, **kwargs):
    fields = {
        "actor": world.lead,
        "family": world.family,
        "factor": Factor.PARENTAL_MENTAL_HEALTH,
        "noted_on": date(2026, 10, 1),
        "source": Source.AGENCY,
        "source_detail": "GP letter",
    }
    fields.update(kwargs)
    return services.risk_factor_record(**fields)


def test_workflow_reaches_every_status():
    assert services.WORKFLOW.unreachable() == set()


def test_record_writes_history_and_audits(world):
    factor = _record(world, person=world.mother)
    assert factor.status == RiskFactor.Status.PRESENT
    history = RiskFactorHistory.objects.get(risk_factor=factor)
    assert (history.change, history.actor, history.on, history.reason) == (
        "recorded",
        world.lead,
        date(2026, 10, 1),
        "GP letter",
    )
    event = AuditEvent.objects.get(record_type="risk_factors.riskfactor", action="create")
    assert event.detail["factor"] == "parental_mental_health"
    assert "GP letter" not in str(event.detail)


def test_noted_on_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        _record(world, noted_on=date(2026, 11, 3))
    assert error.value.message_dict == {"noted_on": [services.NOTED_FUTURE]}


def test_noted_on_today_is_allowed(world):
    assert _record(world, noted_on=date(2026, 11, 2)).noted_on == date(2026, 11, 2)


@pytest.mark.parametrize("factor", [Factor.YOUNG_CARER, Factor.CHILD_SEEKING_ASYLUM])
def test_a_child_factor_must_name_a_child(world, factor):
    with pytest.raises(ValidationError) as error:
        _record(world, factor=factor)
    assert error.value.message_dict == {"person": [services.CHILD_NEEDED]}
    with pytest.raises(ValidationError) as error:
        _record(world, factor=factor, person=world.mother)
    assert error.value.message_dict == {"person": [services.CHILD_NEEDED]}
    assert _record(world, factor=factor, person=world.older).person == world.older


def test_a_parents_factor_names_an_adult_or_no_one(world):
    with pytest.raises(ValidationError) as error:
        _record(world, factor=Factor.ALCOHOL_MISUSE, person=world.older)
    assert error.value.message_dict == {"person": [services.ADULT_NEEDED]}
    assert _record(world, factor=Factor.ALCOHOL_MISUSE).person is None


def test_the_person_must_be_in_the_family(world, team):
    stranger = make_world(team=team).mother
    with pytest.raises(ValidationError) as error:
        _record(world, person=stranger)
    assert error.value.message_dict == {"person": [services.NOT_A_MEMBER]}


def test_under_18_months_checks_the_date_of_birth(world):
    # Born 1 March 2026: 18 months on 1 September 2027.
    with pytest.raises(ValidationError) as error:
        _record(
            world,
            factor=Factor.CHILD_UNDER_18_MONTHS,
            person=world.older,
            noted_on=date(2026, 1, 1),
        )
    assert error.value.message_dict == {"noted_on": [services.NOT_UNDER_18_MONTHS]}
    assert _record(world, factor=Factor.CHILD_UNDER_18_MONTHS, person=world.baby).pk


def test_unknown_choices_are_refused_by_field(world):
    with pytest.raises(ValidationError) as error:
        _record(world, factor="nonsense", source="rumour")
    assert error.value.message_dict == {
        "factor": [services.FACTOR_MISSING],
        "source": [services.SOURCE_MISSING],
    }


def test_the_same_factor_twice_is_a_conflict(world):
    _record(world, person=world.mother)
    with pytest.raises(ConflictError):
        _record(world, person=world.mother)
    # Naming no one is a different record from naming the mother.
    assert _record(world).person is None


def test_business_support_may_not_record(world, team):
    clerk = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    with pytest.raises(PermissionDenied):
        _record(world, actor=clerk)
    assert not RiskFactor.objects.exists()


def test_end_records_why_and_refuses_a_stale_version(world):
    factor = _record(world)
    with pytest.raises(StaleVersionError):
        services.risk_factor_end(
            actor=world.lead,
            risk_factor=factor,
            expected_version=factor.version + 1,
            ended_on=date(2026, 11, 1),
            reason="Discharged by the mental health team",
        )
    with pytest.raises(ValidationError) as error:
        services.risk_factor_end(
            actor=world.lead,
            risk_factor=factor,
            expected_version=factor.version,
            ended_on=date(2026, 9, 1),
            reason="",
        )
    assert error.value.message_dict == {
        "ended_on": [services.ENDED_BEFORE_NOTED],
        "reason": [services.REASON_MISSING],
    }
    ended = services.risk_factor_end(
        actor=world.lead,
        risk_factor=factor,
        expected_version=factor.version,
        ended_on=date(2026, 11, 1),
        reason="Discharged by the mental health team",
    )
    assert (ended.status, ended.ended_on, ended.version) == ("ended", date(2026, 11, 1), 2)
    last = RiskFactorHistory.objects.filter(risk_factor=factor).last()
    assert (last.change, last.from_status, last.to_status) == ("ended", "present", "ended")
    with pytest.raises(TransitionNotAllowed):
        services.risk_factor_end(
            actor=world.lead,
            risk_factor=factor,
            expected_version=2,
            ended_on=date(2026, 11, 2),
            reason="Again",
        )


def test_confirm_moves_the_version_on(world):
    factor = _record(world)
    confirmed = services.risk_factor_confirm(
        actor=world.lead, risk_factor=factor, expected_version=1, note="Still under the GP"
    )
    assert (confirmed.confirmed_on, confirmed.version) == (date(2026, 11, 2), 2)
    with pytest.raises(StaleVersionError):
        services.risk_factor_confirm(actor=world.lead, risk_factor=factor, expected_version=1)


def test_review_records_what_changed_and_ends_factors(world):
    mental = _record(world, person=world.mother)
    housing = _record(world, factor=Factor.UNSUITABLE_HOUSING, source=Source.FAMILY)
    offer = next(o for o in offers_for(world.lead, world.family) if o.person == world.baby)
    review = services.risk_factors_review_record(
        actor=world.lead,
        plan_review=world.review,
        answers=[
            services.ReviewAnswer(mental.pk, True, "Seeing the GP fortnightly", 1),
            services.ReviewAnswer(housing.pk, False, "Moved to a council house", 1),
        ],
        accept=[offer],
    )
    items = {
        item.risk_factor_id: (item.outcome, item.what_changed)
        for item in FactorReviewItem.objects.filter(review=review)
    }
    baby_factor = RiskFactor.objects.get(person=world.baby)
    assert items == {
        mental.pk: ("still_present", "Seeing the GP fortnightly"),
        housing.pk: ("ended", "Moved to a council house"),
        baby_factor.pk: ("added", offer.source_detail),
    }
    housing.refresh_from_db()
    mental.refresh_from_db()
    assert (housing.status, housing.ended_on) == ("ended", date(2026, 11, 2))
    assert (mental.status, mental.confirmed_on) == ("present", date(2026, 11, 2))
    assert review.plan_review == world.review
    assert AuditEvent.objects.filter(record_type="risk_factors.factorreview").count() == 1


def test_review_needs_an_answer_for_each_and_a_reason_to_end(world):
    mental = _record(world)
    housing = _record(world, factor=Factor.UNSUITABLE_HOUSING)
    with pytest.raises(ValidationError) as error:
        services.risk_factors_review_record(
            actor=world.lead,
            plan_review=world.review,
            answers=[services.ReviewAnswer(housing.pk, False, " ", 1)],
        )
    assert error.value.message_dict == {
        f"factor_{mental.pk}": [services.ANSWER_MISSING],
        f"changed_{housing.pk}": [services.CHANGED_MISSING],
    }
    assert not FactorReview.objects.exists()


def test_review_with_a_stale_factor_is_refused(world):
    mental = _record(world)
    with pytest.raises(StaleVersionError):
        services.risk_factors_review_record(
            actor=world.lead,
            plan_review=world.review,
            answers=[services.ReviewAnswer(mental.pk, True, "", 0)],
        )
    assert not FactorReview.objects.exists()


def test_only_whoever_may_change_the_episode_reviews(world, team):
    practitioner = UserFactory(team=team, roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        services.risk_factors_review_record(
            actor=practitioner, plan_review=world.review, answers=[]
        )


def test_factor_counts_for_reporting(world, team, manager):
    from risk_factors.selectors import factor_counts

    _record(world, person=world.mother)
    _record(world, factor=Factor.CHILD_UNDER_18_MONTHS, person=world.baby)
    ended = _record(world, factor=Factor.POVERTY, noted_on=date(2026, 1, 5))
    services.risk_factor_end(
        actor=world.lead,
        risk_factor=ended,
        expected_version=1,
        ended_on=date(2026, 3, 1),
        reason="Back in work",
    )
    rows = factor_counts(manager, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert {(r.factor, r.area, r.team, r.count) for r in rows} == {
        ("child_under_18_months", world.family.area.name, team.name, 1),
        ("parental_mental_health", world.family.area.name, team.name, 1),
    }
    spring = factor_counts(
        manager, start=date(2026, 2, 1), end=date(2026, 2, 28), by=("factor", "age_band")
    )
    assert [(r.factor, r.count) for r in spring] == [("poverty", 1)]
    by_age = factor_counts(
        manager, start=date(2026, 10, 1), end=date(2026, 10, 31), by=("factor", "age_band")
    )
    assert ("child_under_18_months", "Under 1", 1) in {
        (r.factor, r.age_band, r.count) for r in by_age
    }
