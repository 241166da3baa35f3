from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.geo import postcodes_load


class Command(BaseCommand):
    help = (
        "Load postcode centroids from a CSV in the ONS Postcode Directory's layout (pcds, lat, "
        "long) for the find support pages' distances. Safe to run again: rows are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            report = postcodes_load(actor=None, path=file)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Could not load {file}: {error}") from error
        self.stdout.write(
            f"{report.read} row(s) read, {report.saved} postcode(s) saved, "
            f"{report.skipped} skipped (no usable postcode or coordinates)."
        )
