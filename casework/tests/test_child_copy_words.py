"""A child's copy holds only what concerns that child, in words a child of that age can read
(issue 10, Build 4): each outcome and action may have words written for the child, shown on the
copy of each child it concerns instead of the family's words. The page and the API take them
through the same services and refuse the same over-long text in the same words."""

from datetime import date, timedelta
from html import escape, unescape

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import plans
from casework.models import PlanAction, PlanOutcome
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core.audit import Action, record_type_of
from core.models import AuditEvent
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 11, 2)  # the casework tests' frozen day
OUTCOME_TOO_LONG = "The outcome in words the child can read must be 1,000 characters or fewer"
ACTION_TOO_LONG = "The action in words the child can read must be 1,000 characters or fewer"


@pytest.fixture
def lead(team):
    return UserFactory(
        team=team,
        roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER],
        first_name="Leah",
        last_name="Leadworker",
    )


@pytest.fixture
def family(team):
    """Mum, Ruby (6) and her sister Sky (14)."""
    family = FamilyFactory(team=team)
    mum = AdultFactory(
        first_name="Marigold", last_name="Testfamily", date_of_birth=date(1990, 1, 1)
    )
    ruby = PersonFactory(
        first_name="Rubyrose", last_name="Testfamily", date_of_birth=date(2020, 5, 1)
    )
    sky = PersonFactory(
        first_name="Skylark", last_name="Testfamily", date_of_birth=date(2012, 3, 1)
    )
    FamilyMemberFactory(family=family, person=mum, role=FamilyMember.Role.PARENT_CARER)
    FamilyMemberFactory(family=family, person=ruby, role=FamilyMember.Role.CHILD)
    FamilyMemberFactory(family=family, person=sky, role=FamilyMember.Role.CHILD)
    family.mum, family.ruby, family.sky = mum, ruby, sky
    return family


@pytest.fixture
def episode(lead, family):
    return make_episode(lead_professional=lead, family=family, started_on=date(2026, 9, 1))


@pytest.fixture
def plan(episode):
    return make_plan(episode=episode)


def _client(user):
    return sign_in_verified(Client(), user)


def _api(user):
    return sign_in_verified(APIClient(), user)


def _url(name, episode, **kw):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk, **kw})


def _api_url(episode, what=""):
    return f"/api/v1/episode-plans/{episode.pk}/{what}"


def _outcome(lead, plan, family_words, concerns, child_words=""):
    plan.refresh_from_db()
    return plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=plan.version,
        need="A need",
        outcome_family_words=family_words,
        outcome_child_words=child_words,
        concerns=[p.pk for p in concerns],
    )


def _action(lead, plan, outcome, what, concerns=(), child_words=""):
    plan.refresh_from_db()
    return plans.plan_action_add(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        what=what,
        what_child_words=child_words,
        doer=plans.LEAD,
        concerns=[p.pk for p in concerns],
        by_when=TODAY + timedelta(days=14),
    )


@pytest.fixture
def worded_plan(lead, family, plan):
    """Ruby's own outcome and action in her words; a shared outcome and action in the family's
    words only; Sky's own outcome and an action for Sky alone, in Sky's words."""
    f = family
    ruby_outcome = _outcome(
        lead,
        plan,
        "Ruby's bedtime anxiety reduces",
        [f.ruby],
        child_words="You feel safe and sleepy at bedtime.",
    )
    _action(
        lead,
        plan,
        ruby_outcome,
        "Referral to the sleep clinic",
        child_words="A sleep helper comes to talk to you.",
    )
    school = _outcome(lead, plan, "The girls get to school on time", [f.ruby, f.sky])
    _action(lead, plan, school, "Walk to school together")
    sky_outcome = _outcome(
        lead,
        plan,
        "Young-carer assessment and respite for Sky",
        [f.sky],
        child_words="Sky gets time for herself each week.",
    )
    _action(
        lead,
        plan,
        sky_outcome,
        "Referral to the young carers' service",
        child_words="Sky meets other young carers at the club.",
    )
    _action(
        lead,
        plan,
        school,
        "Sky's alarm and phone curfew",
        concerns=[f.sky],
        child_words="Sky sets an alarm and charges her phone downstairs.",
    )
    return plan


# ---------------------------------------------------------------- the child's copy


