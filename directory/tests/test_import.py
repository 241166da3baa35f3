"""Importing an ORUK 3.0 feed: checked against the standard, all or nothing, by id."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from core.models import AuditEvent
from core.roles import Role
from directory import models as m
from directory.importer import ImportProblem, oruk_import
from directory.standard import ROOT, TABLES

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
# One row in each of these tables for the standard's full service example.
SERVICE_TABLES = {
    "accessibility": 1,
    "address": 1,
    "attribute": 1,
    "contact": 1,
    "cost_option": 1,
    "funding": 1,
    "language": 1,
    "location": 1,
    "organization": 1,
    "organization_identifier": 1,
    "schedule": 1,
    "service": 1,
    "service_area": 1,
    "service_at_location": 1,
    "taxonomy_term": 1,
}


def service_full():
    return json.loads((ROOT / "examples" / "service_full.json").read_text())


def row_counts():
    return {table: model.objects.count() for table, model in TABLES.items()}


def test_the_standards_example_creates_one_row_a_table_and_audits_counts_only():
    report = oruk_import(actor=None, data=service_full(), dry_run=False)
    assert report.errors == []
    assert report.counts() == {"created": SERVICE_TABLES, "updated": {}, "unchanged": {}}
    assert {t: n for t, n in row_counts().items() if n} == SERVICE_TABLES
    attribute = m.Attribute.objects.get()
    assert (attribute.link_entity, str(attribute.link_id)) == ("service", SERVICE_ID)
    event = AuditEvent.objects.get(action="directory.import")
    assert event.detail == {
        "kind": "service",
        "dry_run": False,
        "items": 1,
        "saved": True,
        "errors": 0,
        "created": SERVICE_TABLES,
        "updated": {},
        "unchanged": {},
    }


def test_importing_the_same_feed_again_changes_nothing():
    oruk_import(actor=None, data=service_full(), dry_run=False)
    before = m.Service.objects.get().last_modified
    report = oruk_import(actor=None, data=[service_full()], dry_run=False)
    assert report.counts() == {"created": {}, "updated": {}, "unchanged": SERVICE_TABLES}
    assert m.Service.objects.get().last_modified == before


def test_a_changed_field_updates_only_its_record():
    oruk_import(actor=None, data=service_full(), dry_run=False)
    changed = service_full()
    changed["contacts"][0]["title"] = "Receptionist"
    report = oruk_import(actor=None, data=changed, dry_run=False)
    assert report.updated == {"contact": 1}
    assert sum(report.unchanged.values()) == len(SERVICE_TABLES) - 1
    assert m.Contact.objects.get().title == "Receptionist"


def test_a_dry_run_counts_but_saves_nothing():
    report = oruk_import(actor=None, data=service_full(), dry_run=True)
    assert report.counts()["created"] == SERVICE_TABLES
    assert (report.errors, report.saved) == ([], False)
    assert set(row_counts().values()) == {0}
    assert AuditEvent.objects.get(action="directory.import").detail["dry_run"] is True


def test_an_invalid_item_is_reported_with_its_path_and_nothing_is_saved():
    good = service_full()
    bad = service_full()
    bad["id"] = "not-a-uuid-at-all"
    bad["status"] = "open"
    bad["schedules"][0]["freq"] = "DAILY"
    bad["url"] = "not a link"
    bad["last_modified"] = "15 March 2023"
    del bad["name"]
    report = oruk_import(actor=None, data=[good, bad], dry_run=False)
    assert report.errors == [
        ImportProblem(1, "/", "'name' is a required property"),
        ImportProblem(1, "/id", "'not-a-uuid-at-all' is not a 'uuid'"),
        ImportProblem(1, "/last_modified", "'15 March 2023' is not a 'date-time'"),
        ImportProblem(1, "/schedules/0/freq", "'DAILY' is not one of ['WEEKLY', 'MONTHLY']"),
        ImportProblem(
            1,
            "/status",
            "'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']",
        ),
        ImportProblem(1, "/url", "'not a link' is not a 'uri'"),
    ]
    assert report.saved is False
    assert set(row_counts().values()) == {0}


def test_a_record_naming_one_not_in_the_directory_is_refused_and_nothing_is_saved():
    feed = [
        json.loads((ROOT / "examples" / "taxonomy.json").read_text()),
    ]
    oruk_import(actor=None, data=feed, dry_run=False, kind="taxonomy")
    term = {"id": "0f1e2d3c-4b5a-4697-8877-665544332211", "name": "n", "description": "d"}
    term["taxonomy_id"] = "11111111-2222-4333-8444-555555555555"
    report = oruk_import(actor=None, data=[term], dry_run=False, kind="taxonomy_term")
    assert report.errors == [
        ImportProblem(0, "/taxonomy_id", "No taxonomy with this id is in the directory.")
    ]
    assert not m.TaxonomyTerm.objects.filter(pk=term["id"]).exists()


def test_the_command_prints_the_report(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(service_full()))
    out = StringIO()
    call_command("directory_import", str(feed), "--dry-run", stdout=out)
    assert "created service: 1" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Nothing saved (dry run).")
    assert m.Service.objects.count() == 0
    call_command("directory_import", str(feed), stdout=StringIO())
    assert m.Service.objects.count() == 1


def test_the_command_fails_on_an_invalid_feed(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"id": SERVICE_ID}))
    out = StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("directory_import", str(feed), stdout=out)
    assert "error in item 0 at /: 'name' is a required property" in out.getvalue()


def test_only_an_administrator_may_import_and_the_audit_names_them():
    with pytest.raises(PermissionDenied):
        oruk_import(
            actor=UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]),
            data=service_full(),
            dry_run=False,
        )
    assert m.Service.objects.count() == 0
    admin = UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR])
    assert oruk_import(actor=admin, data=service_full(), dry_run=False).saved is True
    assert AuditEvent.objects.get(action="directory.import").actor == admin
