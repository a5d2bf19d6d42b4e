"""Issue an API token for a user and print it (the only time it is shown; only its hash is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Print a new API token for USERNAME; use it as 'Authorization: Bearer <token>'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--description", default="", help="What the token is for.")

    def handle(self, *args: Any, username: str, description: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is deactivated")
        _token, raw = services.issue_token(actor=None, user=user, description=description)
        self.stdout.write(raw)
