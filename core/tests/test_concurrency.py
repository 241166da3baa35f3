"""Simultaneous changes to one record: each request succeeds or is refused cleanly (400/409),
never a 500, and no change or history row is lost.

The threads run real requests, each on its own database connection, so this only means
something where the database runs transactions side by side: PostgreSQL (what production
runs). On SQLite writers queue instead; ``test_sqlite_writers_wait_their_turn`` checks that.
"""

import sqlite3
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.models import AssessmentSection
from assessments.tests.factories import AssessmentFactory
from casework.models import Episode, EpisodeHistory
from casework.tests.factories import EpisodeFactory
from core.models import AuditEvent
from core.tests.factories import AreaFactory, NeedLevelFactory, TeamFactory
from panel import services as panel_services
from panel.models import AgencyResponse
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral
from people.tests.factories import family_with_members

LONDON = ZoneInfo("Europe/London")
# What earlyhelp.settings gives a SQLite database (checked against the settings on SQLite runs).
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL",
}
ON_POSTGRES = connection.vendor == "postgresql"

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: SQLite runs one writer at a time"
)


def _client(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


def _together(calls):
    """Run each call on its own thread (and connection), released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _statuses(results) -> list[int]:
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    return [result.status_code for result in results]


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_lead_professional_and_level_changes_to_one_episode():
    """The reported failure: 11 of 30 such requests were 500s (Episode.DoesNotExist)."""
    episode = EpisodeFactory()
    NeedLevelFactory(level=2, name="Universal plus")
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    colleagues = [UserFactory(roles=[Role.PRACTITIONER]) for _ in range(15)]
    base = f"/api/v1/episodes/{episode.pk}/"
    calls = []
    for i, colleague in enumerate(colleagues):
        lead_api, level_api = _client(leader), _client(leader)
        calls.append(
            lambda api=lead_api, c=colleague: api.post(
                base + "lead-professional/",
                {"lead_professional": c.pk, "reason": "Moved"},
                format="json",
            )
        )
        calls.append(
            lambda api=level_api, level=(2 if i % 2 == 0 else 3): api.post(
                base + "need-level/", {"need_level": level, "reason": "Reviewed"}, format="json"
            )
        )
    version_before = episode.version

    statuses = _statuses(_together(calls))

    assert set(statuses) <= {200, 400, 409}, statuses
    lead_ok = sum(1 for s in statuses[0::2] if s == 200)
    level_ok = sum(1 for s in statuses[1::2] if s == 200)
    assert lead_ok == len(colleagues)  # each names a different person: none is refused
    assert level_ok >= 1
    episode = Episode.objects.get(pk=episode.pk)
    history = EpisodeHistory.objects.filter(episode=episode)
    assert history.filter(change=EpisodeHistory.Change.LEAD_PROFESSIONAL).count() == lead_ok
    assert history.filter(change=EpisodeHistory.Change.NEED_LEVEL).count() == level_ok
    assert episode.version == version_before + lead_ok + level_ok
    # The history is a chain: each change starts from where the one before it ended.
    leads = list(
        history.filter(change=EpisodeHistory.Change.LEAD_PROFESSIONAL).order_by("at", "pk")
    )
    for before, after in zip(leads, leads[1:], strict=False):
        assert after.from_value == before.to_value
    assert len({row.to_value for row in leads}) == len(colleagues)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_assessment_section():
    team = TeamFactory()
    worker = UserFactory(team=team, roles=[Role.PRACTITIONER])
    family = family_with_members(team=team, children=1, adults=1)
    child = family.members.filter(role="child").first().person
    assessment = AssessmentFactory(worker=worker, family=family, children=[child])
    url = f"/api/v1/assessments/{assessment.pk}/sections/parenting/"
    apis = [_client(worker) for _ in range(12)]

    statuses = _statuses(
        _together(
            [
                lambda api=api: api.put(
                    url, {"answers": {}, "completed": False, "version": 0}, format="json"
                )
                for api in apis
            ]
        )
    )

    # Everyone read version 0: the first save wins, every other one is told it is stale.
    assert sorted(statuses) == [200] + [409] * 11, statuses
    (row,) = AssessmentSection.objects.filter(assessment=assessment, key="parenting")
    assert row.version == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_agency_responses_to_one_panel_case(time_machine):
    time_machine.move_to(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False)
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    panel = PanelFactory(area=AreaFactory())
    panel_services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    case = panel_services.panel_case_log(
        actor=staff, referral=panel_referral(panel, datetime(2026, 12, 30, 11, 0, tzinfo=LONDON))
    )
    panel_services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    police = PanelSeatMemberFactory(seat__panel=panel, user__roles=[Role.PANEL_MEMBER]).seat
    health = PanelSeatMemberFactory(seat__panel=panel, user__roles=[Role.PANEL_MEMBER]).seat
    members = []
    for seat in (police, health):
        members += [m.user for m in seat.members.all()]
        members += [
            PanelSeatMemberFactory(seat=seat, user__roles=[Role.PANEL_MEMBER]).user
            for _ in range(4)
        ]
    url = f"/api/v1/panel-cases/{case.pk}/responses/"
    apis = [_client(user) for user in members]

    statuses = _statuses(
        _together(
            [
                lambda api=api: api.post(url, {"known": False, "version": 0}, format="json")
                for api in apis
            ]
        )
    )

    # One new response per seat; everyone else on that seat is told it was just written.
    assert sorted(statuses[:5]) == [201] + [409] * 4, statuses
    assert sorted(statuses[5:]) == [201] + [409] * 4, statuses
    assert AgencyResponse.objects.filter(case=case).count() == 2
    assert set(AgencyResponse.objects.filter(case=case).values_list("version", flat=True)) == {1}
    assert (
        AuditEvent.objects.filter(record_type="panel.agencyresponse", action="create").count() == 2
    )


def test_sqlite_writers_wait_their_turn(tmp_path, django_db_blocker):
    """With the settings' SQLite options, transactions that read and then write do not fail
    with "database is locked" when they overlap: they queue (BEGIN IMMEDIATE), and readers
    are not blocked by the writer (WAL)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = SQLITE_OPTIONS
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options == SQLITE_OPTIONS
    path = tmp_path / "shared.sqlite3"
    setup = sqlite3.connect(path)
    # As `migrate` does before anyone uses the quick start: the first connection switches the file
    # to WAL. (Several connections switching a new file at the same moment can be refused at once,
    # busy timeout or not; that never happens to a database that has been migrated.)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    setup.execute("INSERT INTO counter VALUES (1, 0)")
    setup.commit()
    setup.close()

    def wrapper():
        return DatabaseWrapper(
            {
                **settings.DATABASES["default"],
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": options,
                "TEST": {},
                "ATOMIC_REQUESTS": False,
                "AUTOCOMMIT": True,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "TIME_ZONE": None,
            },
            alias="sqlite_check",
        )

    def increment():
        db = wrapper()
        try:
            for _ in range(10):
                with _atomic(db):
                    with db.cursor() as cursor:
                        cursor.execute("SELECT n FROM counter WHERE id = 1")
                        (n,) = cursor.fetchone()
                        cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
            return "ok"
        finally:
            db.close()

    with django_db_blocker.unblock():
        results = _together([increment for _ in range(6)])

    assert results == ["ok"] * 6
    check = sqlite3.connect(path)
    assert check.execute("SELECT n FROM counter").fetchone() == (60,)  # no update lost
    assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    check.close()


class _atomic:
    """A transaction on a stand-alone connection, the way Django's atomic() begins one."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.ensure_connection()
        # What atomic() does on SQLite: BEGIN <transaction_mode> at once.
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.db.commit()
        else:
            self.db.rollback()
        self.db.set_autocommit(True)


def test_services_lock_rows_only_through_core_concurrency():
    """A bare select_for_update() can bring back the lost-row bug (a join re-checked after the
    wait); services lock through core.concurrency instead."""
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    # Locks one API token by primary key, with no joins (the accounts app's token rotation).
    allowed = {"core/concurrency.py", "accounts/services.py"}
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts
        and "node_modules" not in path.parts
        and "tests" not in path.parts
        and str(path.relative_to(root)) not in allowed
        and "select_for_update(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
