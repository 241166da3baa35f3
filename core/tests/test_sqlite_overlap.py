"""Overlapping requests on the SQLite quick start all succeed: none fails with "database is
locked".

Every request is one transaction (ATOMIC_REQUESTS) that writes at least an audit row, so on
SQLite two requests at once contend for the one write lock. The settings make them queue (busy
timeout, BEGIN IMMEDIATE, WAL). This test goes through HTTP as users do: a real
``manage.py runserver`` (the quick start's server, one thread per request) on a SQLite file
migrated for the test. The in-memory database pytest-django gives SQLite runs lives inside this
process, so it could not show locking between the server's connections; the file can.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the quick start's SQLite locking; PostgreSQL runs writers side by side "
    "(test_concurrency.py covers that)",
)

ROOT = Path(settings.BASE_DIR)
READERS = 8
WRITERS = 8
ROUNDS = 5

# Run on the server's database with the settings the server uses: `migrate`, then a practitioner
# signed in (session cookie, verified second factor) and holding an API token, and a family of
# their team with one member per writer.
SETUP = f"""
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
# Only users made here: the production hasher's million rounds are not what this test is about.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.test import Client
from accounts.models import Role
from accounts.tests.factories import UserFactory, issue_api_token, sign_in_verified
from core.tests.factories import TeamFactory
from people.tests.factories import family_with_members

team = TeamFactory()
user = UserFactory(team=team, roles=[Role.PRACTITIONER])
family = family_with_members(team=team, children=0, adults={WRITERS})
client = sign_in_verified(Client(), user)
print(json.dumps({{
    "cookie": [settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value],
    "token": issue_api_token(user),
    "family": str(family.pk),
    "people": [[str(m.person.pk), m.person.version] for m in family.members.all()],
}}))
"""


def _run(command, env) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def quick_start(tmp_path):
    """A migrated SQLite file, its test data, and runserver answering on it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quick.sqlite3'}",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    data = json.loads(_run([sys.executable, "-c", SETUP], env).strip().splitlines()[-1])
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or its first answer (loading every URL) is slow on a busy
                # machine: ask again.
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.1)
        else:
            pytest.fail("runserver did not answer: " + (tmp_path / "server.log").read_text())
        yield {**data, "base": base, "db": tmp_path / "quick.sqlite3"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_overlapping_requests_on_sqlite_all_succeed(quick_start):
    base = quick_start["base"]
    family_id = quick_start["family"]
    cookie_name, cookie_value = quick_start["cookie"]
    barrier = threading.Barrier(READERS + WRITERS)

    def read_family_page():
        with requests.Session() as web:
            web.cookies.set(cookie_name, cookie_value)
            barrier.wait(timeout=30)
            return [
                web.get(f"{base}/people/families/{family_id}/", timeout=60).status_code
                for _ in range(ROUNDS)
            ]

    def update_person(person_id, version):
        with requests.Session() as api:
            api.headers["Authorization"] = f"Token {quick_start['token']}"
            barrier.wait(timeout=30)
            statuses = []
            for round_ in range(ROUNDS):
                answer = api.patch(
                    f"{base}/api/v1/people/{person_id}/",
                    json={"version": version, "preferred_name": f"Round {round_}"},
                    timeout=60,
                )
                statuses.append(answer.status_code)
                if answer.status_code == 200:
                    version = answer.json()["version"]
            return statuses

    calls = [read_family_page] * READERS + [
        lambda p=person_id, v=version: update_person(p, v)
        for person_id, version in quick_start["people"]
    ]
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Every page read and every update answered 200. A "database is locked" would show here as a
    # 503: the error page answers any OperationalError that way (it was a 500 when reported).
    assert results == [[200] * ROUNDS] * (READERS + WRITERS), results

    db = sqlite3.connect(quick_start["db"])
    try:
        # Exactly one audit row per page read: none lost with a failed request, none doubled.
        views = db.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'view' AND via = 'web' "
            "AND record_type = 'people.family' AND record_id = ?",
            [family_id],
        ).fetchone()[0]
        assert views == READERS * ROUNDS
        for person_id, version in quick_start["people"]:
            # Each person's five updates all saved, each audited once.
            assert db.execute(
                "SELECT version, preferred_name FROM people_person WHERE id = ?",
                [person_id.replace("-", "")],
            ).fetchone() == (version + ROUNDS, f"Round {ROUNDS - 1}")
            assert (
                db.execute(
                    "SELECT count(*) FROM core_auditevent WHERE action = 'update' "
                    "AND record_type = 'people.person' AND record_id = ?",
                    [person_id],
                ).fetchone()[0]
                == ROUNDS
            )
    finally:
        db.close()
