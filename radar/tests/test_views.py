"""The radar's pages: who sees which flags, acknowledging with a note, running the radar now,
the episode page's notices, the work tray, and a constant number of queries."""

import html
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Contact, Episode
from casework.tests.factories import EpisodeFactory, team_manager_for
from core import worktray
from core.models import AuditEvent
from core.tests.factories import AreaFactory, NeedLevelFactory
from people.models import Family, FamilyMember, FamilyTeam, Person
from people.tests.factories import FamilyMemberFactory, PersonFactory
from radar.models import RadarFlag, RadarFlagHistory, RuleCode
from radar.services import radar_run
from radar.tests.factories import RadarFlagFactory, kirklees_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(frozen):
    episode = EpisodeFactory(started_on=date(2026, 9, 1))
    child = PersonFactory(first_name="Amy")
    FamilyMemberFactory(family=episode.family, person=child, role=FamilyMember.Role.CHILD)
    return RadarFlagFactory(episode=episode, child=child)


def _urls(flag):
    return (
        reverse("radar:flag_detail", kwargs={"flag_id": flag.pk}),
        reverse("radar:flag_acknowledge", kwargs={"flag_id": flag.pk}),
    )


def test_the_lead_professional_sees_their_family_with_the_reasons_in_words(client, flag):
    sign_in_verified(client, flag.episode.lead_professional)
    response = client.get(reverse("radar:radar"))
    page = response.content.decode()
    assert response.status_code == 200
    assert html.escape(flag.family.name) in page
    # Last seen 8 September 2026; frozen on 2 November 2026: 55 days.
    assert "No one has seen Amy for 55 days (the rule: 28 days; last seen 8 September 2026)" in (
        html.unescape(page)
    )
    assert "Run the radar now" not in page
    audit = AuditEvent.objects.filter(record_type="radar.radarflag").last()
    assert audit.detail == {"page": "radar", "count": 1, "team": None}


def test_the_manager_sees_the_team_by_worker_and_may_filter_by_team(client, flag):
    manager = team_manager_for(flag.episode)
    sign_in_verified(client, manager)
    response = client.get(reverse("radar:radar"))
    lead = flag.episode.lead_professional
    (group,) = response.context["groups"]
    assert group.worker == lead.get_full_name() and group.rows[0].flag == flag
    assert "Run the radar now" in response.content.decode()
    team = lead.team
    assert client.get(reverse("radar:radar"), {"team": team.pk}).context["count"] == 1


