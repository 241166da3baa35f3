"""The rules of recording outcome scores and mappings, through the services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.models import Episode
from core.errors import ConflictError
from core.models import AuditEvent
from outcomes import services
from outcomes.models import OutcomeLink, OutcomeScore, ScoreKind
from outcomes.tests.factories import held_review

pytestmark = pytest.mark.django_db


def _score(actor, plan_outcome, kind=ScoreKind.BASELINE, score=3, **kwargs):
    values = {
        "evidence_what": "Attendance 78% last term",
        "evidence_source": "School attendance records",
        "evidence_on": date(2026, 9, 1),
    }
    values.update(kwargs)
    return services.outcome_score_record(
        actor=actor, plan_outcome=plan_outcome, kind=kind, score=score, **values
    )


def _messages(error) -> dict:
    return error.value.message_dict


def test_a_baseline_is_recorded_with_its_evidence_and_audited(lead, plan_outcome):
    score = _score(lead, plan_outcome)
    assert (score.kind, score.score, score.recorded_by, score.evidence_source) == (
        ScoreKind.BASELINE,
        3,
        lead,
        "School attendance records",
    )
    event = AuditEvent.objects.get(action="create", record_type="outcomes.outcomescore")
    assert event.detail == {
        "episode": str(plan_outcome.plan.episode_id),
        "kind": "baseline",
        "correction": False,
    }


def test_a_score_recorded_at_a_review_leaves_the_baseline_and_earlier_scores_intact(
    lead, episode, plan_outcome
):
    baseline = _score(lead, plan_outcome, score=2)
    first_review = held_review(episode, date(2026, 9, 29))
    second_review = held_review(episode, date(2026, 10, 27))
    first = _score(
        lead,
        plan_outcome,
        ScoreKind.REVIEW,
        score=5,
        plan_review=first_review,
        evidence_on=date(2026, 9, 29),
    )
    before = list(OutcomeScore.objects.order_by("pk").values())

    _score(
        lead,
        plan_outcome,
        ScoreKind.REVIEW,
        score=7,
        plan_review=second_review,
        evidence_on=date(2026, 10, 27),
    )

    after = list(OutcomeScore.objects.order_by("pk").values())
    assert after[:2] == before
    assert [row["score"] for row in after] == [2, 5, 7]
    baseline.refresh_from_db()
    first.refresh_from_db()
    assert (baseline.score, first.score) == (2, 5)


def test_a_score_can_never_be_changed_or_removed(lead, plan_outcome):
    score = _score(lead, plan_outcome)
    score.score = 9
    with pytest.raises(PermissionError):
        score.save()
    with pytest.raises(PermissionError):
        OutcomeScore.objects.filter(pk=score.pk).update(score=9)
    with pytest.raises(PermissionError):
        score.delete()


def test_one_baseline_per_plan_outcome(lead, plan_outcome):
    _score(lead, plan_outcome)
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, score=4)
    assert _messages(error) == {"kind": [services.HAS_BASELINE]}


def test_a_correction_supersedes_the_baseline_and_keeps_it(lead, plan_outcome):
    wrong = _score(lead, plan_outcome, score=8)
    right = _score(lead, plan_outcome, score=3, supersedes=wrong, correction_reason="Typed 8")
    assert right.supersedes == wrong
    assert list(services.current_scores(plan_outcome)) == [right]
    assert OutcomeScore.objects.count() == 2
    # A score already corrected cannot be corrected again: correct the correction.
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, score=4, supersedes=wrong, correction_reason="Again")
    assert _messages(error) == {"supersedes": [services.SUPERSEDES_WRONG]}


def test_a_correction_says_why(lead, plan_outcome):
    wrong = _score(lead, plan_outcome, score=8)
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, score=3, supersedes=wrong)
    assert _messages(error) == {"correction_reason": [services.CORRECTION_REASON]}


def test_the_baseline_comes_before_any_other_score(lead, plan_outcome, review):
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, ScoreKind.REVIEW, plan_review=review)
    assert _messages(error) == {"kind": [services.NEED_BASELINE]}


def test_a_review_score_names_a_held_review_of_the_same_episode(lead, episode, plan_outcome):
    from casework.models import PlanReview
    from casework.tests.factories import EpisodeFactory

    _score(lead, plan_outcome)
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, ScoreKind.REVIEW)
    assert _messages(error) == {"plan_review": [services.REVIEW_REQUIRED]}
    not_held = PlanReview.objects.create(episode=episode, due_on=date(2026, 11, 20))
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, ScoreKind.REVIEW, plan_review=not_held)
    assert _messages(error) == {"plan_review": [services.REVIEW_NOT_HELD]}
    elsewhere = held_review(EpisodeFactory(lead_professional=lead))
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, ScoreKind.REVIEW, plan_review=elsewhere)
    assert _messages(error) == {"plan_review": [services.REVIEW_NOT_HELD]}


def test_one_score_per_review(lead, plan_outcome, review):
    _score(lead, plan_outcome)
    _score(lead, plan_outcome, ScoreKind.REVIEW, plan_review=review)
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, ScoreKind.REVIEW, plan_review=review)
    assert _messages(error) == {"plan_review": [services.REVIEW_SCORED]}


def test_a_closure_score_waits_for_the_closure_to_be_sent(lead, episode, plan_outcome):
    _score(lead, plan_outcome)
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, ScoreKind.CLOSURE)
    assert _messages(error) == {"kind": [services.CLOSURE_NOT_SENT]}
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSURE_REQUESTED)
    assert _score(lead, plan_outcome, ScoreKind.CLOSURE, score=8).kind == ScoreKind.CLOSURE
    with pytest.raises(ConflictError) as error:
        _score(lead, plan_outcome, ScoreKind.CLOSURE, score=9)
    assert _messages(error) == {"kind": [services.CLOSURE_SCORED]}


def test_a_sustained_score_comes_only_from_the_sustained_check(lead, plan_outcome):
    _score(lead, plan_outcome)
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, ScoreKind.SUSTAINED)
    assert _messages(error) == {"kind": [services.SUSTAINED_BY_CHECK]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"score": 11}, "score", "Enter a score from 0 (Not met at all) to 10 (Fully met)"),
        ({"score": -1}, "score", "Enter a score from 0 (Not met at all) to 10 (Fully met)"),
        ({"score": None}, "score", "Enter a score from 0 (Not met at all) to 10 (Fully met)"),
        ({"evidence_what": "  "}, "evidence_what", "Enter what the evidence is"),
        ({"evidence_source": ""}, "evidence_source", "Enter where the evidence comes from"),
        ({"evidence_on": None}, "evidence_on", "Enter the date of the evidence"),
        ({"evidence_on": date(2026, 11, 3)}, "evidence_on", services.FUTURE),
    ],
)
def test_the_score_and_its_evidence_are_checked(lead, plan_outcome, changes, field, message):
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, **changes)
    assert _messages(error) == {field: [message]}
    assert not OutcomeScore.objects.exists()


def test_evidence_dated_today_is_accepted(lead, plan_outcome):
    assert _score(lead, plan_outcome, evidence_on=date(2026, 11, 2)).evidence_on == date(
        2026, 11, 2
    )


def test_the_scale_is_the_councils(lead, plan_outcome, scale):
    scale.highest = 5
    scale.highest_words = "All met"
    scale.save()
    with pytest.raises(ValidationError) as error:
        _score(lead, plan_outcome, score=6)
    assert _messages(error) == {"score": ["Enter a score from 0 (Not met at all) to 5 (All met)"]}


def test_only_those_who_may_change_the_episode_record(
    lead, plan_outcome, outsider, manager_of, business_support
):
    with pytest.raises(PermissionDenied):
        _score(outsider, plan_outcome)
    with pytest.raises(PermissionDenied):
        _score(business_support, plan_outcome)
    assert _score(manager_of, plan_outcome).recorded_by == manager_of


def test_a_mapping_is_added_once_and_removed_with_its_reason(lead, plan_outcome, framework_outcome):
    link = services.outcome_link_add(
        actor=lead, plan_outcome=plan_outcome, framework_outcome=framework_outcome
    )
    with pytest.raises(ConflictError):
        services.outcome_link_add(
            actor=lead, plan_outcome=plan_outcome, framework_outcome=framework_outcome
        )
    with pytest.raises(ValidationError) as error:
        services.outcome_link_remove(actor=lead, link=link, reason="")
    assert _messages(error) == {"reason": ["Say why the mapping is being removed"]}
    services.outcome_link_remove(actor=lead, link=link, reason="Mapped by mistake")
    link.refresh_from_db()
    assert (link.removed_by, link.removed_reason) == (lead, "Mapped by mistake")
    # Mapped again: a new row; the removed one stays as history.
    services.outcome_link_add(
        actor=lead, plan_outcome=plan_outcome, framework_outcome=framework_outcome
    )
    assert OutcomeLink.objects.count() == 2


def test_an_outcome_left_out_of_the_pack_is_not_offered(lead, plan_outcome, framework_outcome):
    framework_outcome.in_pack = False
    framework_outcome.save()
    with pytest.raises(ValidationError) as error:
        services.outcome_link_add(
            actor=lead, plan_outcome=plan_outcome, framework_outcome=framework_outcome
        )
    assert _messages(error) == {
        "framework_outcome": ["Choose an outcome from a framework the council uses"]
    }


def test_scores_outlive_a_plan_outcome_taken_out_of_the_plan(lead, episode, plan_outcome):
    score = _score(lead, plan_outcome)
    plan_outcome.delete()
    score = OutcomeScore.objects.get(pk=score.pk)
    assert (score.plan_outcome_id, score.episode_id, score.score) == (None, episode.pk, 3)
