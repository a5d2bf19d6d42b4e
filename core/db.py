"""Fast bulk insert of ready rows: PostgreSQL COPY, SQLite a prepared executemany.

``BulkInserter(Model).insert(rows)`` writes plain rows (mappings of attnames to Python values) without
building model instances or preparing each value through its field, which is most of the cost of
``bulk_create`` for wide rows. It runs on the caller's connection, so it stays inside the caller's
transaction (all or nothing). What it does for the caller:

- columns not given in a row take the field's default (computed once), ``auto_now`` and
  ``auto_now_add`` fields (created_at, updated_at, at) take the time the inserter was made;
- values are adapted per column the way Django stores them: JSON as text (``json.dumps`` with the
  field's encoder), and on SQLite dates and datetimes as Django's text forms;
- ``insert(rows, returning_ids=True)`` gives the new primary keys (auto fields only) in row order:
  on PostgreSQL they are drawn from the table's sequence before the COPY; on SQLite they are the
  consecutive rowids the statement assigned (the connection holds the write lock for the whole executemany, so no other
  insert can interleave, and SQLite gives each new row the largest rowid plus one).

Only fields with a database column are written; database constraints still apply and an error
raises as from any query. No signals are sent (the project has none).
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Internal types stored as the Python value itself by both backends' drivers.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
_MISSING = object()


class BulkInserter:
    """Insert rows of ``model`` given as mappings by attname; see the module docstring."""

    def __init__(self, model: type[models.Model], *, using: str | None = None) -> None:
        self.model = model
        self.using = using or router.db_for_write(model)
        self.connection = connections[self.using]
        self.now = timezone.now()
        meta = model._meta
        self.table = meta.db_table
        self.pk_column = meta.pk.column
        self._fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self._fields]
        self._defaults = [self._default(f) for f in self._fields]
        self._required = [i for i, default in enumerate(self._defaults) if default is _MISSING]
        self._default_row = dict(zip(self.attnames, self._defaults, strict=True))
        pick = operator.itemgetter(*self.attnames)
        self._pick = pick if len(self.attnames) > 1 else lambda row: (pick(row),)
        self._adapters: list[tuple[int, Callable[[Any], Any]]] = [
            (i, adapt) for i, f in enumerate(self._fields) if (adapt := self._adapter(f)) is not None
        ]

    # -- preparing values ---------------------------------------------------------------------------
    def _default(self, field: models.Field) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default() or field.null or field.empty_strings_allowed:
            return field.get_default()
        return _MISSING

    def _adapter(self, field: models.Field) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if kind == "JSONField":
            encoder = field.encoder  # type: ignore[attr-defined]
            return lambda value: None if value is None else json.dumps(value, cls=encoder)
        if kind in _AS_IS:
            return None
        if self.connection.vendor == "postgresql" and kind in ("DateField", "DateTimeField"):
            return None  # psycopg writes date and aware datetime objects as they are
        if kind == "DateField":
            return lambda value: None if value is None else value.isoformat()
        connection = self.connection
        now, adapted_now = self.now, field.get_db_prep_save(self.now, connection)
        return lambda value: adapted_now if value is now else field.get_db_prep_save(value, connection)

    def _values(self, row: Mapping[str, Any]) -> list[Any]:
        values = list(self._pick({**self._default_row, **row}))
        for i, adapt in self._adapters:
            values[i] = adapt(values[i])
        return values

    def _checked(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
        """The column values of each row, refusing a misspelt key (it would silently be lost) and a
        missing value without a default."""
        attnames = set(self.attnames)
        for number, row in enumerate(rows):
            if number == 0 and not set(row) <= attnames:
                raise ValueError(f"{self.model.__name__} has no fields {sorted(set(row) - attnames)}")
            values = self._values(row)
            for i in self._required:
                if values[i] is _MISSING:
                    raise ValueError(f"{self.model.__name__}: no value nor default for {self.attnames[i]}")
            yield values

    # -- writing ------------------------------------------------------------------------------------
    def insert(
        self, rows: Iterable[Mapping[str, Any]], *, returning_ids: bool = False, count: int | None = None
    ) -> list[int]:
        """Insert the rows with one COPY or one executemany; the new pks in row order if asked.

        ``rows`` may be a generator. On PostgreSQL each row goes to the server as soon as it is
        made, so the server stores rows while the caller computes the next ones; with
        ``returning_ids`` give ``count`` (the pks are drawn before the first row is made). A bad
        row past the first raises ValueError with the COPY under way: like any database error, it
        leaves the caller's transaction to be rolled back.
        """
        if returning_ids and not isinstance(self.model._meta.pk, AutoFieldMixin):
            raise ValueError(f"{self.model.__name__}: new pks can only be returned for an auto field")
        if self.connection.vendor != "postgresql":
            return self._executemany(list(self._checked(rows)), returning_ids)
        if returning_ids and count is None:
            rows = list(rows)
            count = len(rows)
        if count == 0:
            return []
        checked = self._checked(rows)
        first = next(checked, None)  # a misspelt key is refused before the COPY starts
        if first is None:
            return []
        return self._copy(itertools.chain([first], checked), returning_ids, count or 0)

    def _quoted(self, names: Iterable[str]) -> str:
        quote = self.connection.ops.quote_name
        return ", ".join(quote(name) for name in names)

    def _copy(self, values: Iterator[list[Any]], returning_ids: bool, count: int) -> list[int]:
        columns = [f.column for f in self._fields]
        ids: list[int] = []
        with self.connection.cursor() as cursor:
            if returning_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, count],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                columns = [self.pk_column, *columns]
            statement = (
                f"COPY {self.connection.ops.quote_name(self.table)} ({self._quoted(columns)}) FROM STDIN"
            )
            with cursor.cursor.copy(statement) as copy:
                if returning_ids:
                    for pk, row in zip(ids, values, strict=True):
                        copy.write_row([pk, *row])
                else:
                    for row in values:
                        copy.write_row(row)
        return ids

    def _executemany(self, values: list[list[Any]], returning_ids: bool) -> list[int]:
        if not values:
            return []
        ops = self.connection.ops
        columns = [f.column for f in self._fields]
        placeholders = ", ".join(["%s"] * len(columns))
        statement = (
            f"INSERT INTO {ops.quote_name(self.table)} ({self._quoted(columns)}) VALUES ({placeholders})"
        )
        # In a transaction (a savepoint inside the caller's): the write lock is held from the first
        # row to the last, so the rowids are consecutive even outside an atomic block.
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.executemany(statement, values)
            if not returning_ids:
                return []
            cursor.execute("SELECT last_insert_rowid()")
            (last,) = cursor.fetchone()
        return list(range(last - len(values) + 1, last + 1))
