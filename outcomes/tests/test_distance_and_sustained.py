"""Distance travelled (worked out by hand here) and the sustained check's daily job."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.models import Episode
from core import schedule
from core.errors import ConflictError
from outcomes import selectors, services
from outcomes.models import OutcomeSustainedCheck, ScoreKind
from outcomes.tests.factories import (
    FrameworkOutcomeFactory,
    OutcomeFrameworkFactory,
    OutcomeLinkFactory,
    OutcomeScoreFactory,
    plan_outcome_for,
)
from people.tests.factories import AdultFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _scores(plan_outcome, *scores):
    """A baseline then later scores, a week apart (written directly: the order is what counts)."""
    made = []
    for week, value in enumerate(scores):
        made.append(
            OutcomeScoreFactory(
                plan_outcome=plan_outcome,
                kind=ScoreKind.BASELINE if week == 0 else ScoreKind.REVIEW,
                score=value,
                evidence_on=date(2026, 9, 1 + 7 * week),
            )
        )
    return made


def test_distance_travelled_per_outcome_family_and_child(episode):
    family = episode.family
    amy = PersonFactory(first_name="Amy", last_name="Smith")
    ben = PersonFactory(first_name="Ben", last_name="Smith")
    mum = AdultFactory(first_name="Jane", last_name="Smith")
    for person, role in ((amy, "child"), (ben, "child"), (mum, "parent_carer")):
        FamilyMemberFactory(family=family, person=person, role=role)
    school = plan_outcome_for(episode, position=1)  # Amy: 2 -> 6, +4
    school.concerns.set([amy])
    sleep = plan_outcome_for(episode, position=2)  # Amy and Ben: 5 -> 4 -> 8, +3
    sleep.concerns.set([amy, ben])
    money = plan_outcome_for(episode, position=3)  # Mum: 1 -> 2, +1 (an adult: no child row)
    money.concerns.set([mum])
    unscored = plan_outcome_for(episode, position=4)  # no baseline: left out of every mean
    unscored.concerns.set([ben])
    _scores(school, 2, 6)
    _scores(sleep, 5, 4, 8)
    _scores(money, 1, 2)

    rows = {o.pk: (o.baseline, o.latest, o.distance) for o in selectors.episode_outcomes(episode)}

    assert rows == {
        school.pk: (2, 6, 4),
        sleep.pk: (5, 8, 3),
        money.pk: (1, 2, 1),
        unscored.pk: (None, None, None),
    }
    # Family: (4 + 3 + 1) / 3 outcomes with a baseline.
    assert selectors.family_distance(episode) == pytest.approx(8 / 3)
    # Amy: school +4 and sleep +3 -> 3.5; Ben: sleep +3 only (unscored has no baseline).
    children = {c.name: (c.distance, c.outcomes) for c in selectors.child_distances(episode)}
    assert children == {"Amy Smith": (3.5, 2), "Ben Smith": (3.0, 1)}


def test_a_corrected_score_no_longer_counts(lead, episode, plan_outcome):
    baseline, review = _scores(plan_outcome, 2, 6)
    services.outcome_score_record(
        actor=lead,
        plan_outcome=plan_outcome,
        kind=ScoreKind.BASELINE,
        score=4,
        evidence_what="Re-read the attendance report",
        evidence_source="School attendance records",
        evidence_on=date(2026, 9, 1),
        supersedes=baseline,
        correction_reason="Wrong term's figure",
    )
    (row,) = selectors.episode_outcomes(episode)
    assert (row.baseline, row.latest, row.distance) == (4, 6, 2)


def _closed(episode, ended_on):
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSED, ended_on=ended_on)


def _mapped(episode, months=6):
    framework = OutcomeFrameworkFactory(code=f"f{months}", sustained_after_months=months)
    plan_outcome = plan_outcome_for(episode)
    OutcomeLinkFactory(
        plan_outcome=plan_outcome, framework_outcome=FrameworkOutcomeFactory(framework=framework)
    )
    return plan_outcome


def test_the_sustained_check_opens_on_the_due_day_and_not_the_day_before(episode):
    _mapped(episode, months=6)
    _closed(episode, date(2026, 5, 2))

    assert services.sustained_checks_create(today=date(2026, 11, 1)) == {"created": 0}
    assert not OutcomeSustainedCheck.objects.exists()

    assert services.sustained_checks_create(today=date(2026, 11, 2)) == {"created": 1}
    check = OutcomeSustainedCheck.objects.get()
    assert (check.episode, check.due_on, check.status) == (episode, date(2026, 11, 2), "due")
    # Safe to run again.
    assert services.sustained_checks_create(today=date(2026, 11, 3)) == {"created": 0}


def test_the_shortest_framework_time_decides_and_unmapped_episodes_have_no_check(episode, lead):
    from casework.tests.factories import EpisodeFactory

    _mapped(episode, months=6)
    _mapped(episode, months=3)
    _closed(episode, date(2026, 8, 2))
    unmapped = EpisodeFactory(lead_professional=lead)
    plan_outcome_for(unmapped)
    _closed(unmapped, date(2026, 1, 5))

    assert services.sustained_checks_create(today=date(2026, 11, 2)) == {"created": 1}
    assert OutcomeSustainedCheck.objects.get().episode == episode


def test_the_scheduler_runs_the_job_each_morning(episode, django_capture_on_commit_callbacks):
    _mapped(episode)
    _closed(episode, date(2026, 5, 2))
    assert schedule.job("outcomes.sustained_checks") is not None
    with django_capture_on_commit_callbacks(execute=True):
        schedule.tick(now=datetime(2026, 11, 2, 6, tzinfo=UTC))
    assert OutcomeSustainedCheck.objects.filter(episode=episode).exists()


def test_the_lead_agency_answers_the_sustained_check(episode, lead, manager_of, outsider):
    plan_outcome = _mapped(episode)
    _scores(plan_outcome, 2, 7)
    _closed(episode, date(2026, 5, 2))
    services.sustained_checks_create(today=date(2026, 11, 2))
    check = OutcomeSustainedCheck.objects.get()
    answer = {
        "check": check,
        "plan_outcome": plan_outcome,
        "score": 7,
        "evidence_what": "Attendance 96% this term",
        "evidence_source": "School attendance records",
        "evidence_on": date(2026, 11, 1),
    }
    with pytest.raises(PermissionDenied):
        services.sustained_answer_record(actor=outsider, sustained=True, **answer)
    with pytest.raises(ValidationError) as error:
        services.sustained_answer_record(actor=lead, sustained=None, **answer)
    assert error.value.message_dict == {"sustained": ["Say whether the outcome was sustained"]}

    score = services.sustained_answer_record(actor=manager_of, sustained=True, **answer)

    assert (score.kind, score.sustained, score.score) == (ScoreKind.SUSTAINED, True, 7)
    check.refresh_from_db()
    assert (check.status, check.answered_by) == ("answered", manager_of)
    with pytest.raises(ConflictError):
        services.sustained_answer_record(actor=lead, sustained=False, **answer)


def test_the_tray_shows_a_due_check_to_the_lead_and_their_manager(episode, lead, manager_of):
    from outcomes.tray import tray

    _mapped(episode)
    _closed(episode, date(2026, 5, 2))
    assert tray(lead) == []
    services.sustained_checks_create(today=date(2026, 11, 2))
    for user in (lead, manager_of):
        (section,) = tray(user)
        assert (section.title, section.count) == ("Outcomes to check as sustained", 1)
        assert section.items[0].url == f"/outcomes/checks/{OutcomeSustainedCheck.objects.get().pk}/"
