"""Supervision: the services' rules, the cadence on fixed dates, personas and scope, the pages'
query counts, the episode notice, the work tray and the API."""

import html
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.tests.factories import EpisodeFactory
from core.concurrency import StaleVersionError
from core.notices import notices_for
from core.worktray import tray_for
from oversight import selectors, services
from oversight.models import SupervisionCase, SupervisionPolicy
from oversight.tests.factories import (
    SupervisionActionFactory,
    SupervisionFactory,
    supervisor_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 11, 2)


@pytest.fixture
def worker(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def boss(worker):
    return supervisor_of(worker)


@pytest.fixture
def episode(worker):
    return EpisodeFactory(lead_professional=worker)


def _record(boss, worker, **kw):
    values = {"actor": boss, "worker": worker, "held_on": date(2026, 10, 30)}
    return services.supervision_record(**{**values, **kw})


# ---------------------------------------------------------------- services


def test_a_manager_records_a_supervision_with_cases_and_actions(boss, worker, episode):
    supervision = _record(
        boss,
        worker,
        reflections="Thinking about drift",
        cases=[{"episode": episode, "discussion": "Missed appointments", "decisions": "Visit"}],
        actions=[{"what": "Visit", "who": "Lead", "by_when": date(2026, 11, 9)}],
    )
    assert supervision.cases.get().episode == episode
    assert supervision.actions.get().by_when == date(2026, 11, 9)


def test_only_a_manager_of_the_workers_team_supervises(worker, other_team):
    stranger = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    stranger.managed_teams.add(other_team)
    for actor in (stranger, worker, UserFactory(team=worker.team, roles=[Role.PRACTITIONER])):
        with pytest.raises(PermissionDenied):
            _record(actor, worker)
    leader = UserFactory(team=worker.team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    assert _record(leader, worker).pk


def test_the_date_may_not_be_in_the_future(boss, worker):
    with pytest.raises(ValidationError) as refused:
        _record(boss, worker, held_on=date(2026, 11, 3))
    assert "held_on" in refused.value.message_dict


def test_a_case_outside_the_supervisors_scope_is_refused(boss, worker, other_team):
    elsewhere = EpisodeFactory(lead_professional=UserFactory(team=other_team))
    with pytest.raises(ValidationError):
        _record(boss, worker, cases=[{"episode": elsewhere.pk, "discussion": "x"}])
    assert not SupervisionCase.objects.exists()


def test_marking_an_action_done_checks_the_version(boss, worker):
    action = SupervisionActionFactory(
        supervision=SupervisionFactory(worker=worker, supervisor=boss)
    )
    with pytest.raises(StaleVersionError):
        services.supervision_action_done(actor=worker, action=action, expected_version=7)
    done = services.supervision_action_done(actor=worker, action=action, expected_version=1)
    assert done.done_on == TODAY
    with pytest.raises(StaleVersionError):  # the page read before it was done is now stale
        services.supervision_action_done(actor=boss, action=action, expected_version=1)


# ---------------------------------------------------------------- cadence on fixed dates


@pytest.mark.parametrize(
    ("last_on", "overdue"),
    [
        (None, True),
        (date(2026, 10, 5), False),  # exactly 4 weeks ago: due today, not yet overdue
        (date(2026, 10, 4), True),  # 4 weeks and a day
    ],
)
def test_overdue_by_the_packs_cadence(last_on, overdue):
    assert selectors.is_overdue(last_on, 4, TODAY) is overdue


def test_the_pack_cadence_changes_what_is_overdue(boss, worker):
    SupervisionFactory(worker=worker, supervisor=boss, held_on=date(2026, 9, 20))
    assert [r.overdue for r in selectors.worker_rows(boss)] == [True]
    assert list(selectors.overdue_workers(boss)) == [worker]
    SupervisionPolicy.objects.create(every_weeks=8, prompts=[])
    assert [r.overdue for r in selectors.worker_rows(boss)] == [False]
    assert not selectors.overdue_workers(boss).exists()


def test_the_work_tray_lists_overdue_supervision_for_managers(boss, worker):
    (section,) = [s for s in tray_for(boss) if s.key == "supervision_overdue"]
    assert section.count == 1 and section.items[0].hint == "Not supervised yet"
    assert not [s for s in tray_for(worker) if s.key == "supervision_overdue"]


# ---------------------------------------------------------------- personas and scope


def test_pages_for_the_manager_and_the_worker(boss, worker, episode, other_team):
    supervision = _record(boss, worker, cases=[{"episode": episode, "discussion": "<b>drift</b>"}])
    manager = sign_in_verified(Client(), boss)
    page = manager.get(reverse("oversight:index")).content.decode()
    assert html.escape(worker.get_full_name()) in page and "Overdue" not in page
    assert manager.get(reverse("oversight:record", args=[worker.pk])).status_code == 200
    detail = manager.get(reverse("oversight:detail", args=[supervision.pk])).content.decode()
    assert "&lt;b&gt;drift&lt;/b&gt;" in detail

    own = sign_in_verified(Client(), worker)
    assert own.get(reverse("oversight:detail", args=[supervision.pk])).status_code == 200
    assert own.get(reverse("oversight:worker", args=[worker.pk])).status_code == 200
    assert own.get(reverse("oversight:record", args=[worker.pk])).status_code == 403

    stranger = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    stranger.managed_teams.add(other_team)
    other = sign_in_verified(Client(), stranger)
    assert other.get(reverse("oversight:worker", args=[worker.pk])).status_code == 404
    assert other.get(reverse("oversight:record", args=[worker.pk])).status_code == 404
    assert other.get(reverse("oversight:detail", args=[supervision.pk])).status_code == 404
    colleague = sign_in_verified(Client(), UserFactory(team=worker.team, roles=[Role.PRACTITIONER]))
    assert colleague.get(reverse("oversight:detail", args=[supervision.pk])).status_code == 404
    chair = sign_in_verified(Client(), UserFactory(roles=[Role.PANEL_CHAIR]))
    assert chair.get(reverse("oversight:index")).status_code == 403


def test_recording_through_the_page_keeps_what_was_typed(boss, worker, episode):
    client = sign_in_verified(Client(), boss)
    url = reverse("oversight:record", args=[worker.pk])
    form = client.get(url).content.decode()
    assert "Disguised compliance" in form  # the pack's (or default) prompts
    key = f"case_{episode.pk}"
    data = {
        "held_on_0": "30",
        "held_on_1": "10",
        "held_on_2": "2026",
        f"{key}_discussed": "on",
        f"{key}_discussion": "",
        "action_0_what": "Visit",
        "reflections": "Kept",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Kept" in response.content.decode()
    data[f"{key}_discussion"] = "Drift since September"
    data.update({"action_0_who": "Lead", "action_0_by_when_0": "9", "action_0_by_when_1": "11"})
    data["action_0_by_when_2"] = "2026"
    response = client.post(url, data)
    assert response.status_code == 302
    case = SupervisionCase.objects.get()
    assert case.episode == episode and case.supervision.actions.count() == 1


def test_the_episode_notice_says_when_the_case_was_discussed(boss, worker, episode):
    _record(boss, worker, cases=[{"episode": episode, "discussion": "Secret words"}])
    notices = notices_for("episode", user=worker, record=episode)
    (notice,) = [n for n in notices if n.key == "supervision"]
    assert notice.lines == (f"Discussed in supervision on 30 Oct 2026 by {boss.get_full_name()}",)
    assert "Secret" not in str(notices)


def _index_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("oversight:index"))
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["rows"])


def _workers(boss, team, count):
    for n in range(count):
        worker = UserFactory(team=team, roles=[Role.PRACTITIONER])
        if n % 2:
            SupervisionFactory(worker=worker, supervisor=boss)


def test_the_index_costs_the_same_for_2_and_12_workers(boss, team):
    client = sign_in_verified(Client(), boss)
    client.get(reverse("oversight:index"))  # warm the session
    _workers(boss, team, 1)  # with the worker fixture's: 2
    few, rows = _index_queries(client)
    assert rows == 2
    _workers(boss, team, 10)
    many, rows = _index_queries(client)
    assert rows == 12
    assert many == few


# ---------------------------------------------------------------- API


def test_the_api_records_and_reads_supervision(boss, worker, episode, other_team):
    api = sign_in_verified(APIClient(), boss)
    body = {
        "worker": worker.pk,
        "held_on": "2026-10-30",
        "cases": [{"episode": str(episode.pk), "discussion": "Drift"}],
        "actions": [{"what": "Visit", "who": "Lead", "by_when": "2026-11-09"}],
    }
    response = api.post("/api/v1/supervisions/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["cases"][0]["episode"] == str(episode.pk)
    assert (
        api.post(
            "/api/v1/supervisions/", {**body, "held_on": "2026-12-01"}, format="json"
        ).status_code
        == 400
    )
    own = sign_in_verified(APIClient(), worker)
    assert own.get(f"/api/v1/supervisions/{created['id']}/").status_code == 200
    assert own.post("/api/v1/supervisions/", body, format="json").status_code == 403
    action_id = created["actions"][0]["id"]
    done = f"/api/v1/supervision-actions/{action_id}/done/"
    assert own.post(done, {"version": 9}, format="json").status_code == 409
    assert own.post(done, {"version": 1}, format="json").status_code == 200
    stranger = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    stranger.managed_teams.add(other_team)
    other = sign_in_verified(APIClient(), stranger)
    assert other.get(f"/api/v1/supervisions/{created['id']}/").status_code == 404
    assert other.post("/api/v1/supervisions/", body, format="json").status_code == 400
