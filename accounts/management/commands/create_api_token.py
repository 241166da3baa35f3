"""Make an API token for a member of staff, for operators with shell access to the server.

Prints only the token, so scripts can capture it: TOKEN="$(manage.py create_api_token ...)".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Make an expiring API token for USERNAME and print it (only the token) on stdout."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", required=True, help="what the token is for (shown on the API tokens pages)"
        )
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DEFAULT_DAYS,
            help=(
                f"days until it expires, 1 to {settings.API_TOKEN_MAX_DAYS} "
                f"(default {settings.API_TOKEN_DEFAULT_DAYS})"
            ),
        )

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}")
        try:
            with transaction.atomic():
                issued = services.api_token_create(actor=None, user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(issued.raw)
