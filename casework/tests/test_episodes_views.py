import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import (
    Contact,
    Episode,
    EpisodeHistory,
    FamilyPlan,
    PlanAction,
    PlanOutcome,
    PlanReview,
)
from casework.tests.factories import EpisodeFactory
from core import clock
from core.models import AuditEvent
from core.tests.factories import AreaFactory, NeedLevelFactory
from people.models import Family, FamilyMember, FamilyTeam
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def episode():
    return EpisodeFactory()


@pytest.fixture
def lead_client(client, episode):
    return sign_in_verified(client, episode.lead_professional)


def _url(name, episode):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk})


def _views(record_id=None, **detail):
    qs = AuditEvent.objects.filter(action="view")
    if record_id is not None:
        qs = qs.filter(record_id=str(record_id))
    return qs


def test_episode_page_shows_stage_history_and_is_audited(lead_client, episode):
    response = lead_client.get(_url("episode_detail", episode))
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "1. Engagement, assessment, planning and initial response" in body
        and "Current stage" in body
    )
    assert _url("episode_stage", episode) in body
    (event,) = _views(episode.pk)
    assert event.record_type == "casework.episode" and event.detail == {"page": "episode"}


def test_episode_page_numbers_each_stage_once(lead_client, episode):
    # The stage labels carry their own number ("1. Engagement…"), so the list must not add a
    # second one: a numbered GOV.UK list would read "1. 1. Engagement…".
    body = lead_client.get(_url("episode_detail", episode)).content.decode()
    (stage_list,) = re.findall(
        r'<ol class="([^"]*)" aria-label="Stages of targeted family intervention">', body
    )
    assert "govuk-list--number" not in stage_list.split()
    for label in Episode.Stage.labels:
        assert body.count(label) == 1


def test_out_of_scope_episode_is_404(client, episode):
    stranger = UserFactory(roles=[Role.PRACTITIONER])
    sign_in_verified(client, stranger)
    for name in (
        "episode_detail",
        "episode_stage",
        "episode_contact_new",
        "episode_closure",
        "episode_step_up",
    ):
        assert client.get(_url(name, episode)).status_code == 404
    assert (
        client.get(
            reverse("casework:family_episodes", kwargs={"family_id": episode.family_id})
        ).status_code
        == 404
    )


def test_a_colleague_who_can_see_but_not_change_gets_403_on_change_pages(client, episode):
    colleague = UserFactory(team=episode.lead_professional.team, roles=[Role.PRACTITIONER])
    sign_in_verified(client, colleague)
    assert client.get(_url("episode_detail", episode)).status_code == 200
    assert client.get(_url("episode_stage", episode)).status_code == 403
    assert client.post(_url("episode_stage", episode), {"to_stage": "2"}).status_code == 403


def test_change_stage_skipping_needs_a_reason(lead_client, episode):
    response = lead_client.post(_url("episode_stage", episode), {"to_stage": "3", "reason": ""})
    assert response.status_code == 200
    assert "Enter why the episode skips a stage" in response.content.decode()
    episode.refresh_from_db()
    assert episode.stage == 1
    response = lead_client.post(_url("episode_stage", episode), {"to_stage": "2"})
    assert response.status_code == 302 and response["Location"] == _url("episode_detail", episode)
    episode.refresh_from_db()
    assert episode.stage == 2
    assert EpisodeHistory.objects.filter(episode=episode, change="stage").count() == 1