def test_another_teams_worker_sees_no_rows_and_gets_404_on_the_flag(client, flag):
    other = UserFactory(roles=[Role.TEAM_MANAGER])
    other.managed_teams.add(other.team)
    sign_in_verified(client, other)
    assert client.get(reverse("radar:radar")).context["count"] == 0
    detail, acknowledge = _urls(flag)
    assert client.get(detail).status_code == 404
    assert client.get(acknowledge).status_code == 404
    assert client.post(acknowledge, {"note": "x", "version": "1"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == RadarFlag.Status.RAISED


def test_roles_without_a_radar_get_403(client, frozen):
    sign_in_verified(client, UserFactory(roles=[Role.BUSINESS_SUPPORT]))
    assert client.get(reverse("radar:radar")).status_code == 403


def test_a_colleague_in_the_team_who_is_not_the_lead_gets_404(client, flag):
    colleague = UserFactory(team=flag.episode.lead_professional.team, roles=[Role.PRACTITIONER])
    sign_in_verified(client, colleague)
    detail, _ = _urls(flag)
    assert client.get(detail).status_code == 404


def test_acknowledge_needs_a_note_and_keeps_what_was_typed(client, flag):
    sign_in_verified(client, flag.episode.lead_professional)
    _, url = _urls(flag)
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "", "version": "1"})
    assert response.status_code == 200
    assert "Enter a note saying what is being done" in response.content.decode()
    response = client.post(url, {"note": "Home visit booked for Friday", "version": "1"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == RadarFlag.Status.ACKNOWLEDGED
    assert flag.acknowledged_note == "Home visit booked for Friday"
    history = RadarFlagHistory.objects.filter(flag=flag).last()
    assert history.change == "acknowledged" and history.actor == flag.episode.lead_professional


def test_a_stale_version_is_an_error_on_the_form(client, flag):
    sign_in_verified(client, flag.episode.lead_professional)
    _, url = _urls(flag)
    response = client.post(url, {"note": "Seen", "version": "9"})
    assert response.status_code == 200
    assert "The flag changed since you opened this page" in response.content.decode()


def test_the_manager_runs_the_radar_now(client, frozen):
    kirklees_rules(only={RuleCode.EPISODE_OPEN_LONG})
    episode = EpisodeFactory(started_on=date(2025, 1, 1))
    manager = team_manager_for(episode)
    sign_in_verified(client, manager)
    response = client.post(reverse("radar:run"))
    assert response.status_code == 302
    assert RadarFlag.objects.get().episode == episode
    sign_in_verified(client, episode.lead_professional)
    assert client.post(reverse("radar:run")).status_code == 403
    assert client.get(reverse("radar:run")).status_code == 405


def test_the_episode_page_notices_show_its_open_flags_with_reasons(flag):
    from core import notices

    lead = flag.episode.lead_professional
    (notice,) = [
        n
        for n in notices.notices_for("episode", user=lead, record=flag.episode)
        if n.key.startswith("radar_")
    ]
    assert notice.title == "On the radar: No one has seen the child"
    assert notice.lines == (
        "No one has seen Amy for 55 days (the rule: 28 days; last seen 8 September 2026)",
    )
    assert notice.url == reverse("radar:flag_detail", kwargs={"flag_id": flag.pk})
    # A colleague who sees the family sees the flag, without the link to the lead's radar.
    colleague = UserFactory(team=lead.team, roles=[Role.PRACTITIONER])
    (notice,) = [
        n
        for n in notices.notices_for("episode", user=colleague, record=flag.episode)
        if n.key.startswith("radar_")
    ]
    assert notice.url == ""


def test_drifting_cases_in_the_work_tray(flag):
    lead = flag.episode.lead_professional
    manager = team_manager_for(flag.episode)
    for user in (lead, manager):
        (section,) = [s for s in worktray.tray_for(user) if s.key == "drifting_cases"]
        assert section.count == 1 and html.escape(flag.family.name) in html.escape(
            section.items[0].text
        )
    other = UserFactory(roles=[Role.PRACTITIONER])
    assert not [s for s in worktray.tray_for(other) if s.key == "drifting_cases"]


def test_hostile_text_in_the_note_is_escaped(client, flag):
    sign_in_verified(client, flag.episode.lead_professional)
    detail, url = _urls(flag)
    client.post(url, {"note": "<script>alert(1)</script>", "version": "1"})
    page = client.get(detail).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- constant queries


def _bulk_episodes(lead, n):
    """``n`` open episodes led by ``lead``, each with a child never seen, made in bulk."""
    area = AreaFactory()
    level = NeedLevelFactory(level=3)
    start = Family.objects.count()
    families = Family.objects.bulk_create(
        [Family(reference=f"FAM-R{start + i:06d}", name=f"Family {i}", area=area) for i in range(n)]
    )
    FamilyTeam.objects.bulk_create(
        [FamilyTeam(family=f, team=lead.team, started_on=date(2026, 1, 1)) for f in families]
    )
    Episode.objects.bulk_create(
        [
            Episode(
                family=f,
                need_level=level,
                lead_agency=lead.agency,
                lead_professional=lead,
                started_on=date(2025, 9, 1),
            )
            for f in families
        ]
    )
    children = Person.objects.bulk_create(
        [Person(kind=Person.Kind.CHILD, first_name=f"Child {i}", last_name="B") for i in range(n)]
    )
    FamilyMember.objects.bulk_create(
        [
            FamilyMember(family=f, person=c, role=FamilyMember.Role.CHILD)
            for f, c in zip(families, children, strict=True)
        ]
    )


def _count(func):
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx), result


def test_the_radar_run_and_page_cost_the_same_for_20_and_200_episodes(
    client, frozen, django_assert_max_num_queries
):
    kirklees_rules()
    lead = UserFactory(roles=[Role.PRACTITIONER])
    manager = UserFactory(team=lead.team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(lead.team)
    sign_in_verified(client, manager)
    url = reverse("radar:radar")
    _bulk_episodes(lead, 20)
    counts = radar_run(today=date(2026, 11, 2))
    assert counts["raised"] == 20 * 4  # open long, in stage, not seen, not seen alone
    # A run evaluates every rule over every open episode; with nothing new it writes nothing
    # but its audit row. (Raising flags writes them in bulk, in batches the database sets.)
    run_small, counts = _count(lambda: radar_run(today=date(2026, 11, 2)))
    assert counts["raised"] == counts["cleared"] == 0 and counts["open"] == 80
    page_small, response = _count(lambda: client.get(url))
    assert response.context["count"] == 80

    _bulk_episodes(lead, 180)
    assert radar_run(today=date(2026, 11, 2))["raised"] == 180 * 4
    with django_assert_max_num_queries(run_small):
        counts = radar_run(today=date(2026, 11, 2))
    assert counts["open"] == 800
    with django_assert_max_num_queries(page_small):
        response = client.get(url)
    assert response.context["count"] == 800
    assert Contact.objects.count() == 0
