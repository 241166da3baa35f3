import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.importer import KINDS, oruk_import


class Command(BaseCommand):
    help = "Import an Open Referral UK 3.0 feed (JSON) into the directory, and print the report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        parser.add_argument("--kind", default="service", choices=sorted(KINDS))

    def handle(self, *args, file: Path, dry_run: bool, kind: str, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {file}: {error}") from error
        report = oruk_import(actor=None, data=data, dry_run=dry_run, kind=kind)
        self.stdout.write(f"{report.items} {kind} item(s){' (dry run)' if dry_run else ''}")
        for what, counts in report.counts().items():
            for table, count in counts.items():
                self.stdout.write(f"  {what} {table}: {count}")
        for error in report.errors:
            self.stdout.write(f"  error in item {error.index} at {error.path}: {error.message}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s): nothing was saved.")
        self.stdout.write("Saved." if report.saved else "Nothing saved (dry run).")
