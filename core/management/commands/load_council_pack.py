"""``manage.py load_council_pack [path]``: apply a council pack, safely re-runnable on deploy."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.council_pack import PackError, load_council_pack


class Command(BaseCommand):
    help = (
        "Load the council's configuration (areas, sites, agencies, teams, need levels, duty "
        "team contact) from a YAML council pack. Re-running an unchanged pack writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="YAML council pack to load (default: settings.COUNCIL_PACK)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or settings.COUNCIL_PACK
        try:
            result = load_council_pack(path)
        except PackError as exc:
            raise CommandError(f"Council pack not loaded: {exc}") from exc
        self.stdout.write(result.summary())
