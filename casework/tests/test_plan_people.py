"""Whom the plan's outcomes and actions concern and who does each action, chosen from the record:
a child's copy holds only what concerns that child, in words for their age; the family's copy names
each person once; the page and the API make the same records (issue 10, items 10 and 15)."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import plans
from casework.models import PlanAction, PlanOutcome
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core import clock
from people.models import FamilyMember
from people.tests.factories import (
    AdultFactory,
    FamilyFactory,
    FamilyMemberFactory,
    PersonFactory,
    ProfessionalInvolvementFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 11, 2)  # the casework tests' frozen day


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
    """Mum, Ruby (6) and her sister Sky (14), with a health visitor involved with Ruby."""
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
    family.visitor = ProfessionalInvolvementFactory(
        person=ruby, name="Hana Visitorname", role="Health visitor", organisation="0-19 Health"
    )
    # The same health visitor on Sky's record too: one person, listed once.
    ProfessionalInvolvementFactory(
        person=sky, name="Hana Visitorname", role="Health visitor", organisation="0-19 Health"
    )
    return family


@pytest.fixture
def episode(lead, family):
    return make_episode(lead_professional=lead, family=family, started_on=date(2026, 9, 1))


@pytest.fixture
def plan(episode):
    return make_plan(episode=episode)


def _client(user):
    return sign_in_verified(Client(), user)


def _url(name, episode, **kw):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk, **kw})


def _add(lead, plan, outcome, what, doer, concerns=(), who=""):
    plan.refresh_from_db()
    return plans.plan_action_add(
        actor=lead,
        outcome=outcome,
        expected_version=plan.version,
        what=what,
        doer=doer,
        who=who,
        concerns=[p.pk for p in concerns],
        by_when=TODAY + timedelta(days=14),
    )


@pytest.fixture
def the_issue_plan(lead, family, plan):
    """The plan from the measured defect: mum's therapy, rent arrears, Sky's young-carer
    assessment, and Ruby's own outcome and actions."""
    f = family
    ruby_outcome = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=1,
        need="Ruby is anxious at bedtime",
        outcome_family_words="Ruby sleeps well in her own bed",
        concerns=[f.ruby.pk],
    )
    mum_outcome = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=2,
        need="Mum's mental health; rent arrears",
        outcome_family_words="Mum feels better and the rent is paid",
        concerns=[f.mum.pk],
    )
    sky_outcome = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=3,
        need="Sky cares for mum",
        outcome_family_words="Sky gets support as a young carer",
        concerns=[f.sky.pk],
    )
    school = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=4,
        need="Both girls late for school",
        outcome_family_words="The girls get to school on time",
        concerns=[f.ruby.pk, f.sky.pk],
    )
    return {
        "bedtime": _add(
            lead, plan, ruby_outcome, "Bedtime story chart", f"person:{f.mum.pk}", [f.ruby]
        ),
        "sleep_check": _add(
            lead, plan, ruby_outcome, "Sleep check with Ruby", f"professional:{f.visitor.pk}"
        ),
        "therapy": _add(lead, plan, mum_outcome, "Book mum's therapy", plans.LEAD),
        "arrears": _add(
            lead,
            plan,
            mum_outcome,
            "Rent arrears plan with housing",
            plans.SOMEONE_ELSE,
            who="Housing officer",
        ),
        "young_carer": _add(lead, plan, sky_outcome, "Young-carer assessment for Sky", plans.LEAD),
        # An action for Sky alone under the shared outcome: not Ruby's.
        "sky_alarm": _add(lead, plan, school, "Alarm clock for Sky", plans.LEAD, [f.sky]),
        # No one named on the action: the outcome's people (both girls).
        "walk": _add(lead, plan, school, "Walk to school together", f"person:{f.mum.pk}"),
    }


def test_a_childs_copy_omits_a_siblings_and_the_adults_outcomes_and_actions(
    lead, episode, family, the_issue_plan
):
    response = _client(lead).get(_url("plan_child_copy", episode, person_id=family.ruby.pk))
    assert response.status_code == 200
    body = unescape(response.content.decode())
    copy = response.context["copy"]

    assert [o.outcome_family_words for o in copy.outcomes] == [
        "Ruby sleeps well in her own bed",
        "The girls get to school on time",
    ]
    assert [a.what for a in copy.actions] == [
        "Bedtime story chart",
        "Sleep check with Ruby",
        "Walk to school together",
    ]
    for shown in ("Ruby sleeps well", "Bedtime story chart", "Walk to school together"):
        assert shown in body
    for withheld in (
        "therapy",
        "Rent arrears",
        "rent is paid",
        "Mum feels better",
        "Young-carer",
        "young carer",
        "Alarm clock for Sky",
        "Housing officer",
        "Skylark",
        "Mum's mental health",
    ):
        assert withheld not in body, withheld