def test_a_childs_copy_shows_the_childs_words_where_given_and_the_familys_otherwise(
    lead, episode, family, worded_plan
):
    response = _client(lead).get(_url("plan_child_copy", episode, person_id=family.ruby.pk))
    assert response.status_code == 200
    body = unescape(response.content.decode())
    copy = response.context["copy"]

    assert [o.child_text for o in copy.outcomes] == [
        "You feel safe and sleepy at bedtime.",
        "The girls get to school on time",
    ]
    assert [a.child_text for a in copy.actions] == [
        "A sleep helper comes to talk to you.",
        "Walk to school together",
    ]
    for shown in (
        "You feel safe and sleepy at bedtime.",
        "A sleep helper comes to talk to you.",
        "The girls get to school on time",
        "Walk to school together",
    ):
        assert shown in body, shown
    # The adult wording is not on the child's copy where the child's words replace it.
    for replaced in ("Ruby's bedtime anxiety reduces", "Referral to the sleep clinic"):
        assert replaced not in body, replaced


def test_a_siblings_child_words_never_appear_on_another_childs_copy(
    lead, episode, family, worded_plan
):
    ruby = unescape(
        _client(lead)
        .get(_url("plan_child_copy", episode, person_id=family.ruby.pk))
        .content.decode()
    )
    sky = unescape(
        _client(lead)
        .get(_url("plan_child_copy", episode, person_id=family.sky.pk))
        .content.decode()
    )
    skys_words = (
        "Sky gets time for herself each week.",
        "Sky meets other young carers at the club.",
        "Sky sets an alarm and charges her phone downstairs.",
    )
    for words in skys_words:
        assert words in sky, words
        assert words not in ruby, words
    for words in ("You feel safe and sleepy at bedtime.", "A sleep helper comes to talk to you."):
        assert words in ruby, words
        assert words not in sky, words
    # Nor the family's words behind Sky's (the filter is unchanged).
    for adult in ("Young-carer assessment", "young carers' service", "phone curfew"):
        assert adult not in ruby, adult


def test_the_service_shows_the_childs_words_and_keeps_the_outcomes_themselves(
    lead, family, worded_plan
):
    copy = plans.child_copy(worded_plan, family.sky, TODAY)
    assert [o.outcome_family_words for o in copy.outcomes] == [
        "The girls get to school on time",
        "Young-carer assessment and respite for Sky",
    ]
    assert [o.child_text for o in copy.outcomes] == [
        "The girls get to school on time",
        "Sky gets time for herself each week.",
    ]
    assert sorted(a.child_text for a in copy.actions) == [
        "Sky meets other young carers at the club.",
        "Sky sets an alarm and charges her phone downstairs.",
        "Walk to school together",
    ]


def test_actions_made_before_child_words_existed_show_the_familys_words(lead, family, plan):
    outcome = make_outcome(plan=plan, outcome_family_words="Family words")
    outcome.concerns.set([family.ruby])
    make_action(outcome=outcome, what="Family action")
    copy = plans.child_copy(plan, family.ruby, TODAY)
    assert [o.child_text for o in copy.outcomes] == ["Family words"]
    assert [a.child_text for a in copy.actions] == ["Family action"]


# ---------------------------------------------------------------- the services


def test_the_services_strip_the_words_and_audit_only_the_field_names(lead, family, plan):
    outcome = _outcome(lead, plan, "F", [family.ruby], child_words="  Ruby's words  ")
    action = _action(lead, plan, outcome, "W", child_words="  Ruby does it  ")
    assert outcome.outcome_child_words == "Ruby's words"
    assert action.what_child_words == "Ruby does it"

    plan.refresh_from_db()
    plans.plan_outcome_update(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        changes={"outcome_child_words": " New words "},
    )
    plan.refresh_from_db()
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=plan.version,
        changes={"what_child_words": "New action words"},
    )
    outcome.refresh_from_db()
    action.refresh_from_db()
    assert outcome.outcome_child_words == "New words"
    assert action.what_child_words == "New action words"

    details = [
        e.detail
        for e in AuditEvent.objects.filter(
            record_type__in=[record_type_of(PlanOutcome), record_type_of(PlanAction)]
        )
        .exclude(action=Action.VIEW)
        .order_by("pk")
    ]
    assert [d["fields"] for d in details] == [
        ["need", "outcome_family_words", "outcome_practitioner_words", "outcome_child_words"],
        ["what", "who", "by_when", "what_child_words"],
        ["outcome_child_words"],
        ["what_child_words"],
    ]
    # Field names only, never what was written.
    for written in ("Ruby's words", "Ruby does it", "New words", "New action words"):
        assert written not in str(details), written


