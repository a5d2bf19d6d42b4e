"""The member index the subtree statistics rely on covers every member column they read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from members.models import Member
from stats.health import _counts
from stats.selectors import _grouped_sql, counted_at

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


def member_columns(sql: str) -> set[str]:
    return set(re.findall(r'"members_member"\."(\w+)"', sql))


def covered_columns() -> set[str]:
    index = next(i for i in Member._meta.indexes if i.name == "member_org_stats_idx")
    names = [*index.fields, *index.include]
    return {Member._meta.get_field(name).column for name in names}


def test_member_stats_read_only_indexed_columns():
    sql, _params, _paths = _grouped_sql(connection.alias, AS_OF, 8)

    assert member_columns(sql) <= covered_columns()
    assert {"org_id", "birth_date", "ethnicity", "is_lost_contact"} <= member_columns(sql)


def test_org_health_reads_only_indexed_columns():
    queryset = Member.unscoped.filter(counted_at(AS_OF)).values("org_id").annotate(**_counts(AS_OF))

    assert member_columns(str(queryset.query)) <= covered_columns()
