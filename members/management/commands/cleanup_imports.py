"""``manage.py cleanup_imports [--older-than-hours N]``

Deletes the files of member imports finished more than N hours ago (default 24): uploaded files that
were checked but never imported, the dry runs' marked files and problem lists, and files left in the
old pending folder. Run it daily (cron or a systemd timer); an import deletes its own file when done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from members.import_jobs import cleanup_import_files

DEFAULT_HOURS = 24


class Command(BaseCommand):
    help = "Delete the files of member imports finished more than N hours ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=DEFAULT_HOURS,
            help=f"age in hours after which files are deleted (default {DEFAULT_HOURS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = cleanup_import_files(older_than=dt.timedelta(hours=options["older_than_hours"]))
        self.stdout.write(_("Deleted %(count)d import files.") % {"count": deleted})