def test_the_services_refuse_more_than_1000_characters_on_the_field(lead, family, plan):
    outcome = _outcome(lead, plan, "F", [family.ruby], child_words=" " + "x" * 1000 + " ")
    with pytest.raises(Exception) as error:
        _outcome(lead, plan, "F", [family.ruby], child_words="x" * 1001)
    assert error.value.message_dict == {"outcome_child_words": [OUTCOME_TOO_LONG]}
    with pytest.raises(Exception) as error:
        _action(lead, plan, outcome, "W", child_words="x" * 1001)
    assert error.value.message_dict == {"what_child_words": [ACTION_TOO_LONG]}

    action = _action(lead, plan, outcome, "W")
    plan.refresh_from_db()
    with pytest.raises(Exception) as error:
        plans.plan_outcome_update(
            actor=lead,
            outcome=outcome,
            expected_version=plan.version,
            changes={"outcome_child_words": "x" * 1001},
        )
    assert error.value.message_dict == {"outcome_child_words": [OUTCOME_TOO_LONG]}
    with pytest.raises(Exception) as error:
        plans.plan_action_update(
            actor=lead,
            action=action,
            expected_version=plan.version,
            changes={"what_child_words": "x" * 1001},
        )
    assert error.value.message_dict == {"what_child_words": [ACTION_TOO_LONG]}
    action.refresh_from_db()
    assert action.what_child_words == ""


# ---------------------------------------------------------------- the page and the API agree


def _outcome_post(family, **extra):
    return {
        "version": 1,
        "need": "N",
        "outcome_family_words": "F",
        "concerns": [str(family.ruby.pk)],
        **extra,
    }


def _action_page_post(family, **extra):
    by_when = TODAY + timedelta(days=7)
    return {
        "version": 2,
        "what": "W",
        "doer": plans.LEAD,
        "concerns": [str(family.ruby.pk)],
        "by_when_0": by_when.day,
        "by_when_1": by_when.month,
        "by_when_2": by_when.year,
        **extra,
    }


def _action_api_post(family, outcome, **extra):
    return {
        "version": 2,
        "outcome_id": outcome.pk,
        "what": "W",
        "doer": plans.LEAD,
        "concerns": [str(family.ruby.pk)],
        "by_when": (TODAY + timedelta(days=7)).isoformat(),
        **extra,
    }


def test_page_and_api_refuse_1001_characters_in_the_same_words(lead, episode, family, plan):
    too_long = "x" * 1001
    page = _client(lead).post(
        _url("plan_outcome_add", episode), _outcome_post(family, outcome_child_words=too_long)
    )
    assert page.status_code == 200
    assert page.context["form"].errors["outcome_child_words"] == [OUTCOME_TOO_LONG]
    assert OUTCOME_TOO_LONG in unescape(page.content.decode())
    api = _api(lead).post(
        _api_url(episode, "outcomes/"),
        _outcome_post(family, outcome_child_words=too_long),
        format="json",
    )
    assert api.status_code == 400
    assert api.json()["outcome_child_words"] == [OUTCOME_TOO_LONG]
    assert not PlanOutcome.objects.exists()

    outcome = make_outcome(plan=plan)
    plan.version = 2
    plan.save()
    page = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        _action_page_post(family, what_child_words=too_long),
    )
    assert page.status_code == 200
    assert page.context["form"].errors["what_child_words"] == [ACTION_TOO_LONG]
    api = _api(lead).post(
        _api_url(episode, "actions/"),
        _action_api_post(family, outcome, what_child_words=too_long),
        format="json",
    )
    assert api.status_code == 400
    assert api.json()["what_child_words"] == [ACTION_TOO_LONG]
    assert not PlanAction.objects.exists()
    plan.refresh_from_db()
    assert plan.version == 2