def test_the_older_sisters_copy_has_her_own_and_the_shared_outcome_only(
    lead, episode, family, the_issue_plan
):
    copy = plans.child_copy(episode.plan, family.sky, TODAY)
    assert [o.outcome_family_words for o in copy.outcomes] == [
        "Sky gets support as a young carer",
        "The girls get to school on time",
    ]
    assert [a.what for a in copy.actions] == [
        "Young-carer assessment for Sky",
        "Alarm clock for Sky",
        "Walk to school together",
    ]


def test_an_outcome_or_action_naming_no_one_is_on_no_childs_copy(lead, episode, family, plan):
    outcome = make_outcome(plan=plan, outcome_family_words="Unassigned outcome")
    make_action(outcome=outcome, what="Unassigned action")
    for child in (family.ruby, family.sky):
        copy = plans.child_copy(plan, child, TODAY)
        assert copy.outcomes == [] and copy.actions == []


@pytest.mark.parametrize(
    ("born", "band", "heading"),
    [
        (date(2020, 5, 1), "young", "Hello Rubyrose. This is your plan."),
        (date(2016, 5, 1), "middle", "Rubyrose’s plan"),
        (date(2013, 5, 1), "teen", "Your plan, Rubyrose"),
    ],
)
def test_a_childs_copy_is_worded_for_the_childs_age(
    lead, episode, family, plan, born, band, heading
):
    family.ruby.date_of_birth = born
    family.ruby.save()
    response = _client(lead).get(_url("plan_child_copy", episode, person_id=family.ruby.pk))
    assert response.context["copy"].band == band
    assert f'data-age-band="{band}"' in response.content.decode()
    assert heading in unescape(response.content.decode())


def test_the_familys_copy_names_each_person_once(lead, episode, family, plan, the_issue_plan):
    outcome = plan.outcomes.first()
    # The lead typed as "someone else", and the health visitor chosen from Sky's record too.
    _add(lead, plan, outcome, "Phone school", plans.SOMEONE_ELSE, who="  leah  LEADWORKER ")
    _add(lead, plan, outcome, "Sleep diary", f"professional:{family.visitor.pk}")

    response = _client(lead).get(_url("plan_family_copy", episode))
    assert response.status_code == 200
    body = unescape(response.content.decode())
    helping = body.split("Who is helping and what they will do", 1)[1].split("When we meet", 1)[0]

    assert [h.name for h in response.context["helpers"]] == [
        "Marigold Testfamily",
        "Hana Visitorname",
        "Housing officer",
    ]
    for name in ("Leah Leadworker", "Marigold Testfamily", "Hana Visitorname", "Housing officer"):
        assert helping.count(name) == 1, name
    lead_helper = response.context["lead"]
    assert [a.what for a in lead_helper.actions] == [
        "Book mum's therapy",
        "Young-carer assessment for Sky",
        "Alarm clock for Sky",
        "Phone school",
    ]
    assert [a.what for a in response.context["helpers"][1].actions] == [
        "Sleep check with Ruby",
        "Sleep diary",
    ]


def test_the_action_form_offers_the_record_and_keeps_free_text_for_someone_else(
    lead, episode, family, plan
):
    outcome = make_outcome(plan=plan)
    # Children first, oldest first, then the adults; the health visitor once (on both girls'
    # records), and the lead professional once though also listed among the professionals.
    ProfessionalInvolvementFactory(person=family.mum, name="Leah Leadworker", role="Lead")
    (professional,) = [
        p for p in plans.plan_people(episode).professionals if p.name == "Hana Visitorname"
    ]
    response = _client(lead).get(_url("plan_action_add", episode, outcome_id=outcome.pk))
    choices = dict(response.context["form"].fields["doer"].choices)
    assert list(choices) == [
        plans.LEAD,
        f"person:{family.sky.pk}",
        f"person:{family.ruby.pk}",
        f"person:{family.mum.pk}",
        f"professional:{professional.pk}",
        plans.SOMEONE_ELSE,
    ]


