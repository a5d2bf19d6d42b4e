"""``manage.py import_members FILE --org CODE [--dry-run] [--actor USERNAME]``

Prints the summary and every error and warning; exits with status 1 when the file is refused or has
errors, after writing the file back with the problems marked (its path is printed)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.exceptions import ServiceError
from core.importing import ImportResult
from members.importers import MemberImporter, import_members
from orgs.models import OrgUnit


def summary_line(result: ImportResult) -> str:
    values = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if result.dry_run:
        return _("Dry run: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged.") % values
    if result.applied:
        return _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % values
    return (
        _(
            "Nothing was imported. The file would create %(created)d, update %(updated)d, leave %(unchanged)d unchanged."
        )
        % values
    )


class Command(BaseCommand):
    help = "Import members from an xlsx or csv file into an organisation (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="code of the organisation to import into")
        parser.add_argument("--dry-run", action="store_true", help="check only; change nothing")
        parser.add_argument("--actor", help="username recorded as the actor (default: the system)")
        parser.add_argument("--marked", type=Path, help="where to write the marked file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        org = OrgUnit.unscoped.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"no organisation with code {options['org']}")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"no user {options['actor']}")
        try:
            result = import_members(actor=actor, org=org, source=str(path), dry_run=options["dry_run"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if result.refused:
            self.stdout.write(_("Refused: %(reason)s") % {"reason": result.refused})
            sys.exit(1)
        for problem in result.problems:
            values = {"row": problem.row, "column": problem.column, "message": problem.message}
            if problem.is_error:
                self.stdout.write(_("Row %(row)s %(column)s: %(message)s") % values)
            else:
                self.stdout.write(_("Warning: row %(row)s %(column)s: %(message)s") % values)
        self.stdout.write(summary_line(result))
        self.stdout.write(
            _("%(errors)d errors, %(warnings)d warnings.")
            % {"errors": result.error_count, "warnings": len(result.problems) - result.error_count}
        )
        if result.error_count:
            marked = options["marked"] or path.with_name(f"{path.stem}.marked.xlsx")
            MemberImporter(actor=actor, org=org).write_marked(str(path), result, str(marked))
            self.stdout.write(_("Marked file: %(path)s") % {"path": marked})
            sys.exit(1)