def test_the_change_pages_refuse_1001_characters_too(lead, episode, family, plan):
    outcome = make_outcome(plan=plan)
    action = make_action(outcome=outcome)
    page = _client(lead).post(
        _url("plan_outcome_edit", episode, outcome_id=outcome.pk),
        _outcome_post(family, outcome_child_words="x" * 1001),
    )
    assert page.status_code == 200
    assert page.context["form"].errors["outcome_child_words"] == [OUTCOME_TOO_LONG]
    page = _client(lead).post(
        _url("plan_action_edit", episode, action_id=action.pk),
        _action_page_post(family, version=1, status="open", what_child_words="x" * 1001),
    )
    assert page.status_code == 200
    assert page.context["form"].errors["what_child_words"] == [ACTION_TOO_LONG]


def test_page_and_api_accept_and_return_the_childs_words(lead, episode, family, plan):
    page = _client(lead).post(
        _url("plan_outcome_add", episode),
        _outcome_post(family, outcome_child_words=" You sleep well. "),
    )
    assert page.status_code == 302
    outcome = PlanOutcome.objects.get()
    page = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        _action_page_post(family, what_child_words="A story at bedtime."),
    )
    assert page.status_code == 302
    api = _api(lead).post(
        _api_url(episode, "outcomes/"),
        _outcome_post(family, version=3, outcome_child_words="You sleep well."),
        format="json",
    )
    assert api.status_code == 201, api.content
    api = _api(lead).post(
        _api_url(episode, "actions/"),
        _action_api_post(family, outcome, version=4, what_child_words="A story at bedtime."),
        format="json",
    )
    assert api.status_code == 201, api.content

    assert (
        list(PlanOutcome.objects.values_list("outcome_child_words", flat=True))
        == ["You sleep well."] * 2
    )
    assert (
        list(PlanAction.objects.values_list("what_child_words", flat=True))
        == ["A story at bedtime."] * 2
    )
    data = _api(lead).get(_api_url(episode)).json()
    assert [o["outcome_child_words"] for o in data["outcomes"]] == ["You sleep well."] * 2
    assert [a["what_child_words"] for a in data["outcomes"][0]["actions"]] == [
        "A story at bedtime."
    ] * 2
    assert [a["what_child_words"] for a in data["outcomes"][1]["actions"]] == []

    # The change pages offer the words kept, and a change saves them.
    action = PlanAction.objects.order_by("pk").first()
    form = _client(lead).get(_url("plan_outcome_edit", episode, outcome_id=outcome.pk))
    assert form.context["form"].initial["outcome_child_words"] == "You sleep well."
    assert "For a child’s copy: the outcome in words the child can read (optional)" in unescape(
        form.content.decode()
    )
    form = _client(lead).get(_url("plan_action_edit", episode, action_id=action.pk))
    assert form.context["form"].initial["what_child_words"] == "A story at bedtime."
    assert "For a child’s copy: the action in words the child can read (optional)" in unescape(
        form.content.decode()
    )
    page = _client(lead).post(
        _url("plan_action_edit", episode, action_id=action.pk),
        _action_page_post(family, version=5, status="open", what_child_words="Two stories."),
    )
    assert page.status_code == 302
    action.refresh_from_db()
    assert action.what_child_words == "Two stories."


def test_the_plan_page_shows_the_childs_words_escaped(lead, episode, family, plan):
    outcome_words = "Ruby's <b>calm</b> mornings"
    action_words = "Mum's <b>picture</b> chart"
    outcome = _outcome(lead, plan, "F", [family.ruby], child_words=outcome_words)
    _action(lead, plan, outcome, "W", child_words=action_words)

    body = _client(lead).get(_url("plan", episode)).content.decode()
    assert f"In the child’s words: {escape(outcome_words)}" in body
    assert f"In the child’s words: {escape(action_words)}" in body
    assert "<b>calm</b>" not in body and "<b>picture</b>" not in body

    copy = _client(lead).get(_url("plan_child_copy", episode, person_id=family.ruby.pk))
    copy_body = copy.content.decode()
    assert escape(outcome_words) in copy_body and escape(action_words) in copy_body
    assert "<b>" not in copy_body


def test_the_form_labels_and_hints_say_what_the_words_are_for(lead, episode, plan):
    body = unescape(_client(lead).get(_url("plan_outcome_add", episode)).content.decode())
    assert "For a child’s copy: the outcome in words the child can read (optional)" in body
    assert (
        "Shown on the copy of each child it concerns instead of the family’s words. "
        "For example, ‘You get to school on time and have breakfast first.’"
    ) in body