def test_page_and_api_make_the_same_action(lead, episode, family, plan):
    outcome = make_outcome(plan=plan)
    outcome.concerns.set([family.ruby])
    by_when = TODAY + timedelta(days=7)
    page = _client(lead).post(
        _url("plan_action_add", episode, outcome_id=outcome.pk),
        {
            "version": 1,
            "what": "Bedtime chart",
            "doer": f"person:{family.mum.pk}",
            "concerns": [str(family.ruby.pk)],
            "by_when_0": by_when.day,
            "by_when_1": by_when.month,
            "by_when_2": by_when.year,
        },
    )
    assert page.status_code == 302
    api = sign_in_verified(APIClient(), lead).post(
        f"/api/v1/episode-plans/{episode.pk}/actions/",
        {
            "version": 2,
            "outcome_id": outcome.pk,
            "what": "Bedtime chart",
            "doer": f"person:{family.mum.pk}",
            "concerns": [str(family.ruby.pk)],
            "by_when": by_when.isoformat(),
        },
        format="json",
    )
    assert api.status_code == 201, api.content

    rows = [
        (a.what, a.doer, a.doer_person_id, a.doer_professional_id, a.who, a.by_when)
        for a in PlanAction.objects.order_by("pk")
    ]
    expected = (
        "Bedtime chart",
        PlanAction.Doer.FAMILY_MEMBER,
        family.mum.pk,
        None,
        "Marigold Testfamily",
        by_when,
    )
    assert rows == [expected, expected]
    assert [list(a.concerns.values_list("pk", flat=True)) for a in PlanAction.objects.all()] == [
        [family.ruby.pk],
        [family.ruby.pk],
    ]
    actions = api.json()["outcomes"][0]["actions"]
    assert [(a["doer"], a["doer_name"], a["concerns"]) for a in actions] == [
        (f"person:{family.mum.pk}", "Marigold Testfamily", [str(family.ruby.pk)])
    ] * 2
    # The plan page shows the same person for both.
    body = unescape(_client(lead).get(_url("plan", episode)).content.decode())
    assert body.count('<td class="govuk-table__cell">Marigold Testfamily</td>') == 2


def test_page_and_api_record_whom_an_outcome_concerns(lead, episode, family, plan):
    page = _client(lead).post(
        _url("plan_outcome_add", episode),
        {
            "version": 1,
            "need": "N",
            "outcome_family_words": "F",
            "concerns": [str(family.ruby.pk), str(family.sky.pk)],
        },
    )
    assert page.status_code == 302
    api = sign_in_verified(APIClient(), lead).post(
        f"/api/v1/episode-plans/{episode.pk}/outcomes/",
        {
            "version": 2,
            "need": "N",
            "outcome_family_words": "F",
            "concerns": [str(family.ruby.pk), str(family.sky.pk)],
        },
        format="json",
    )
    assert api.status_code == 201
    assert [
        sorted(str(pk) for pk in o.concerns.values_list("pk", flat=True))
        for o in PlanOutcome.objects.order_by("pk")
    ] == [sorted([str(family.ruby.pk), str(family.sky.pk)])] * 2


def test_changing_an_action_to_a_professional_and_back_to_someone_else(lead, episode, family, plan):
    action = make_action(outcome=make_outcome(plan=plan), who="Aunt Jo")
    assert action.doer == PlanAction.Doer.SOMEONE_ELSE  # as old free-text actions are kept
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=1,
        changes={"doer": f"professional:{family.visitor.pk}", "who": ""},
    )
    action.refresh_from_db()
    assert (action.doer, action.doer_professional_id, action.who) == (
        PlanAction.Doer.PROFESSIONAL,
        family.visitor.pk,
        "Hana Visitorname",
    )
    plans.plan_action_update(
        actor=lead,
        action=action,
        expected_version=2,
        changes={"doer": plans.SOMEONE_ELSE, "who": "Aunt Jo"},
    )
    action.refresh_from_db()
    assert (action.doer, action.doer_professional_id, action.who) == (
        PlanAction.Doer.SOMEONE_ELSE,
        None,
        "Aunt Jo",
    )


def test_someone_outside_the_family_cannot_be_named(lead, episode, plan, team):
    stranger = make_episode(lead_professional=lead).family.members.first().person
    outcome = make_outcome(plan=plan)
    with pytest.raises(Exception) as error:
        plans.plan_action_add(
            actor=lead,
            outcome=outcome,
            expected_version=1,
            what="W",
            doer=f"person:{stranger.pk}",
            concerns=[stranger.pk],
            by_when=TODAY,
        )
    assert error.value.message_dict == {
        "doer": ["Select who will do it"],
        "concerns": ["Select people in this family"],
    }
    assert not PlanAction.objects.exists()
    assert clock.today() == TODAY
