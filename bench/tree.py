#!/usr/bin/env python
"""Org tree benchmark: the querysets the UI uses against hand-written SQL, in the same run.

Builds a scratch database with about 50,000 orgs (1 district, 20 streets x 25 communities x 10
branches x 9 party groups) by bulk-inserting materialised paths, then times, as the median of
``--repeat`` runs each:

- a street subtree through ``OrgUnit.objects.for_user(user)`` (grant lookup included, as in a
  request) and through ``.in_subtree(path)``, against ``SELECT ... WHERE path >= 'p' AND path < 'p~'``
  (the index range a hand-written query uses; ``LIKE 'p%'`` is timed too: SQLite scans for it);
- the org list selector (``orgs.selectors.list_subtree``: parent id annotated) against a self join;
- the first page (50) and the count of a subtree;
- the lazy tree's children of one community (``orgs.selectors.list_children``) against SQL.

It prints absolute times and the ORM/SQL ratio, and the query plans of the subtree conditions.

    .venv/bin/python bench/tree.py                         # SQLite file under /tmp (recreated)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench .venv/bin/python bench/tree.py

The PostgreSQL database is dropped and recreated: its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from scratch import prepare_database, setup_django

DEFAULT_SQLITE = "/tmp/grassroots-bench-tree.sqlite3"


def build_tree(streets: int, communities: int, branches: int, groups: int) -> tuple[int, float]:
    """Bulk-insert the tree level by level with treebeard's path encoding; returns (count, seconds)."""
    from django.db import connection, transaction

    from orgs.choices import OrgKind, UnitType
    from orgs.models import OrgUnit

    def path(parent: str, n: int) -> str:
        return OrgUnit._get_path(parent or None, len(parent) // OrgUnit.steplen + 1, n)

    shape = [
        (1, OrgKind.TOWN_COMMITTEE, UnitType.TOWN, "区委"),
        (streets, OrgKind.STREET_COMMITTEE, UnitType.STREET, "街道党工委"),
        (communities, OrgKind.COMMUNITY_COMMITTEE, UnitType.COMMUNITY, "社区党委"),
        (branches, OrgKind.BRANCH, UnitType.COMMUNITY, "党支部"),
        (groups, OrgKind.PARTY_GROUP, UnitType.COMMUNITY, "党小组"),
    ]
    started = time.perf_counter()
    parents = [""]
    total = 0
    with transaction.atomic():
        for level, (fanout, kind, unit_type, label) in enumerate(shape):
            children_per_parent = fanout if level else 1
            numchild = shape[level + 1][0] if level + 1 < len(shape) else 0
            rows: list[OrgUnit] = []
            for parent in parents:
                for n in range(1, children_per_parent + 1):
                    p = path(parent, n)
                    rows.append(
                        OrgUnit(
                            path=p,
                            depth=level + 1,
                            numchild=numchild,
                            code=f"B{p}",
                            name=f"{label}{p[-8:]}",
                            kind=kind,
                            unit_type=unit_type,
                        )
                    )
            OrgUnit.unscoped.bulk_create(rows, batch_size=2000)
            total += len(rows)
            parents = [row.path for row in rows]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return total, time.perf_counter() - started


def median_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = fn()  # warm-up: connection, statement cache, ORM compilation paths
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--communities", type=int, default=25, help="per street")
    parser.add_argument("--branches", type=int, default=10, help="per community")
    parser.add_argument("--groups", type=int, default=9, help="party groups per branch")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
    prepare_database(url)
    setup_django(url)

    from django.db import connection

    from accounts.models import RoleAssignment, User
    from accounts.roles import Role
    from orgs.models import OrgUnit

    total, build_s = build_tree(args.streets, args.communities, args.branches, args.groups)
    vendor = connection.vendor
    version = connection.pg_version if vendor == "postgresql" else ""
    print(f"database: {vendor} {version}".rstrip())
    print(f"built {total} orgs in {build_s:.1f} s (bulk insert of materialised paths)")

    street = OrgUnit.unscoped.get(depth=2, path=OrgUnit._get_path(OrgUnit.unscoped.get(depth=1).path, 2, 1))
    community = OrgUnit.unscoped.filter(path__startswith=street.path, depth=3).order_by("path")[0]
    user = User.objects.create_user("bench", password="bench")
    RoleAssignment.unscoped.create(user=user, role=Role.PARTY_WORKER, org=street)

    table = connection.ops.quote_name(OrgUnit._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in OrgUnit._meta.concrete_fields)
    o_columns = ", ".join("o." + connection.ops.quote_name(f.column) for f in OrgUnit._meta.concrete_fields)

    def sql(query: str, params: list[Any]) -> Callable[[], list[tuple[Any, ...]]]:
        def run() -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

        return run

    def fresh(fn: Callable[[Any], Any]) -> Callable[[], Any]:
        """As in a request: the user's grants are looked up again every time."""

        def run() -> Any:
            user.clear_scope_cache()
            return fn(user)

        return run

    # Paths use 0-9 and A-Z only, so a subtree is the range [p, p + "~"): what a hand-written query uses.
    in_street = "path >= %s AND path < %s"
    street_range = [street.path, street.path + "~"]
    community_range = [community.path, community.path + "~"]
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "street subtree, for_user(user)",
            fresh(lambda u: list(OrgUnit.objects.for_user(u))),
            sql(f"SELECT {columns} FROM {table} WHERE {in_street} ORDER BY path", street_range),
        ),
        (
            "street subtree, in_subtree(path)",
            lambda: list(OrgUnit.objects.all().in_subtree(street.path)),
            sql(f"SELECT {columns} FROM {table} WHERE {in_street} ORDER BY path", street_range),
        ),
        (
            "street subtree, in_subtree vs SQL LIKE 'p%'",
            lambda: list(OrgUnit.objects.all().in_subtree(street.path)),
            sql(f"SELECT {columns} FROM {table} WHERE path LIKE %s ORDER BY path", [street.path + "%"]),
        ),
        (
            "street subtree, first page of 50",
            fresh(lambda u: list(OrgUnit.objects.for_user(u)[:50])),
            sql(f"SELECT {columns} FROM {table} WHERE {in_street} ORDER BY path LIMIT 50", street_range),
        ),
        (
            "street subtree, count",
            fresh(lambda u: OrgUnit.objects.for_user(u).count()),
            sql(f"SELECT COUNT(*) FROM {table} WHERE {in_street}", street_range),
        ),
        (
            "tree_children view: for_user + depth",
            fresh(
                lambda u: list(
                    OrgUnit.objects.for_user(u).filter(
                        path__startswith=community.path, depth=community.depth + 1
                    )
                )
            ),
            sql(
                f"SELECT {columns} FROM {table} WHERE {in_street} AND depth = %s ORDER BY path",
                [*community_range, community.depth + 1],
            ),
        ),
    ]
    try:
        from orgs import selectors
    except ImportError:
        selectors = None
    if selectors is not None:
        parent_join = (
            f"SELECT {o_columns}, p.id FROM {table} o LEFT JOIN {table} p "
            f"ON p.path = SUBSTR(o.path, 1, LENGTH(o.path) - {OrgUnit.steplen}) "
            "WHERE o.path >= %s AND o.path < %s {extra} ORDER BY o.path"
        )
        if hasattr(selectors, "list_subtree"):
            cases.append(
                (
                    "street subtree, selectors.list_subtree",
                    fresh(lambda u: list(selectors.list_subtree(user=u, org=street))),
                    sql(parent_join.format(extra=""), street_range),
                )
            )
        if hasattr(selectors, "list_children"):
            cases.append(
                (
                    "tree children, selectors.list_children",
                    fresh(lambda u: list(selectors.list_children(user=u, org=community))),
                    sql(
                        parent_join.format(extra="AND o.depth = %s"),
                        [*community_range, community.depth + 1],
                    ),
                )
            )

    print(
        f"median of {args.repeat} runs; street subtree = {OrgUnit.unscoped.all().in_subtree(street.path).count()} orgs"
    )
    print(f"{'case':44} {'rows':>6} {'ORM ms':>9} {'SQL ms':>9} {'ratio':>6}")
    for name, orm_fn, sql_fn in cases:
        orm_ms, orm_result = median_ms(orm_fn, args.repeat)
        sql_ms, sql_result = median_ms(sql_fn, args.repeat)
        rows = orm_result if isinstance(orm_result, int) else len(orm_result)
        expected = sql_result[0][0] if isinstance(orm_result, int) else len(sql_result)
        assert rows == expected, (name, rows, expected)
        print(f"{name:44} {rows:>6} {orm_ms:>9.2f} {sql_ms:>9.2f} {orm_ms / sql_ms:>6.2f}")

    explain = "EXPLAIN QUERY PLAN" if vendor == "sqlite" else "EXPLAIN"
    print("\nquery plan of the ORM subtree condition:")
    qs = OrgUnit.objects.all().in_subtree(street.path).only("id")
    query, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {query}", params)
        for row in cursor.fetchall():
            print("   ", row[-1])
    print("query plan of the ORM lazy children condition:")
    qs = OrgUnit.objects.filter(path__startswith=community.path, depth=community.depth + 1).only("id")
    query, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {query}", params)
        for row in cursor.fetchall():
            print("   ", row[-1])


if __name__ == "__main__":
    main()
