"""Operational behaviour: health check, error pages, access log, production settings."""

import logging
import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import path, reverse

from accounts.tests.factories import sign_in_verified
from core import views as core_views
from earlyhelp.urls import urlpatterns as project_urlpatterns
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

DISTINCTIVE_FIRST = "Zebedee"
DISTINCTIVE_LAST = "Quarrington-Fothergill"


def _boom(request):
    raise RuntimeError(f"failure while handling {DISTINCTIVE_LAST}")


# Used only by test_an_unhandled_error_renders_the_500_page_through_the_handler, via
# override_settings(ROOT_URLCONF=__name__): the real URLs plus one view that fails.
urlpatterns = [path("test-only/boom/", _boom, name="test-boom"), *project_urlpatterns]
handler500 = "core.views.server_error"
handler404 = "core.views.page_not_found"


@pytest.fixture
def out_of_scope_person(db, other_team):
    person = PersonFactory(first_name=DISTINCTIVE_FIRST, last_name=DISTINCTIVE_LAST)
    FamilyMemberFactory(family=FamilyFactory(team=other_team), person=person)
    return person


def _template_names(response) -> list[str]:
    return [t.name for t in (response.templates or [])]


# --- Health check ------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


# --- 404 -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_url_gets_the_govuk_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "errors/404.html" in _template_names(response)
    content = response.content.decode()
    assert "govuk-template" in content
    assert "Page not found" in content


@pytest.mark.django_db
def test_out_of_scope_person_gets_the_404_page_without_their_details(
    client, practitioner, out_of_scope_person
):
    sign_in_verified(client, practitioner)
    response = client.get(reverse("people:person_detail", args=[out_of_scope_person.pk]))
    assert response.status_code == 404
    assert "errors/404.html" in _template_names(response)
    content = response.content.decode()
    assert "govuk-template" in content
    assert DISTINCTIVE_FIRST not in content
    assert DISTINCTIVE_LAST not in content
    assert str(out_of_scope_person.pk) not in content


@pytest.mark.django_db
def test_out_of_scope_person_via_the_api_is_a_bare_not_found(
    client, practitioner, out_of_scope_person
):
    sign_in_verified(client, practitioner)
    response = client.get(f"/api/v1/people/{out_of_scope_person.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert DISTINCTIVE_LAST.encode() not in response.content


# --- 500 -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_server_error_page_says_sorry_and_echoes_nothing_from_the_request(out_of_scope_person):
    request = RequestFactory().get(
        f"/people/{out_of_scope_person.pk}/", {"name": DISTINCTIVE_LAST}, HTTP_X_REQUEST_ID="abc123"
    )
    response = core_views.server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem" in content
    assert "govuk-template" in content
    for leaked in (DISTINCTIVE_LAST, str(out_of_scope_person.pk), "abc123", "/people/"):
        assert leaked not in content


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_error_renders_the_500_page_through_the_handler(client):
    client.raise_request_exception = False
    response = client.get("/test-only/boom/", {"name": DISTINCTIVE_FIRST})
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem" in content
    assert DISTINCTIVE_FIRST not in content
    assert DISTINCTIVE_LAST not in content  # the exception's message stays out of the page
    assert "RuntimeError" not in content


# --- Access log ----------------------------------------------------------------------


def _access_records(caplog):
    return [r for r in caplog.records if r.name == "earlyhelp.access"]


@pytest.mark.django_db
def test_access_log_names_the_route_not_the_path_or_query(client, practitioner, team, caplog):
    sign_in_verified(client, practitioner)
    person = PersonFactory()
    FamilyMemberFactory(family=FamilyFactory(team=team), person=person)
    caplog.set_level(logging.INFO, logger="earlyhelp.access")
    response = client.get(
        f"/api/v1/people/{person.pk}/", {"name": DISTINCTIVE_LAST, "dob": "2015-03-04"}
    )
    assert response.status_code == 200
    (record,) = _access_records(caplog)
    assert record.route == "api:person-detail"
    assert (record.method, record.status, record.user_id) == ("GET", 200, practitioner.pk)
    logged = caplog.text + repr(vars(record))
    assert str(person.pk) not in logged
    assert person.pk.hex not in logged
    assert DISTINCTIVE_LAST not in logged
    assert "2015-03-04" not in logged
    assert "name=" not in logged


@pytest.mark.django_db
def test_access_log_for_an_unknown_path_says_not_found(client, caplog):
    caplog.set_level(logging.INFO, logger="earlyhelp.access")
    client.get(f"/{DISTINCTIVE_LAST}/secret", {"q": DISTINCTIVE_FIRST})
    (record,) = _access_records(caplog)
    assert record.route == "not_found"
    assert record.status == 404
    logged = caplog.text + repr(vars(record))
    assert DISTINCTIVE_LAST not in logged
    assert DISTINCTIVE_FIRST not in logged


# --- Production settings ---------------------------------------------------------------


def _random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DEBUG",
            "DEMO_MODE",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="earlyhelp.settings_production",
        SECRET_KEY=_random_secret(),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/earlyhelp",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", env=_production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_refuse_a_weak_secret_key():
    result = _manage("check", env=_production_env(SECRET_KEY="insecure-" + "x" * 60))
    assert result.returncode != 0
    assert "SECRET_KEY must be a long random value" in result.stderr


def test_production_settings_refuse_sqlite():
    result = _manage("check", env=_production_env(DATABASE_URL="sqlite:////tmp/earlyhelp.sqlite3"))
    assert result.returncode != 0
    assert "Production runs on PostgreSQL" in result.stderr
