"""The API never answers a malformed request, an oversized or over-nested body, or a failure
with a 500 page: malformed ids are 404, malformed query parameters and bodies 400/413, any
uncaught error a JSON 500 without internals, and an unreachable database a 503 with
Retry-After (JSON for the API, the GOV.UK page for pages)."""

import json
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.test import Client
from rest_framework import viewsets
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.tests.factories import EpisodeFactory
from core.api import Router
from core.parsers import MAX_JSON_DEPTH, JSONParser, json_depth
from earlyhelp.api_urls import router

pytestmark = pytest.mark.django_db

MALFORMED_IDS = [
    "not-a-uuid",
    "------------------------------------",  # 36 characters, like a UUID
    "0",
    "-1",
    "99999999999999999999999999",
    "1e3",
    "%20",
]


def api_for(user) -> APIClient:
    return sign_in_verified(APIClient(), user)


def _detail_urls(bad: str):
    """Every detail route and detail action of every viewset on the router, with ``bad`` as id."""
    for prefix, viewset, _basename in router.registry:
        yield "get", f"/api/v1/{prefix}/{bad}/"
        for extra in viewset.get_extra_actions():
            if not extra.detail:
                continue
            path = extra.url_path.replace("(?P<key>[a-z_]+)", "family").replace(
                "(?P<child_id>[1-9][0-9]{0,17})", "1"
            )
            for method in extra.mapping:
                yield method, f"/api/v1/{prefix}/{bad}/{path}/"


@pytest.mark.parametrize("bad", MALFORMED_IDS)
def test_a_malformed_id_is_404_json_on_every_route(bad):
    api = api_for(UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]))
    for method, url in _detail_urls(bad):
        response = getattr(api, method)(url, {}, format="json")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), (
            method,
            url,
        )


def test_the_family_plan_routes_that_failed_are_404():
    api = api_for(UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]))
    bad = "------------------------------------"
    assert api.get(f"/api/v1/episode-plans/{bad}/").status_code == 404
    for action in ("actions", "outcomes", "reviews"):
        assert (
            api.post(f"/api/v1/episode-plans/{bad}/{action}/", {}, format="json").status_code == 404
        )


def test_every_viewset_declares_its_id_shape_and_parses_with_the_limited_parser():
    for _prefix, viewset, _basename in router.registry:
        assert viewset.lookup_value_regex, viewset
        assert viewset.parser_classes == [JSONParser], viewset
    assert api_settings.DEFAULT_PARSER_CLASSES == [JSONParser]


def test_the_router_refuses_a_viewset_without_an_id_shape():
    class Loose(viewsets.ViewSet):
        def retrieve(self, request, pk=None):  # pragma: no cover - never routed
            return None

    loose = Router()
    loose.register("loose", Loose, basename="loose")
    with pytest.raises(ImproperlyConfigured, match="lookup_value_regex"):
        loose.urls  # noqa: B018 - building the URLs is the check


