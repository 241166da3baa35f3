"""Security headers (ADR 0010): Content-Security-Policy, Permissions-Policy and no-store."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from people.tests.factories import FamilyFactory, family_with_members

pytestmark = pytest.mark.django_db

# The whole site-wide policy, directive by directive: a new source anywhere is a decision for
# ADR 0010, not a side effect.
SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "worker-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

DENIED_FEATURES = (
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "bluetooth",
    "hid",
)


def csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


def permissions_policy(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def assert_never_stored(response) -> None:
    expected = {"no-store", "no-cache", "private", "must-revalidate", "max-age=0"}
    assert expected <= cache_control(response)
    assert "public" not in cache_control(response)
    assert "Expires" in response


def assert_strict_csp(response) -> None:
    policy = csp(response)
    assert policy == SITE_POLICY
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]


@pytest.fixture
def our_family(team):
    return family_with_members(team=team, children=2, adults=1)


# ------------------------------------------------------------------ signed-in pages


def family_page(family) -> str:
    return reverse("people:family_detail", kwargs={"family_id": family.pk})


def test_family_page_has_the_strict_policy_and_is_never_stored(practitioner_client, our_family):
    response = practitioner_client.get(family_page(our_family))

    assert response.status_code == 200
    assert our_family.reference in response.content.decode()
    assert_strict_csp(response)
    assert_never_stored(response)
    policy = permissions_policy(response)
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature


def test_out_of_scope_family_404_is_never_stored_either(practitioner_client, other_team):
    family = FamilyFactory(team=other_team)

    response = practitioner_client.get(family_page(family))

    assert response.status_code == 404
    assert_strict_csp(response)
    assert_never_stored(response)


def test_signed_in_page_has_no_inline_script_or_style(practitioner_client, our_family):
    html = practitioner_client.get(family_page(our_family)).content.decode()

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == [
        '<script src="/static/js-enabled.js">',
        '<script type="module" src="/static/app.js">',
    ]
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


# ------------------------------------------------------------------ the API


def test_api_family_read_is_never_stored(practitioner_client, our_family):
    response = practitioner_client.get(f"/api/v1/families/{our_family.pk}/")

    assert response.status_code == 200
    assert str(response.json()["id"]) == str(our_family.pk)
    assert_never_stored(response)
    assert_strict_csp(response)


def test_api_people_list_is_never_stored(practitioner_client, our_family):
    response = practitioner_client.get("/api/v1/people/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert_never_stored(response)


def test_api_refusal_without_credentials_is_never_stored(client):
    response = client.get("/api/v1/people/")

    assert response.status_code == 401
    assert_never_stored(response)


# ------------------------------------------------------------------ public pages and files


def test_public_ask_for_help_page_is_never_stored_and_strict(client, council):
    response = client.get(reverse("support_requests:ask_start"))

    assert response.status_code == 200
    # What someone types about their family may be on a shared computer: never kept.
    assert_never_stored(response)
    assert_strict_csp(response)
    assert permissions_policy(response)["camera"] == "()"


def test_sign_in_page_is_strict(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert_strict_csp(response)
    assert_never_stored(response)


def test_static_files_stay_cacheable(client):
    response = client.get("/static/app.css")

    assert response.status_code == 200
    directives = cache_control(response)
    assert "public" in directives
    assert any(d.startswith("max-age=") and int(d.split("=")[1]) > 0 for d in directives)
    assert "no-store" not in directives
    assert "private" not in directives


def test_static_scripts_are_served_for_the_pages(client):
    for name in ("app.js", "js-enabled.js", "govuk/govuk-frontend.min.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/javascript"), name


# ------------------------------------------------------------------ the API documentation


def test_api_docs_page_widens_the_policy_only_for_data_images(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    policy = csp(response)
    assert policy == {**SITE_POLICY, "img-src": ["'self'", "data:"]}
    html = response.content.decode()
    assert "<style" not in html
    assert "cdn" not in html.lower()
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">',
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/'
        'swagger-ui-standalone-preset.js">',
        '<script src="/api/docs/?script=">',
    ]
    assert_never_stored(response)


def test_api_docs_start_up_script_is_a_separate_file(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in response.content.decode()


def test_other_pages_do_not_get_the_api_docs_widening(client):
    assert "data:" not in client.get(reverse("accounts:login"))["Content-Security-Policy"]


# ------------------------------------------------------------------ the templates themselves

INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _project_templates():
    root = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "static", "staticfiles", ".git"}
    for path in root.rglob("*.html"):
        if not skip.intersection(path.relative_to(root).parts):
            yield path


def test_no_template_has_inline_script_or_style():
    # The policy would block these in the browser; catching them here names the file.
    found = []
    templates = list(_project_templates())
    assert len(templates) > 50
    for path in templates:
        text = path.read_text()
        for label, pattern in INLINE_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{path.relative_to(settings.BASE_DIR)}: {label}")
    assert found == []


def test_styles_moved_out_of_templates_are_in_the_built_stylesheet():
    # Built by `npm run build` (make setup); the templates only name these classes.
    css = (Path(settings.BASE_DIR) / "static" / "build" / "app.css").read_text()
    for rule in (
        ".app-member-pack *{display:none !important}",
        '.app-member-pack::after{content:"This pack cannot be printed"',
        ".pack-watermark{position:fixed",
        ".app-js-only{display:none}",
        ".app-inline-form{display:inline",
    ):
        assert rule in css, rule
