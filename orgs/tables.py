"""The org list table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

from .models import OrgUnit


def parent_path(org: OrgUnit) -> str:
    return org.path[: -OrgUnit.steplen] if org.depth > 1 else ""


class OrgUnitTable(Table):
    columns = (
        Column("name", _("name"), sort="name", link=True),
        Column("code", _("org code"), sort="code"),
        Column("kind", _("kind"), sort="kind"),
        Column("unit_type", _("unit type"), sort="unit_type"),
        Column("parent", _("superior organisation")),
        Column("numchild", _("child orgs"), sort="numchild"),
        Column("established_on", _("established on"), sort="established_on"),
        Column("status", _("status"), sort="status"),
    )

    def prepare(self, objects: Sequence[OrgUnit]) -> None:
        """The names of the rows' parents, in one query (parents out of the user's scope stay blank)."""
        paths = {parent_path(org) for org in objects} - {""}
        self._parents: dict[str, str] = {}
        if paths:
            self._parents = dict(
                OrgUnit.objects.for_user(self.user, "view").filter(path__in=paths).values_list("path", "name")
            )

    def get_value(self, obj: Any, column: Column) -> Any:
        if column.name == "parent":
            return getattr(self, "_parents", {}).get(parent_path(obj))
        return super().get_value(obj, column)
