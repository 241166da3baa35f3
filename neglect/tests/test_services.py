"""The neglect services: each rule, the version check, the workflow and the audit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.tests.factories import EpisodeFactory
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed
from neglect import services
from neglect.models import Category, NeglectConcern, NeglectConcernHistory
from neglect.services import WORKFLOW, ObservationInput
from neglect.tests.conftest import TODAY
from neglect.tests.factories import EndedConcernFactory, NeglectConcernFactory
from people.models import ChronologyEntry

pytestmark = pytest.mark.django_db


def obs(category=Category.NUTRITIONAL, **kwargs):
    values = {
        "category": category,
        "seen": "No breakfast, lunchbox empty.",
        "seen_by": "Sam Lee, school nurse",
        "seen_on": date(2026, 10, 30),
    }
    values.update(kwargs)
    return ObservationInput(**values)


def record(actor, child, family, **kwargs):
    values = {
        "source": NeglectConcern.Source.OTHER,
        "identified_on": date(2026, 10, 31),
        "lived_experience": "Amy is often hungry and cold.",
        "observations": [obs(), obs(Category.PHYSICAL, seen="Thin coat in the rain.")],
    }
    values.update(kwargs)
    return services.neglect_concern_record(actor=actor, child=child, family=family, **values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_every_status_is_reachable():
    assert WORKFLOW.unreachable() == set()


def test_recording_a_concern_writes_observations_history_chronology_and_audit(
    practitioner, family, child
):
    concern = record(practitioner, child, family)

    assert concern.status == NeglectConcern.Status.CURRENT
    assert concern.version == 1
    assert concern.recorded_by_team == practitioner.team
    assert sorted(o.category for o in concern.observations.all()) == ["nutritional", "physical"]
    history = list(concern.history.all())
    assert [(h.change, h.to_value) for h in history] == [("recorded", "nutritional, physical")]
    entry = ChronologyEntry.objects.get(person=child, record_type="neglect_concern")
    assert entry.record_id == str(concern.pk)
    assert entry.summary == "Neglect concern recorded: nutritional, physical"
    assert entry.occurred_on == date(2026, 10, 31)
    audit = AuditEvent.objects.get(record_type="neglect.neglectconcern", action="create")
    assert audit.detail == {
        "source": "other",
        "categories": ["nutritional", "physical"],
        "observations": 2,
    }


def test_a_concern_can_come_from_the_familys_episode(lead, family, child):
    episode = EpisodeFactory(family=family, lead_professional=lead)

    concern = record(lead, child, family, source=NeglectConcern.Source.EPISODE, episode=episode)

    assert concern.episode == episode


def test_an_episode_source_needs_an_episode_of_the_same_family(
    practitioner, family, child, other_family
):
    with pytest.raises(ValidationError) as missing:
        record(practitioner, child, family, source=NeglectConcern.Source.EPISODE)
    other = EpisodeFactory(family=other_family)
    with pytest.raises(ValidationError) as wrong:
        record(practitioner, child, family, source=NeglectConcern.Source.EPISODE, episode=other)

    assert errors_of(missing) == {"episode": ["Choose an episode of this family"]}
    assert errors_of(wrong) == {"episode": ["Choose an episode of this family"]}


def test_the_dates_must_not_be_in_the_future(practitioner, family, child):
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        record(
            practitioner,
            child,
            family,
            identified_on=tomorrow,
            observations=[obs(), obs(seen_on=tomorrow)],
        )

    assert errors_of(excinfo) == {
        "identified_on": ["The date must be today or in the past"],
        "1.seen_on": ["The date must be today or in the past"],
    }
    assert not NeglectConcern.objects.exists()


def test_a_concern_needs_lived_experience_and_something_seen(practitioner, family, child):
    with pytest.raises(ValidationError) as excinfo:
        record(practitioner, child, family, lived_experience="  ", observations=[])

    assert errors_of(excinfo) == {
        "lived_experience": ["Describe the child's daily lived experience"],
        "observations": ["Record at least one thing seen, in its category"],
    }


def test_each_observation_needs_a_category_what_who_and_when(practitioner, family, child):
    with pytest.raises(ValidationError) as excinfo:
        record(
            practitioner,
            child,
            family,
            observations=[obs(category="bad", seen="", seen_by="", seen_on=None)],
        )

    assert set(errors_of(excinfo)) == {"category", "seen", "seen_by", "seen_on"}


def test_only_a_child_of_the_family(practitioner, family, mother):
    with pytest.raises(ValidationError) as excinfo:
        record(practitioner, mother, family)

    assert errors_of(excinfo) == {"child": ["Choose a child of this family"]}


def test_a_child_has_one_current_concern(practitioner, family, child):
    record(practitioner, child, family)

    with pytest.raises(ConflictError):
        record(practitioner, child, family)


def test_a_new_concern_after_one_ended(practitioner, family, child):
    EndedConcernFactory(family=family, child=child)

    assert record(practitioner, child, family).is_current


def test_business_support_may_not_record(business_support, family, child):
    with pytest.raises(PermissionDenied):
        record(business_support, child, family)


def test_a_family_out_of_scope_is_refused(practitioner, other_family, other_child):
    with pytest.raises(PermissionDenied):
        record(practitioner, other_child, other_family)


def test_panel_chair_may_not_record(panel_chair, family, child):
    with pytest.raises(PermissionDenied):
        record(panel_chair, child, family)


# --- changes


@pytest.fixture
def concern(practitioner, family, child):
    return record(practitioner, child, family)


def test_adding_an_observation_bumps_the_version_and_writes_history(practitioner, concern):
    added = services.neglect_observation_add(
        actor=practitioner,
        concern=concern,
        expected_version=1,
        category=Category.EMOTIONAL,
        seen="Flat and withdrawn.",
        seen_by="Ms Khan, class teacher",
        seen_on=date(2026, 11, 1),
    )

    concern.refresh_from_db()
    assert added.category == "emotional"
    assert concern.version == 2
    assert concern.history.last().change == NeglectConcernHistory.Change.OBSERVATION


def test_a_stale_version_is_refused_and_nothing_changes(practitioner, concern):
    with pytest.raises(StaleVersionError):
        services.neglect_observation_add(
            actor=practitioner,
            concern=concern,
            expected_version=7,
            category=Category.EMOTIONAL,
            seen="Flat.",
            seen_by="Teacher",
            seen_on=date(2026, 11, 1),
        )
    with pytest.raises(StaleVersionError):
        services.neglect_concern_change(
            actor=practitioner,
            concern=concern,
            expected_version=7,
            lived_experience="Better.",
            reason="Visit",
        )

    assert concern.observations.count() == 2


def test_an_observation_seen_tomorrow_is_refused(practitioner, concern):
    with pytest.raises(ValidationError) as excinfo:
        services.neglect_observation_add(
            actor=practitioner,
            concern=concern,
            expected_version=1,
            category=Category.MEDICAL,
            seen="Missed the dentist.",
            seen_by="Dentist",
            seen_on=TODAY + timedelta(days=1),
        )

    assert errors_of(excinfo) == {"seen_on": ["The date must be today or in the past"]}


def test_changing_lived_experience_keeps_the_old_words_in_history(practitioner, concern):
    services.neglect_concern_change(
        actor=practitioner,
        concern=concern,
        expected_version=1,
        lived_experience="Eats breakfast at the club now.",
        reason="Breakfast club started",
    )

    row = concern.history.last()
    assert (row.from_value, row.to_value, row.reason) == (
        "Amy is often hungry and cold.",
        "Eats breakfast at the club now.",
        "Breakfast club started",
    )


def test_ending_a_concern(practitioner, concern, child):
    ended = services.neglect_concern_end(
        actor=practitioner,
        concern=concern,
        expected_version=1,
        ended_on=date(2026, 11, 2),
        reason=NeglectConcern.EndReason.IMPROVED,
    )

    assert ended.status == NeglectConcern.Status.ENDED
    assert ended.version == 2
    row = ended.history.last()
    assert (row.from_value, row.to_value) == ("current", "ended")
    assert ChronologyEntry.objects.filter(person=child, event="neglect_ended").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.neglect_concern_end(
            actor=practitioner,
            concern=ended,
            expected_version=2,
            ended_on=date(2026, 11, 2),
            reason=NeglectConcern.EndReason.IMPROVED,
        )
    with pytest.raises(ConflictError):
        services.neglect_concern_change(
            actor=practitioner,
            concern=ended,
            expected_version=2,
            lived_experience="x",
            reason="y",
        )


def test_ending_needs_a_date_after_identification_and_a_note_for_other(practitioner, concern):
    with pytest.raises(ValidationError) as excinfo:
        services.neglect_concern_end(
            actor=practitioner,
            concern=concern,
            expected_version=1,
            ended_on=date(2026, 10, 1),
            reason=NeglectConcern.EndReason.OTHER,
        )

    assert errors_of(excinfo) == {
        "ended_on": ["The date must be on or after the day the concern was identified"],
        "note": ["Say why the concern has ended"],
    }


# --- graded-care tool results


def grades(value=3):
    from neglect.tests.factories import GCP2_AREAS

    return dict.fromkeys(GCP2_AREAS, value)


def test_recording_a_tool_result(practitioner, concern, child, family, tool):
    result = services.graded_care_result_record(
        actor=practitioner,
        child=child,
        family=family,
        tool=tool,
        done_on=date(2026, 11, 1),
        area_grades=grades(4),
        overall_grade=4,
        concern=concern,
    )

    assert result.area_grades == grades(4)
    assert concern.history.last().change == NeglectConcernHistory.Change.TOOL_RESULT


@pytest.mark.parametrize(
    ("area_grades", "overall", "expected"),
    [
        (
            grades(6),
            3,
            {"area_grades": ["The grade for Physical care must be one of 1, 2, 3, 4, 5"]},
        ),
        (grades(3), 0, {"overall_grade": ["The overall grade must be one of 1, 2, 3, 4, 5"]}),
        ({"Physical care": 3}, 3, {"area_grades": ["Enter a grade for Care of safety"]}),
        (
            {**grades(3), "Housing": 2},
            3,
            {"area_grades": ["Graded Care Profile 2 (GCP2) has no area called 'Housing'"]},
        ),
    ],
)
def test_grades_must_fit_the_tools_areas_and_scale(
    practitioner, child, family, tool, area_grades, overall, expected
):
    with pytest.raises(ValidationError) as excinfo:
        services.graded_care_result_record(
            actor=practitioner,
            child=child,
            family=family,
            tool=tool,
            done_on=date(2026, 11, 1),
            area_grades=area_grades,
            overall_grade=overall,
        )

    assert errors_of(excinfo) == expected


def test_a_tool_no_longer_in_the_pack_is_refused(practitioner, child, family, tool):
    tool.in_pack = False
    tool.save()
    with pytest.raises(ValidationError) as excinfo:
        services.graded_care_result_record(
            actor=practitioner,
            child=child,
            family=family,
            tool=tool,
            done_on=date(2026, 11, 1),
            area_grades=grades(),
            overall_grade=3,
        )

    assert errors_of(excinfo) == {"tool": ["Choose a graded-care tool the council uses"]}


def test_a_tool_result_for_another_childs_concern_is_refused(
    practitioner, family, child, sibling, tool
):
    concern = NeglectConcernFactory(family=family, child=sibling)
    with pytest.raises(ValidationError) as excinfo:
        services.graded_care_result_record(
            actor=practitioner,
            child=child,
            family=family,
            tool=tool,
            done_on=date(2026, 11, 1),
            area_grades=grades(),
            overall_grade=3,
            concern=concern,
        )

    assert errors_of(excinfo) == {"concern": ["Choose one of this child's neglect concerns"]}
