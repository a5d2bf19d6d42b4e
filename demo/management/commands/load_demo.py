"""manage.py load_demo: the demo street, its accounts, and (when available) its members."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.loader import demo_accounts, load_demo
from orgs.demo import DEFAULT_SEED
from orgs.models import OrgUnit


class Command(BaseCommand):
    help = "Load the demo street (东城街道党工委) and demo accounts. Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the demo data")

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        result = load_demo(seed=seed)
        if result.orgs_created:
            self.stdout.write(f"Created the demo street {result.street.name}: {result.orgs_created} orgs.")
        else:
            self.stdout.write(f"The demo street {result.street.name} exists already: nothing to create.")
        if result.members_created is None:
            self.stdout.write("No demo members: members.demo.build_demo_members is not available.")
        elif result.members_created:
            self.stdout.write(f"Created {result.members_created} demo members.")
        if result.users_created:
            self.stdout.write(f"Created demo accounts: {', '.join(result.users_created)}.")
        self.stdout.write(self._table())

    def _table(self) -> str:
        accounts = demo_accounts()
        names = dict(
            OrgUnit.unscoped.filter(code__in={a.org_code for a in accounts}).values_list("code", "name")
        )
        rows = [("login", "password", "role", "sees")] + [
            (a.username, a.password, a.role.value, names.get(a.org_code, a.org_code)) for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = ["", "Demo logins at http://127.0.0.1:8000/", ""]
        for n, row in enumerate(rows):
            lines.append("  " + "  |  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  |  " + row[3])
            if n == 0:
                lines.append("  " + "-" * (sum(widths) + 5 * 3 + 16))
        return "\n".join(lines) + "\n"
