"""Table definitions for list pages and exports: a list of columns, rendered by one shared template.

    class OrgUnitTable(Table):
        columns = [
            Column("name", _("name"), sort="name", link=True),
            Column("kind", _("kind"), sort="kind"),
            Column("org__name", _("organisation")),
        ]

A column reads ``accessor`` (``__``-separated attributes; choice fields show their label). A column
is sortable when ``sort`` names the ORM field to order by; only those fields are accepted from the
URL. ``prepare(objects)`` runs once per page (and once per export chunk) so a table can fetch what
it needs for all rows in one query instead of one per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EMPTY = "—"


@dataclass(frozen=True)
class Column:
    accessor: str
    label: Any = ""
    sort: str | None = None
    link: bool = False
    value: Callable[[Any], Any] | None = None
    export_value: Callable[[Any], Any] | None = None
    export: bool = True
    css: str = ""

    @property
    def name(self) -> str:
        return self.accessor


def resolve(obj: Any, accessor: str) -> Any:
    """Follow ``a__b__c``; a choice field gives its display label; a missing link gives None."""
    parts = accessor.split("__")
    target = obj
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    last = parts[-1]
    display = getattr(target, f"get_{last}_display", None)
    if callable(display):
        value = getattr(target, last, None)
        return display() if value not in (None, "") else None
    value = getattr(target, last, None)
    return value() if callable(value) and not isinstance(value, models.Model) else value


class Table:
    columns: Sequence[Column] = ()
    #: URL name of the detail page, taking the object's pk; the view fills it in when left empty.
    detail_url_name: str = ""

    def __init__(self, detail_url_name: str = "", user: Any = None) -> None:
        #: the requesting user: ``prepare`` scopes its batch queries with it
        self.user = user
        if detail_url_name and not self.detail_url_name:
            self.detail_url_name = detail_url_name

    # -- hooks -------------------------------------------------------------------------------------
    def prepare(self, objects: Sequence[Any]) -> None:
        """Fetch data for a batch of rows at once (one query), e.g. the parents of tree nodes."""

    def get_value(self, obj: Any, column: Column) -> Any:
        if column.value is not None:
            return column.value(obj)
        return resolve(obj, column.accessor)

    def get_export_value(self, obj: Any, column: Column) -> Any:
        if column.export_value is not None:
            return column.export_value(obj)
        return self.get_value(obj, column)

    def get_url(self, obj: Any) -> str:
        if self.detail_url_name:
            return reverse(self.detail_url_name, args=[obj.pk])
        get_absolute_url = getattr(obj, "get_absolute_url", None)
        return get_absolute_url() if get_absolute_url else ""

    # -- helpers -----------------------------------------------------------------------------------
    def sort_fields(self) -> dict[str, str]:
        return {c.name: c.sort for c in self.columns if c.sort}

    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def rows(self, objects: Iterable[Any]) -> list[dict[str, Any]]:
        objects = list(objects)
        self.prepare(objects)
        rows = []
        for obj in objects:
            url = self.get_url(obj)
            cells = []
            for column in self.columns:
                cells.append(
                    {
                        "value": display_value(self.get_value(obj, column)),
                        "url": url if column.link else "",
                        "css": column.css,
                    }
                )
            rows.append({"object": obj, "url": url, "cells": cells})
        return rows

    def headers(self, current_sort: str = "") -> list[dict[str, Any]]:
        result = []
        for column in self.columns:
            direction = ""
            if column.sort and current_sort.lstrip("-") == column.name:
                direction = "desc" if current_sort.startswith("-") else "asc"
            next_sort = ""
            if column.sort:
                next_sort = f"-{column.name}" if direction == "asc" else column.name
            result.append(
                {
                    "label": column.label,
                    "sortable": bool(column.sort),
                    "direction": direction,
                    "next": next_sort,
                }
            )
        return result


def display_value(value: Any) -> Any:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