@pytest.mark.parametrize(
    "query",
    [
        "year=0",
        "year=10000",
        "year=-5",
        "year=nope",
        "year=1e3",
        "panel=abc",
        "panel=0",
        "panel=99999999999999999999",
    ],
)
def test_panel_meeting_filters_out_of_range_are_400(practitioner_client, query):
    response = practitioner_client.get(f"/api/v1/panel-meetings/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


def test_panel_meeting_filters_in_range_are_200(practitioner_client):
    assert practitioner_client.get("/api/v1/panel-meetings/?year=9999&panel=1").status_code == 200


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_is_400_on_any_json_endpoint(depth):
    user = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    episode = EpisodeFactory(lead_professional=user)
    api = api_for(user)
    body = '{"name": ' + _nested(depth) + "}"
    for url in (
        "/api/v1/people/search/",
        f"/api/v1/episodes/{episode.pk}/stage/",
        "/api/v1/assessments/",
        "/api/v1/consent-decisions/",
    ):
        response = api.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 400, url
        assert "nested too deeply" in response.json()["detail"]


def test_nesting_within_the_limit_parses_and_brackets_in_strings_do_not_count():
    assert json_depth(_nested(MAX_JSON_DEPTH)) == MAX_JSON_DEPTH
    assert json_depth('{"a": "[[[[[[\\"[[[[", "b": [1, {"c": "]]]"}]}') == 3
    api = api_for(UserFactory(roles=[Role.PRACTITIONER]))
    response = api.post("/api/v1/people/search/", {"name": "[" * 200}, format="json")
    assert response.status_code == 200


def test_a_body_over_the_upload_limit_is_413_json(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = api_for(UserFactory(roles=[Role.PRACTITIONER]))
    response = api.post("/api/v1/people/search/", {"name": "x" * 1000}, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert api.post("/api/v1/people/search/", {"name": "x" * 100}, format="json").status_code == 200


def test_a_form_body_is_415_not_parsed(practitioner_client):
    response = practitioner_client.post("/api/v1/people/search/", {"name": "Smith"})
    assert response.status_code == 415


def test_invalid_json_and_nan_are_400():
    api = api_for(UserFactory(roles=[Role.PRACTITIONER]))
    for body in ("{", '{"name": NaN}', b'{"name": "\xff"}'):
        response = api.generic(
            "POST", "/api/v1/people/search/", body, content_type="application/json"
        )
        assert response.status_code == 400, body


# --- failures ----------------------------------------------------------------------


def _quiet_client(user) -> Client:
    # The test client re-raises a view's exception by default; a real server answers.
    return sign_in_verified(Client(raise_request_exception=False), user)


def test_an_uncaught_api_error_is_a_json_500_without_internals():
    user = UserFactory(roles=[Role.PRACTITIONER])
    client = _quiet_client(user)
    with mock.patch(
        "people.selectors.people_for", side_effect=RuntimeError("secret internals /srv/app.py")
    ):
        response = client.get("/api/v1/people/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == "Sorry, there is a problem with the service."
    assert body["request_id"] == response["X-Request-ID"]
    assert (
        "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    )
    assert "Retry-After" not in response


def test_database_unavailable_is_a_json_503_with_retry_after_for_the_api():
    client = _quiet_client(UserFactory(roles=[Role.PRACTITIONER]))
    with mock.patch(
        "people.selectors.people_for", side_effect=OperationalError("could not connect to server")
    ):
        response = client.get("/api/v1/people/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"] == "The service is unavailable. Try again shortly."
    assert "connect" not in response.content.decode()


def test_database_unavailable_is_the_govuk_503_page_for_pages():
    client = _quiet_client(UserFactory(roles=[Role.PRACTITIONER]))
    with mock.patch(
        "core.views.scope.can_see_case_records", side_effect=OperationalError("server closed")
    ):
        response = client.get("/home/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html and "govuk-heading-l" in html
    assert "server closed" not in html


def test_database_unavailable_while_loading_the_session_is_a_503():
    # The outage is met before any view runs (the session and user are read first).
    client = _quiet_client(UserFactory(roles=[Role.PRACTITIONER]))
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db",
        side_effect=OperationalError("connection refused"),
    ):
        api = client.get("/api/v1/people/")
        page = client.get("/people/families/")
    assert (api.status_code, api["Content-Type"], api["Retry-After"]) == (
        503,
        "application/json",
        "30",
    )
    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "Sorry, the service is unavailable" in page.content.decode()


def test_an_uncaught_page_error_is_still_the_500_page():
    client = _quiet_client(UserFactory(roles=[Role.PRACTITIONER]))
    with mock.patch("core.views.scope.can_see_case_records", side_effect=RuntimeError("boom")):
        response = client.get("/home/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_django_refusals_under_the_api_are_json():
    # Django refuses some requests (a form body over the limit, CSRF) before any API view runs.
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
    from django.test import RequestFactory

    from core import views

    api, page = (
        RequestFactory().post("/api/v1/people/search/"),
        RequestFactory().post("/people/search/"),
    )
    too_big = views.bad_request(api, RequestDataTooBig("x"))
    assert (too_big.status_code, json.loads(too_big.content)) == (
        413,
        {"detail": "The request body is too large."},
    )
    bad = views.bad_request(api, SuspiciousOperation("x"))
    assert (bad.status_code, json.loads(bad.content)) == (400, {"detail": "Bad request."})
    denied = views.permission_denied(api)
    assert denied.status_code == 403 and denied["Content-Type"] == "application/json"
    assert views.bad_request(page, RequestDataTooBig("x")).status_code == 413


@pytest.mark.parametrize("huge", [2**63, -(2**63) - 1, 10**30])
def test_ids_in_bodies_beyond_any_database_integer_are_400(huge):
    user = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    episode = EpisodeFactory(lead_professional=user)
    api = api_for(user)
    base = f"/api/v1/episodes/{episode.pk}/"
    response = api.post(
        base + "lead-professional/", {"lead_professional": huge, "reason": "x"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["lead_professional"])
    response = api.post(base + "need-level/", {"need_level": huge, "reason": "x"}, format="json")
    assert (response.status_code, response.json()) == (400, {"need_level": ["Not found"]})


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/episodes/?family=not-a-uuid",
        "/api/v1/episodes/?caseload=everyone",
        "/api/v1/assessments/?family=1",
        "/api/v1/consent-decisions/?family=%00",
        "/api/v1/consent-overrides/?family=------------------------------------",
        "/api/v1/consent-decisions/panel-referral-permission/",
        "/api/v1/consent-decisions/panel-referral-permission/?family=x",
        "/api/v1/support-requests/?status=nonsense",
    ],
)
def test_malformed_query_parameters_are_400_naming_the_parameter(url):
    api = api_for(UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]))
    response = api.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0] if "?" in url else "family"
    assert list(response.json()) == [name]


def test_an_unknown_family_in_a_query_is_404():
    api = api_for(UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]))
    response = api.get("/api/v1/episodes/?family=00000000-0000-0000-0000-000000000000")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_production_settings_keep_the_limited_parser_and_the_error_handlers():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    from core.tests.test_operations import _production_env

    code = (
        "import django; django.setup();"
        "from rest_framework.settings import api_settings;"
        "from core.parsers import JSONParser;"
        "from django.conf import settings;"
        "from django.urls import get_resolver;"
        "assert api_settings.DEFAULT_PARSER_CLASSES == [JSONParser], api_settings.DEFAULT_PARSER_CLASSES;"
        "assert api_settings.EXCEPTION_HANDLER.__module__ == 'core.api';"
        "assert get_resolver().resolve_error_handler(500).__name__ == 'server_error';"
        "import io; from rest_framework.exceptions import ParseError\n"
        "try:\n"
        "    JSONParser().parse(io.BytesIO(b'[' * 5000 + b']' * 5000)); raise SystemExit('parsed')\n"
        "except ParseError: print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr


def test_id_lists_in_bodies_beyond_any_database_integer_are_400():
    # Agency.objects.filter(pk__in=[10**30]) raises OverflowError on SQLite: the field refuses it first.
    from people.tests.factories import family_with_members

    user = UserFactory(roles=[Role.PRACTITIONER])
    family = family_with_members(team=user.team, children=1, adults=1)
    response = api_for(user).post(
        "/api/v1/consent-decisions/",
        {"family": str(family.pk), "agencies": [1, 10**30]},
        format="json",
    )
    assert response.status_code == 400
    assert "agencies" in response.json()


def test_an_error_from_the_pdf_route_is_json_even_when_a_pdf_was_asked_for():
    api = api_for(UserFactory(roles=[Role.PRACTITIONER]))
    for url in (
        "/api/v1/assessments/00000000-0000-0000-0000-000000000000/pdf/?format=pdf",
        "/api/v1/assessments/00000000-0000-0000-0000-000000000000/pdf/",
    ):
        response = api.get(url, HTTP_ACCEPT="application/pdf")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), url
        assert response.json() == {"detail": "Not found."}
