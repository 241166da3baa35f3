"""Importing an Open Referral UK 3.0 feed (JSON) into the directory.

Every item is checked against the standard's schema first; then every record is written by its
id (created, updated, or left as it was) in one transaction. Nothing is saved on a dry run, nor
if anything was wrong: the report lists each error with the item's index and the path in it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.audit import audit_record
from directory import models as m
from directory.standard import TABLES, columns, nested, validator

# What a feed may hold: the schema each item is checked against.
KINDS = {
    "service": "schema/compiled/service.json",
    "organization": "schema/compiled/organization.json",
    "service_at_location": "schema/compiled/service_at_location.json",
    "taxonomy": "schema/taxonomy.json",
    "taxonomy_term": "schema/taxonomy_term.json",
}


@dataclass(frozen=True)
class ImportProblem:
    index: int
    path: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    items: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[ImportProblem] = field(default_factory=list)
    # Services the feed no longer lists marked defunct (retire_missing only).
    defunct: int = 0

    @property
    def saved(self) -> bool:
        return not self.dry_run and not self.errors

    def counts(self) -> dict:
        return {
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "unchanged": dict(sorted(self.unchanged.items())),
        }


class _Refused(Exception):
    pass


def _items(data) -> list:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]  # a page of the standard's API
    return data if isinstance(data, list) else [data]


def _path(parts) -> str:
    return "/" + "/".join(str(p) for p in parts)


class _Writer:
    def __init__(self, report: ImportReport, index: int):
        self.report, self.index = report, index

    def refuse(self, path, message):
        self.report.errors.append(ImportProblem(self.index, _path(path), message))
        raise _Refused

    def upsert(self, table: str, item: dict, path: list, fixed: dict | None = None):
        model = TABLES[table]
        values, kept = {}, set()
        given_nested = {
            column
            for key, (kind, _other, column) in nested(table).items()
            if kind == "one" and isinstance(item.get(key), dict)
        }
        for name, model_field in columns(table).items():
            raw = item.get(name)
            target = model_field.target_field if model_field.is_relation else model_field
            if raw is None and model_field.is_relation:
                # A nested record seldom names its parent: an absent link keeps the one stored.
                kept.add(model_field.attname)
                values[model_field.attname] = None
                continue
            if raw is None:
                values[model_field.attname] = None if model_field.null else ""
                continue
            try:
                values[model_field.attname] = target.to_python(raw)
            except ValidationError as error:
                self.refuse([*path, name], " ".join(error.messages))
            if model_field.is_relation and name not in given_nested:
                self.check_exists(
                    model_field.related_model, values[model_field.attname], path, name
                )
        for key, (kind, other, column) in nested(table).items():
            if kind == "one" and isinstance(item.get(key), dict):
                child = self.upsert(other, item[key], [*path, key])
                values[model._meta.get_field(column.removesuffix("_id")).attname] = child.pk
        values.update(fixed or {})
        kept = {k for k in kept if values.get(k) is None}
        record = self.save(table, model, values, item, kept)
        for key, (kind, other, column) in nested(table).items():
            if kind != "many":
                continue
            for position, child in enumerate(item.get(key) or []):
                if other == "attribute":
                    link = {"link_id": child.get("link_id") or record.pk, "link_entity": table}
                else:
                    attname = next(
                        f.attname for f in TABLES[other]._meta.concrete_fields if f.column == column
                    )
                    link = {attname: record.pk}
                self.upsert(other, child, [*path, key, position], link)
        return record

    def check_exists(self, model, pk, path, name):
        if pk is not None and not model.objects.filter(pk=pk).exists():
            self.refuse(
                [*path, name], f"No {model._meta.verbose_name} with this id is in the directory."
            )

    def save(self, table, model, values, item, kept):
        pk = values.pop("id")
        existing = model.objects.filter(pk=pk).first()
        stamped = table == "service" and "last_modified" not in item
        if stamped:
            values.pop("last_modified")
        if existing is None:
            if stamped:
                values["last_modified"] = clock.now()
            self.report.created[table] += 1
            return model.objects.create(pk=pk, **values)
        changed = [k for k, v in values.items() if k not in kept and getattr(existing, k) != v]
        if not changed:
            self.report.unchanged[table] += 1
            return existing
        for name in changed:
            setattr(existing, name, values[name])
        if stamped:
            existing.last_modified = clock.now()
            changed.append("last_modified")
        existing.save(update_fields=changed)
        self.report.updated[table] += 1
        return existing


def _write_organization_services(writer: _Writer, organization, item: dict) -> list:
    """The services an organisation feed lists under the organisation (compiled schema)."""
    written = []
    for position, service in enumerate(item.get("services") or []):
        written.append(
            writer.upsert(
                "service", service, ["services", position], {"organization_id": organization.pk}
            )
        )
    return written


def _retire_missing(report: ImportReport, written: list) -> None:
    """Mark defunct the services of the feed's organisations that the feed no longer lists.

    Services are not deleted: referrals, signposting and handovers refer to them."""
    organizations = {s.organization_id for s in written if isinstance(s, m.Service)} | {
        o.pk for o in written if isinstance(o, m.Organization)
    }
    organizations.discard(None)
    listed = {s.pk for s in written if isinstance(s, m.Service)}
    missing = (
        m.Service.objects.filter(organization_id__in=organizations)
        .exclude(pk__in=listed)
        .exclude(status="defunct")
    )
    report.defunct = missing.update(status="defunct", last_modified=clock.now())


def oruk_import(
    *,
    actor,
    data: dict | list,
    dry_run: bool,
    kind: str = "service",
    organization_services: bool = False,
    retire_missing: bool = False,
) -> ImportReport:
    """Check and write an ORUK 3.0 feed of ``kind`` records; see the module's docstring.

    ``organization_services``: an organisation feed's ``services`` are written too (each the
    organisation's). ``retire_missing``: the feed is the whole directory of its organisations,
    so their services it does not list are marked ``defunct`` (counted in ``report.defunct``);
    for a service feed, the organisations are those its services belong to.

    ``actor`` None is the operator at the command line (as the scheduler's jobs are)."""
    if actor is not None and not rules.has_perm("directory.import_feed", actor):
        raise PermissionDenied
    if kind not in KINDS:
        raise ValidationError({"kind": f"Choose one of: {', '.join(KINDS)}."})
    items = _items(data)
    report = ImportReport(kind=kind, dry_run=dry_run, items=len(items))
    check = validator(KINDS[kind])
    for index, item in enumerate(items):
        for error in sorted(check.iter_errors(item), key=lambda e: list(e.absolute_path)):
            report.errors.append(ImportProblem(index, _path(error.absolute_path), error.message))
    with transaction.atomic():
        written = []
        if not report.errors:
            for index, item in enumerate(items):
                try:
                    with transaction.atomic():
                        writer = _Writer(report, index)
                        record = writer.upsert(kind, item, [])
                        written.append(record)
                        if kind == "organization" and organization_services:
                            written += _write_organization_services(writer, record, item)
                except _Refused:
                    pass
        if retire_missing and not report.errors and kind in ("service", "organization"):
            _retire_missing(report, written)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="directory.import",
            target=m.Service._meta.label_lower,
            detail={
                "kind": kind,
                "dry_run": dry_run,
                "items": report.items,
                "saved": report.saved,
                "errors": len(report.errors),
                **report.counts(),
                **({"defunct": report.defunct} if retire_missing else {}),
            },
        )
    return report
