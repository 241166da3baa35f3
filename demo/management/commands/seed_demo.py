"""``manage.py seed_demo``: load synthetic demo logins and families (safe to re-run).

    python manage.py seed_demo [--families 200] [--seed 2026] [--quiet]
    python manage.py seed_demo --print-logins

Output is counts only: never a name, address or anything else about a (synthetic) person.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from demo.generator import (
    DEFAULT_FAMILIES,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoSetupError,
    demo_logins,
    seed_demo,
)
from demo.panel_and_casework import extra_logins

MAX_FAMILIES = 100_000


class Command(BaseCommand):
    help = (
        "Load synthetic demo data: a login for every role (one shared password) and families of "
        "varied shapes in the loaded council's areas and teams. Deterministic from --seed. Does "
        "nothing if demo data is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families",
            type=int,
            default=DEFAULT_FAMILIES,
            help=f"how many family records to create (default {DEFAULT_FAMILIES})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; the same seed gives the same data (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="print nothing unless there is an error"
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="only print the demo logins (role, username, password) and the MFA rule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self.print_logins()
            return
        if not settings.DEMO_MODE:
            raise CommandError(
                "DEMO_MODE is off: demo logins share a published password, so they are not loaded "
                "on this installation"
            )
        families = options["families"]
        if not 1 <= families <= MAX_FAMILIES:
            raise CommandError(f"--families must be between 1 and {MAX_FAMILIES}")
        quiet = options["quiet"]

        def progress(done: int) -> None:
            if not quiet and families > 1000:
                self.stdout.write(f"  {done} of {families} families written")

        try:
            result = seed_demo(families=families, seed=options["seed"], progress=progress)
        except DemoSetupError as exc:
            raise CommandError(f"Demo data not loaded: {exc}") from exc
        if not quiet:
            self.stdout.write(result.summary())

    def print_logins(self) -> None:
        # Every role, then the extra panel members this council's panel seats allowed for.
        logins = demo_logins() + extra_logins()
        present = set(
            User.objects.filter(username__in=[u for _, u in logins], is_demo=True).values_list(
                "username", flat=True
            )
        )
        width_role = max(len("Role"), *(len(label) for label, _ in logins))
        width_user = max(len("Username"), *(len(u) for _, u in logins))
        lines = [
            "Demo logins (synthetic data only):",
            f"  {'Role':<{width_role}}  {'Username':<{width_user}}  Password",
        ]
        for label, username in logins:
            note = "" if username in present else "  (not created yet: run seed_demo)"
            lines.append(
                f"  {label:<{width_role}}  {username:<{width_user}}  {DEMO_PASSWORD}{note}"
            )
        if settings.DEMO_MODE:
            lines.append("MFA: skipped for these demo logins because DEMO_MODE is on.")
        else:
            lines.append(
                "MFA: required (DEMO_MODE is off); demo logins must set up an authenticator app."
            )
        self.stdout.write("\n".join(lines))
