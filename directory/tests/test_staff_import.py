"""The import page: a dry run first (nothing saved), errors by item and path, then Import; and
marking defunct the services a whole-directory feed no longer lists."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.roles import Role
from directory import models as m
from directory.importer import oruk_import
from directory.standard import ROOT
from directory.tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
URL = "/directory/import/"


def example(name="service_full.json"):
    return json.loads((ROOT / "examples" / name).read_text())


def upload(data, name="feed.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


@pytest.fixture
def admin():
    return sign_in_verified(Client(), UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR]))


def test_the_url_names():
    assert reverse("directory:staff_import") == URL
    assert reverse("directory:staff_import_confirm") == URL + "confirm/"


def test_a_dry_run_shows_counts_and_saves_nothing_then_import_saves(admin):
    response = admin.post(URL, {"feed": upload(example()), "kind": "service"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The feed is valid Open Referral UK 3.0" in body
    assert m.Service.objects.count() == 0
    rows = {r[0]: r[1:] for r in response.context["table_rows"]}
    assert rows["Service"] == (1, 0, 0)
    token = response.context["token"]
    assert token and token not in response.request["PATH_INFO"]
    # The feed waits in the session, not in a URL nor a file.
    assert admin.session["directory_import"]["data"]["id"] == SERVICE_ID
    response = admin.post(reverse("directory:staff_import_confirm"), {"token": token})
    assert response.status_code == 200
    assert "Feed imported" in response.content.decode()
    assert m.Service.objects.filter(pk=SERVICE_ID).exists()
    assert "directory_import" not in admin.session
    events = AuditEvent.objects.filter(action="directory.import").order_by("id")
    assert [e.detail["dry_run"] for e in events] == [True, False]


def test_errors_are_shown_by_item_and_path_and_nothing_can_be_imported(admin):
    bad = example()
    bad["status"] = "open"
    del bad["name"]
    response = admin.post(URL, {"feed": upload([example(), bad]), "kind": "service"})
    body = response.content.decode()
    assert "The feed cannot be imported" in body
    assert "<code>/status</code>" in body
    assert "&#x27;name&#x27; is a required property" in body
    assert response.context["token"] is None
    assert "directory_import" not in admin.session
    assert m.Service.objects.count() == 0


def test_a_file_that_is_not_json_is_a_form_error(admin):
    response = admin.post(URL, {"feed": upload(b"\x89PNG not json"), "kind": "service"})
    assert "The file must be JSON (an Open Referral UK feed)" in response.content.decode()
    assert response.context["report"] is None


def test_import_without_a_checked_feed_or_with_a_wrong_token_goes_back(admin):
    confirm = reverse("directory:staff_import_confirm")
    assert admin.post(confirm, {"token": "x"})["Location"] == URL
    admin.post(URL, {"feed": upload(example()), "kind": "service"})
    assert admin.post(confirm, {"token": "wrong"})["Location"] == URL
    assert m.Service.objects.count() == 0


def test_only_administrators_may_confirm():
    leader = sign_in_verified(Client(), UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]))
    assert leader.post(URL, {"feed": upload(example()), "kind": "service"}).status_code == 403
    assert leader.post(reverse("directory:staff_import_confirm")).status_code == 403


def test_a_whole_directory_feed_marks_the_services_it_no_longer_lists_defunct(admin):
    organization = OrganizationFactory(pk=ORGANIZATION_ID)
    gone = ServiceFactory(organization=organization, status="active")
    already = ServiceFactory(organization=organization, status="defunct")
    elsewhere = ServiceFactory(status="active")
    response = admin.post(
        URL, {"feed": upload(example()), "kind": "service", "retire_missing": "on"}
    )
    assert response.context["report"].defunct == 1
    assert "To mark defunct: 1 service the feed no longer lists." in response.content.decode()
    gone.refresh_from_db()
    assert gone.status == "active"
    response = admin.post(
        reverse("directory:staff_import_confirm"), {"token": response.context["token"]}
    )
    assert "Marked defunct: 1 service the feed no longer lists." in response.content.decode()
    statuses = dict(m.Service.objects.values_list("pk", "status"))
    assert statuses[gone.pk] == "defunct"
    assert statuses[already.pk] == "defunct"
    assert statuses[elsewhere.pk] == "active"
    assert statuses[m.Service.objects.get(pk=SERVICE_ID).pk] == "active"
    assert AuditEvent.objects.filter(action="directory.import").last().detail["defunct"] == 1


def test_an_organisation_feed_brings_its_services_and_retires_the_rest():
    organization = OrganizationFactory(pk=ORGANIZATION_ID)
    gone = ServiceFactory(organization=organization)
    report = oruk_import(
        actor=None,
        data=example("organization_full.json"),
        dry_run=False,
        kind="organization",
        organization_services=True,
        retire_missing=True,
    )
    assert report.errors == []
    assert report.created["service"] == 1
    assert str(m.Service.objects.get(pk=SERVICE_ID).organization_id) == ORGANIZATION_ID
    gone.refresh_from_db()
    assert (gone.status, report.defunct) == ("defunct", 1)


def test_without_the_option_an_import_retires_nothing():
    organization = OrganizationFactory(pk=ORGANIZATION_ID)
    kept = ServiceFactory(organization=organization)
    report = oruk_import(actor=None, data=example(), dry_run=False)
    kept.refresh_from_db()
    assert (kept.status, report.defunct) == ("active", 0)
    assert "defunct" not in AuditEvent.objects.get(action="directory.import").detail
