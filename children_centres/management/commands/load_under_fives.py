"""``manage.py load_under_fives FILE.csv``: load the council's under-fives population by centre
(or area) and year, as the upload page does. Each year in the file replaces what was loaded for
that year, so running it again with the same file changes nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from children_centres import services


class Command(BaseCommand):
    help = "Load the under-fives population (CSV: year, centre, area, under_fives)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            rows = services.read_population_csv(text)
            result = services.under_fives_load(actor=None, rows=rows)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(
            f"Loaded {result.centres} centre and {result.areas} area figures for {years} "
            f"(replacing {result.replaced})."
        )
