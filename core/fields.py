"""Model fields shared by apps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


class PathPrefix(Lookup):
    """``path__startswith=prefix`` as a range, ``prefix <= path < prefix || '~'``.

    Materialised paths use the characters 0-9 and A-Z only, so every descendant of ``prefix`` sorts
    between the prefix itself and the prefix followed by "~" in a bytewise comparison. A range uses the
    btree index on SQLite and on PostgreSQL (the column has the "C" collation there, see
    orgs/migrations/0002), where LIKE would need case-sensitive settings or pattern operator classes.
    """

    lookup_name = "startswith"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"({lhs} >= {rhs} AND {lhs} < ({rhs} || '~'))"
        return sql, [*lhs_params, *rhs_params, *lhs_params, *rhs_params]


class PathField(models.CharField):
    """A materialised path whose ``startswith`` lookup is an indexed range."""


PathField.register_lookup(PathPrefix)