def test_record_a_contact(lead_client, episode):
    child = FamilyMemberFactory(
        family=episode.family, person=PersonFactory(), role=FamilyMember.Role.CHILD
    ).person
    today = clock.today()
    page = lead_client.get(_url("episode_contact_new", episode))
    assert page.status_code == 200
    response = lead_client.post(
        _url("episode_contact_new", episode),
        {
            "happened_on_0": today.day,
            "happened_on_1": today.month,
            "happened_on_2": today.year,
            "kind": "home_visit",
            "seen": [str(child.pk)],
            "seen_alone": [str(child.pk)],
            "notes": "Visit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(episode=episode)
    assert list(contact.seen_alone.all()) == [child]


def test_taf_meeting_and_closure_pages(lead_client, episode):
    today = clock.today()
    response = lead_client.post(
        _url("episode_taf_meeting_new", episode),
        {
            "held_on_0": today.day,
            "held_on_1": today.month,
            "held_on_2": today.year,
            "agency_attendees": "School nurse",
            "decisions": "Keep going",
        },
    )
    assert response.status_code == 302
    response = lead_client.post(_url("episode_closure", episode), {"reason": "needs_met"})
    assert (
        response.status_code == 200 and "Enter the outcomes achieved" in response.content.decode()
    )
    response = lead_client.post(
        _url("episode_closure", episode),
        {"reason": "needs_met", "outcomes_achieved": "Routines", "exit_plan": "Universal services"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED


def test_step_up_and_step_down_pages_show_the_chain(client, episode):
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    sign_in_verified(client, leader)
    response = client.post(_url("episode_step_up", episode), {"reason": "Threshold met"})
    assert response.status_code == 302
    today = clock.today()
    response = client.post(
        _url("episode_step_down", episode),
        {
            "lead_agency": episode.lead_agency_id,
            "lead_professional": episode.lead_professional_id,
            "need_level": episode.need_level_id,
            "offer": "community_plus",
            "started_on_0": today.day,
            "started_on_1": today.month,
            "started_on_2": today.year,
            "stage": "1",
            "reason": "Social care closed",
        },
    )
    assert response.status_code == 302
    new = Episode.objects.get(previous=episode)
    body = client.get(_url("episode_detail", new)).content.decode()
    assert "The chain of episodes" in body and _url("episode_detail", episode) in body


def test_family_episodes_list_and_open(client, episode):
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    sign_in_verified(client, leader)
    family = FamilyFactory()
    url = reverse("casework:family_episodes", kwargs={"family_id": family.pk})
    body = client.get(url).content.decode()
    assert "Open an episode" in body
    event = _views(family.pk).get()
    assert event.detail == {"page": "episodes", "count": 0}
    worker = UserFactory(roles=[Role.PRACTITIONER])
    today = clock.today()
    response = client.post(
        reverse("casework:episode_open", kwargs={"family_id": family.pk}),
        {
            "lead_agency": worker.agency_id,
            "lead_professional": worker.pk,
            "need_level": NeedLevelFactory(level=3).pk,
            "offer": "targeted",
            "started_on_0": today.day,
            "started_on_1": today.month,
            "started_on_2": today.year,
        },
    )
    assert response.status_code == 302
    assert Episode.objects.get(family=family).lead_professional == worker


def test_practitioner_cannot_open_an_episode(lead_client, episode):
    url = reverse("casework:episode_open", kwargs={"family_id": episode.family_id})
    assert lead_client.get(url).status_code == 403


# ---------------------------------------------------------------- caseloads


def _bulk_caseload(lead, n):
    """``n`` open episodes led by ``lead`` with plan reviews and actions, made with bulk_create."""
    area = AreaFactory()
    level = NeedLevelFactory(level=3)
    start = len(Family.objects.all())
    families = Family.objects.bulk_create(
        [Family(reference=f"FAM-B{start + i:06d}", name=f"Family {i}", area=area) for i in range(n)]
    )
    FamilyTeam.objects.bulk_create(
        [FamilyTeam(family=f, team=lead.team, started_on=date(2026, 1, 1)) for f in families]
    )
    episodes = Episode.objects.bulk_create(
        [
            Episode(
                family=f,
                need_level=level,
                lead_agency=lead.agency,
                lead_professional=lead,
                started_on=date(2026, 9, 1),
            )
            for f in families
        ]
    )
    today = clock.today()
    PlanReview.objects.bulk_create(
        [PlanReview(episode=e, due_on=today - timedelta(days=3)) for e in episodes]
        + [PlanReview(episode=e, due_on=today + timedelta(days=10)) for e in episodes]
    )
    plans = FamilyPlan.objects.bulk_create(
        [FamilyPlan(episode=e, updated_by=lead) for e in episodes]
    )
    outcomes = PlanOutcome.objects.bulk_create(
        [
            PlanOutcome(plan=p, need="Routines", outcome_family_words="Calmer mornings")
            for p in plans
        ]
    )
    PlanAction.objects.bulk_create(
        [
            PlanAction(outcome=o, what="Course", who="Mum", by_when=today - timedelta(days=1))
            for o in outcomes
        ]
    )
    return episodes


def test_caseload_shows_days_open_next_review_and_overdue(lead_client, episode):
    lead = episode.lead_professional
    today = clock.today()
    PlanReview.objects.create(episode=episode, due_on=today - timedelta(days=2))
    PlanReview.objects.create(episode=episode, due_on=today + timedelta(days=5), held_on=None)
    PlanReview.objects.create(
        episode=episode, due_on=today - timedelta(days=30), held_on=today - timedelta(days=29)
    )
    plan = FamilyPlan.objects.create(episode=episode, updated_by=lead)
    outcome = PlanOutcome.objects.create(plan=plan, need="n", outcome_family_words="o")
    PlanAction.objects.create(outcome=outcome, what="a", who="b", by_when=today - timedelta(days=1))
    PlanAction.objects.create(
        outcome=outcome, what="a", who="b", by_when=today - timedelta(days=1), status="done"
    )
    response = lead_client.get(reverse("casework:caseload"))
    (row,) = response.context["rows"]
    assert row.days_open == (today - episode.started_on).days
    assert row.next_review_on == today - timedelta(days=2)
    assert row.overdue_reviews == 1 and row.overdue_actions == 1 and row.overdue == 2
    event = AuditEvent.objects.get(action="view", record_type="casework.episode", record_id="")
    assert event.detail == {"page": "caseload", "count": 1}


def _caseload_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_caseload_query_count_is_fixed_for_10_and_1000_episodes(
    client, django_assert_max_num_queries
):
    lead = UserFactory(roles=[Role.PRACTITIONER])
    sign_in_verified(client, lead)
    _bulk_caseload(lead, 10)
    url = reverse("casework:caseload")
    small, response = _caseload_queries(client, url)
    assert len(response.context["rows"]) == 10
    _bulk_caseload(lead, 990)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 1000
    assert all(r.overdue == 2 for r in response.context["rows"])


def test_team_caseload_query_count_is_fixed(client, django_assert_max_num_queries):
    lead = UserFactory(roles=[Role.PRACTITIONER])
    manager = UserFactory(team=lead.team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(lead.team)
    sign_in_verified(client, manager)
    _bulk_caseload(lead, 10)
    url = reverse("casework:team_caseload")
    small, _ = _caseload_queries(client, url)
    _bulk_caseload(lead, 990)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 1000


def test_team_caseload_is_for_managers(lead_client):
    assert lead_client.get(reverse("casework:team_caseload")).status_code == 403


def test_the_review_cadence_page_keeps_what_was_typed_on_an_error(client):
    episode = EpisodeFactory()
    sign_in_verified(client, episode.lead_professional)
    url = reverse("casework:episode_review_cadence", kwargs={"episode_id": episode.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, {"weeks": "40", "reason": "The family asked for fewer meetings"})

    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter a number of weeks from 1 to 26" in html
    assert "The family asked for fewer meetings" in html
    response = client.post(url, {"weeks": "8", "reason": "The family asked for fewer meetings"})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.review_every_weeks == 8
