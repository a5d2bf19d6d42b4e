#!/usr/bin/env python
"""Member statistics benchmark: ``stats.selectors.member_stats`` against hand-written SQL, same run.

Builds a scratch database (bulk inserts: PostgreSQL COPY, SQLite executemany; never the ORM per row)
with ``--members`` members (default 1,000,000) over about ``--orgs`` orgs (default 50,000):
1 root -> L2 committees of ``--subtree`` members each -> 10 general branches each -> branches.
Member attributes depend only on the member's position inside its L2 subtree, so every L2 subtree
has the same figures, and a separate database holding one such subtree must give exactly them.

Two data layouts, each in its own build (``--layout``, default both; the figures are the same):

- ``scattered``: a branch's members are interleaved with its sibling branches' (round-robin), so
  reading one branch touches one heap page per member: the worst case;
- ``clustered``: members loaded branch by branch, as real registries are (one import per branch),
  so a branch's members share heap pages.

For each layout it prints the median of ``--repeat`` rounds in which the compared cases take turns
(so that a shared machine's load falls on all of them), after a ``VACUUM ANALYZE`` of the loaded data:

1. ``member_stats()`` of the whole tree and of one L2 subtree (about ``--subtree`` members) against
   ONE hand-written SQL statement computing the same figures (subtree and children together:
   GROUPING SETS on PostgreSQL, UNION ALL on SQLite), after checking both give the same numbers.
   Goal: ratio <= 1.25.
2. ``member_stats()`` of the L2 subtree in the big database against the same call in a separate
   database with only that subtree (built by a child process). Goal: ratio <= 2. On PostgreSQL
   also without the covering index ``member_org_stats_idx`` (dropped in a transaction that is
   rolled back: the plan before that index existed), and the pages each plan touches.

    .venv/bin/python bench/member_stats.py                                 # SQLite files under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/member_stats.py
    .venv/bin/python bench/member_stats.py --members 100000 --orgs 5000    # smaller

On PostgreSQL the scratch databases are grassroots_bench_member_stats_{big,small} (dropped and
recreated) on the server of DATABASE_URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from scratch import prepare_database, setup_django

AS_OF = dt.date(2025, 6, 30)
L3_PER_L2 = 10
OCCUPATIONS = ("worker", "farmer", "professional", "manager", "official", "student", "other", "retired")


# -- databases -------------------------------------------------------------------------------------


def scratch_url(base: str | None, kind: str) -> str:
    if base and base.startswith("postgres"):
        return base.rsplit("/", 1)[0] + f"/grassroots_bench_member_stats_{kind}"
    return f"sqlite:////tmp/grassroots-bench-member-stats-{kind}.sqlite3"


def scratch_name() -> str:
    """The NAME Django connected to (database name or SQLite file), to switch back and forth."""
    from django.db import connection

    return str(connection.settings_dict["NAME"])


# -- data ----------------------------------------------------------------------------------------


def shape(members: int, orgs: int, subtree: int) -> tuple[int, int]:
    """(L2 count, branches per L3) for about ``orgs`` orgs and ``subtree`` members per L2."""
    n_l2 = max(1, members // subtree)
    per_l3 = max(1, (orgs - 1 - n_l2 - n_l2 * L3_PER_L2) // (n_l2 * L3_PER_L2))
    return n_l2, per_l3


def member_row(j: int) -> dict[str, Any]:
    """Deterministic attributes of the j-th member of an L2 subtree (a multiplicative hash)."""
    h = (j * 2654435761) % 4294967296
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=h % 23000)
    joined = birth + dt.timedelta(days=18 * 366 + (h >> 8) % 9000)
    joined = min(joined, dt.date(2025, 1, 1))
    confirmed = joined + dt.timedelta(days=366) if (h >> 3) % 50 else None
    return {
        "gender": "F" if h % 10 < 3 else "M",
        "ethnicity": "01" if (h >> 5) % 20 else f"{(h >> 10) % 56 + 1:02d}",
        "birth_date": birth,
        "education": ["81", "71", "61", "41", "47", "31", "21", "14", ""][(h >> 7) % 9],
        "occupation": [*OCCUPATIONS, ""][(h >> 11) % 9],
        "category": "full" if confirmed else "probationary",
        "status": "normal" if (h >> 13) % 40 else "stopped",
        "status_date": None if (h >> 13) % 40 else dt.date(2020, 1, 1),
        "joined_on": joined,
        "confirmed_on": confirmed,
        "is_mobile": (h >> 15) % 30 == 0,
        "mobile_since": dt.date(2021, 5, 1),
        "is_retired": (h >> 17) % 5 == 0,
        "retired_on": dt.date(2015, 1, 1),
        "in_hardship": (h >> 19) % 12 == 0,
        "hardship_since": None,
        "is_lost_contact": (h >> 21) % 200 == 0,
        "lost_contact_since": dt.date(2024, 1, 1),
        "removed_on": dt.date(2026, 1, 1) if (h >> 23) % 100 == 0 else None,
    }


def org_rows(n_l2: int, per_l3: int) -> Iterator[dict[str, Any]]:
    from orgs.models import OrgUnit

    def key(i: int) -> str:
        return OrgUnit._int2str(i).rjust(OrgUnit.steplen, "0")

    yield {"path": key(1), "depth": 1, "numchild": n_l2, "code": "R", "kind": "street_committee"}
    for a in range(1, n_l2 + 1):
        pa = key(1) + key(a)
        yield {"path": pa, "depth": 2, "numchild": L3_PER_L2, "code": f"C{a}", "kind": "community_committee"}
        for b in range(1, L3_PER_L2 + 1):
            pb = pa + key(b)
            yield {"path": pb, "depth": 3, "numchild": per_l3, "code": f"G{a}-{b}", "kind": "general_branch"}
            for c in range(1, per_l3 + 1):
                yield {
                    "path": pb + key(c),
                    "depth": 4,
                    "numchild": 0,
                    "code": f"B{a}-{b}-{c}",
                    "kind": "branch",
                }


def bulk_insert(model: Any, rows: Iterator[dict[str, Any]], batch: int = 20000) -> int:
    """Insert rows with every column (defaults filled) by COPY or executemany."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        defaults[f.attname] = now if f.attname in ("created_at", "updated_at") else f.get_default()
    columns = [f.column for f in fields]
    table = model._meta.db_table
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
                    count += 1
        else:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'

            def adapt(value: Any) -> Any:
                return value.isoformat() if isinstance(value, dt.date) else value

            chunk: list[list[Any]] = []
            for row in rows:
                chunk.append([adapt(row.get(f.attname, defaults[f.attname])) for f in fields])
                if len(chunk) >= batch:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
    return count


LAYOUTS = {
    "scattered": "each branch's members interleaved with its sibling branches' (round-robin)",
    "clustered": "loaded branch by branch, as registries are: a branch's members are adjacent",
}


def branch_index(j: int, size: int, per_l2: int, layout: str) -> int:
    """The branch (0 .. per_l2-1 inside its L2) of the j-th of ``size`` members of an L2 subtree.

    Both layouts put the same members in each L2 subtree, so its figures are the same; they differ
    in which heap pages one branch's members share.
    """
    if layout == "scattered":
        return j % per_l2
    return j * per_l2 // size


def build(members: int, orgs: int, subtree: int, layout: str) -> dict[str, Any]:
    from django.db import connection

    from members.models import Member
    from orgs.models import OrgUnit

    n_l2, per_l3 = shape(members, orgs, subtree)
    started = time.perf_counter()
    n_orgs = bulk_insert(
        OrgUnit,
        (
            {**row, "name": row["code"], "unit_type": "community", "status": "active"}
            for row in org_rows(n_l2, per_l3)
        ),
    )
    branch_ids = list(OrgUnit.unscoped.filter(depth=4).order_by("path").values_list("pk", flat=True))
    per_l2 = L3_PER_L2 * per_l3
    size = members // n_l2

    def rows() -> Iterator[dict[str, Any]]:
        for a in range(n_l2):
            branches = branch_ids[a * per_l2 : (a + 1) * per_l2]
            for j in range(size):
                branch = branches[branch_index(j, size, per_l2, layout)]
                yield {**member_row(j), "name": f"M{a}-{j}", "org_id": branch}

    n_members = bulk_insert(Member, rows())
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load, done now so that it does not run during the
        # timings; on PostgreSQL it also sets the visibility map that index-only scans need.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"orgs": n_orgs, "members": n_members, "l2": n_l2, "seconds": time.perf_counter() - started}


# -- the hand-written baseline -------------------------------------------------------------------


def handwritten_sql(vendor: str, root_path: str, root_depth: int, as_of: dt.date) -> tuple[str, list[Any]]:
    """ONE statement: the subtree row (child NULL, grouping 1) and one row per child prefix."""
    from members import codes
    from stats import rules

    d = as_of.isoformat()

    def q(value: Any) -> str:
        return "'" + str(value) + "'"

    def inlist(values: list[str]) -> str:
        return "(" + ", ".join(q(v) for v in values) + ")"

    cols = ["COUNT(*) AS total"]

    def add(name: str, cond: str) -> None:
        cols.append(f"COUNT(*) FILTER (WHERE {cond}) AS {name}")

    add("full", f"m.confirmed_on <= {q(d)} OR (m.confirmed_on IS NULL AND m.category = 'full')")
    add("women", "m.gender = 'F'")
    add("minority", "m.ethnicity IN " + inlist([c for c in codes.ETHNICITIES if codes.is_ethnic_minority(c)]))
    add("young", f"m.birth_date > {q(rules.young_birth_after(as_of))}")
    for flag, since in (
        ("is_mobile", "mobile_since"),
        ("is_retired", "retired_on"),
        ("in_hardship", "hardship_since"),
        ("is_lost_contact", "lost_contact_since"),
    ):
        add(flag, f"m.{flag} AND (m.{since} IS NULL OR m.{since} <= {q(d)})")
    yyyymmdd = (
        "CAST(TO_CHAR(m.birth_date, 'YYYYMMDD') AS INTEGER)"
        if vendor == "postgresql"
        else "CAST(REPLACE(m.birth_date, '-', '') AS INTEGER)"
    )
    cols.append(f"SUM(({rules.date_as_int(as_of)} - {yyyymmdd}) / 10000) AS age_sum")
    for band in rules.age_bands_for(as_of):
        lower, upper = band.birth_range(as_of)
        add(
            f"age_{band.key}",
            f"m.birth_date <= {q(upper)}" + (f" AND m.birth_date > {q(lower)}" if lower else ""),
        )
    for key, _label in codes.PARTY_EDUCATION_BANDS:
        add(
            f"ep_{key}",
            "m.education IN " + inlist([c for c, b in codes.EDUCATION_PARTY_BAND.items() if b == key]),
        )
    for key, _label in codes.TOWN_EDUCATION_BANDS:
        add(
            f"et_{key}",
            "m.education IN " + inlist([c for c, b in codes.EDUCATION_TOWN_BAND.items() if b == key]),
        )
    for occupation in OCCUPATIONS:
        add(f"occ_{occupation}", f"m.occupation = {q(occupation)}")
    for period in rules.JOIN_PERIODS:
        cond = "m.joined_on IS NOT NULL"
        if period.start:
            cond += f" AND m.joined_on >= {q(period.start)}"
        if period.end:
            cond += f" AND m.joined_on < {q(period.end)}"
        add(f"join_{period.key}", cond)
    for code in codes.ETHNICITIES:
        add(f"eth_{code}", f"m.ethnicity = {q(code)}")
    counted = (
        f"(m.joined_on <= {q(d)} OR (m.joined_on IS NULL AND (m.added_on IS NULL OR m.added_on <= {q(d)})))"
        f" AND (m.removed_on IS NULL OR m.removed_on > {q(d)})"
        f" AND (m.status IN ('normal', 'restored') OR m.status_date > {q(d)})"
    )
    select = ", ".join(cols)
    child_len = len(root_path) + 4
    source = (
        f"FROM members_member m JOIN orgs_orgunit o ON o.id = m.org_id "
        f"WHERE o.path >= %s AND o.path < %s AND {counted}"
    )
    if vendor == "postgresql":
        child = f"CASE WHEN o.depth > {root_depth} THEN SUBSTR(o.path, 1, {child_len}) END"
        sql = f"SELECT GROUPING({child}) AS whole, {child} AS child, {select} {source} GROUP BY GROUPING SETS (({child}), ())"
    else:
        sql = (
            f"SELECT 1 AS whole, NULL AS child, {select} {source} UNION ALL "
            f"SELECT 0, SUBSTR(o.path, 1, {child_len}), {select} {source} AND o.depth > {root_depth} "
            f"GROUP BY SUBSTR(o.path, 1, {child_len})"
        )
    # The subtree as an index range (paths use 0-9A-Z only, all sorting before "~").
    bounds = [root_path, root_path + "~"]
    return sql, bounds if vendor == "postgresql" else bounds + bounds


def run_handwritten(root: Any, as_of: dt.date) -> dict[str, Any]:
    from django.db import connection

    sql, params = handwritten_sql(connection.vendor, root.path, root.depth, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    whole = next(r for r in rows if r["whole"] == 1)
    children = {r["child"]: r for r in rows if r["whole"] == 0 and r["child"] is not None}
    return {"whole": whole, "children": children}


def check_same(stats: dict[str, Any], sql: dict[str, Any]) -> None:
    whole = sql["whole"]
    pairs = [
        ("total", "total"),
        ("full", "full"),
        ("women", "women"),
        ("ethnic_minority", "minority"),
        ("under_35", "young"),
        ("mobile", "is_mobile"),
        ("retired", "is_retired"),
        ("hardship", "in_hardship"),
        ("lost_contact", "is_lost_contact"),
    ]
    for ours, theirs in pairs:
        assert stats[ours] == whole[theirs], (ours, stats[ours], whole[theirs])
    assert [e["count"] for e in stats["age_bands"]] == [
        v for k, v in whole.items() if k.startswith("age_") and k != "age_sum"
    ]
    from stats.rules import average

    assert average(whole["age_sum"], whole["total"]) == stats["average_age"]
    assert sum(c["total"] for c in stats["children"]) == sum(r["total"] for r in sql["children"].values())


# -- timing --------------------------------------------------------------------------------------

COVERING_INDEX = "member_org_stats_idx"  # members.Member.Meta.indexes, with INCLUDE on PostgreSQL


def use_database(name: str) -> None:
    """Point the default connection at a scratch database (reconnects on the next query if it changed)."""
    from django.db import connection

    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name


def run_case(
    func: Callable[[], Any], calls: int, *, database: str, covering: bool = True, warm: bool = True
) -> list[float]:
    """Seconds of ``calls`` calls of ``func`` on ``database``, after one untimed call if ``warm``.

    ``covering=False`` drops the covering index inside a transaction rolled back afterwards
    (PostgreSQL DDL is transactional): the plan is then the one before the index existed.
    """
    from django.db import connection, transaction

    use_database(database)
    with transaction.atomic():
        if not covering:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX "{COVERING_INDEX}"')
        if warm:
            func()
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    return times


def alternate(cases: dict[str, Callable[[], list[float]]], rounds: int) -> dict[str, float]:
    """Median seconds of each case, the cases taking turns ``rounds`` times.

    Taking turns spreads the load of a shared machine over every case instead of on whichever
    ran while it was busy, so the ratios compare like with like.
    """
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name] += case()
    return {name: statistics.median(times) for name, times in samples.items()}


def pages_touched(org: Any, *, covering: bool = True) -> str:
    """PostgreSQL: the buffers the subtree aggregate touches and how it reads the members."""
    from django.db import connection, transaction

    from stats.selectors import _SENTINEL, _grouped_sql

    sql, params, indexes = _grouped_sql(connection.alias, AS_OF, len(org.path) + 4)
    values = [p.replace(_SENTINEL, org.path) if i in indexes else p for i, p in enumerate(params)]
    with transaction.atomic(), connection.cursor() as cursor:
        if not covering:
            cursor.execute(f'DROP INDEX "{COVERING_INDEX}"')
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, values)
        plan = cursor.fetchone()[0]
        transaction.set_rollback(True)
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    scans = [
        f"{n['Node Type']} on {n.get('Index Name') or n['Relation Name']}"
        for n in nodes(plan)
        if n.get("Relation Name") == "members_member"
    ]
    pages = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return f"{pages:,} pages ({', '.join(scans)})"


def small_phase(args: argparse.Namespace) -> None:
    """Child process: build a database holding one L2 subtree; print its NAME and figures."""
    url = scratch_url(os.environ.get("DATABASE_URL"), "small")
    prepare_database(url)
    setup_django(url)
    from orgs.models import OrgUnit
    from stats.selectors import member_stats

    _n_l2, per_l3 = shape(args.members, args.orgs, args.subtree)
    # Same branches per L3 as in the big database, so the subtree is identical.
    build(args.subtree, 1 + 1 + L3_PER_L2 * (1 + per_l3), args.subtree, args.layout)
    stats = member_stats(OrgUnit.unscoped.get(depth=2), AS_OF)
    print(json.dumps({"name": scratch_name(), "total": stats["total"], "women": stats["women"]}))


def build_small(args: argparse.Namespace, layout: str) -> dict[str, Any]:
    base = os.environ.get("BENCH_BASE_URL")
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "small",
            *("--members", str(args.members), "--orgs", str(args.orgs)),
            *("--subtree", str(args.subtree), "--layout", layout),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ | ({"DATABASE_URL": base} if base else {}),
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_layout(args: argparse.Namespace, layout: str, big: str) -> dict[str, float]:
    """Build the big database in ``layout``, time everything on it; the results by name (ms)."""
    from django.core.management import call_command
    from django.db import connection

    from orgs.models import OrgUnit
    from stats.selectors import member_stats

    url = scratch_url(os.environ.get("BENCH_BASE_URL"), "big")
    use_database(big)
    connection.close()
    prepare_database(url)
    call_command("migrate", verbosity=0, interactive=False)
    postgres = connection.vendor == "postgresql"
    built = build(args.members, args.orgs, args.subtree, layout)
    print(
        f"\n== layout {layout}: {LAYOUTS[layout]}\n"
        f"{connection.vendor}: built {built['members']:,} members over {built['orgs']:,} orgs "
        f"in {built['seconds']:.1f} s"
    )
    root = OrgUnit.unscoped.get(depth=1)
    l2 = OrgUnit.unscoped.filter(depth=2).order_by("path").last()
    out: dict[str, float] = {}

    whole = member_stats(root, AS_OF)
    check_same(whole, run_handwritten(root, AS_OF))
    times = alternate(
        {
            "orm": lambda: run_case(lambda: member_stats(root, AS_OF), 1, database=big, warm=False),
            "sql": lambda: run_case(lambda: run_handwritten(root, AS_OF), 1, database=big, warm=False),
        },
        args.repeat,
    )
    out["whole_orm"], out["whole_sql"] = times["orm"] * 1000, times["sql"] * 1000
    print(
        f"member_stats, whole tree ({whole['total']:,} counted, {len(whole['children'])} children): "
        f"ORM {out['whole_orm']:.1f} ms, hand-written SQL {out['whole_sql']:.1f} ms, "
        f"ratio {out['whole_orm'] / out['whole_sql']:.2f} (goal <= 1.25)"
    )

    stats = member_stats(l2, AS_OF)
    check_same(stats, run_handwritten(l2, AS_OF))
    small = build_small(args, layout)
    assert (small["total"], small["women"]) == (stats["total"], stats["women"]), (small, stats["total"])
    use_database(small["name"])
    small_l2 = OrgUnit.unscoped.get(depth=2)
    calls = 3

    def orm(org: Any, database: str, covering: bool = True) -> Callable[[], list[float]]:
        return lambda: run_case(lambda: member_stats(org, AS_OF), calls, database=database, covering=covering)

    cases = {
        "orm": orm(l2, big),
        "sql": lambda: run_case(lambda: run_handwritten(l2, AS_OF), calls, database=big),
        "small": orm(small_l2, small["name"]),
    }
    if postgres:
        cases |= {"orm_nocover": orm(l2, big, False), "small_nocover": orm(small_l2, small["name"], False)}
    times = alternate(cases, args.repeat)
    for name, seconds in times.items():
        out[f"l2_{name}"] = seconds * 1000
    print(
        f"member_stats, one L2 subtree ({stats['total']:,} counted, {len(stats['children'])} children): "
        f"ORM {out['l2_orm']:.1f} ms, hand-written SQL {out['l2_sql']:.1f} ms, "
        f"ratio {out['l2_orm'] / out['l2_sql']:.2f} (goal <= 1.25)"
    )
    print(
        f"member_stats, the same {stats['total']:,}-member subtree in the big database "
        f"{out['l2_orm']:.1f} ms, alone in its own database {out['l2_small']:.1f} ms, "
        f"ratio {out['l2_orm'] / out['l2_small']:.2f} (goal <= 2)"
    )
    if postgres:
        print(
            f"  without the covering index {COVERING_INDEX} (dropped in a rolled-back transaction): "
            f"big {out['l2_orm_nocover']:.1f} ms, alone {out['l2_small_nocover']:.1f} ms, "
            f"ratio {out['l2_orm_nocover'] / out['l2_small_nocover']:.2f}"
        )
        use_database(big)
        print(f"  pages the subtree aggregate touches, with the index: {pages_touched(l2)}")
        print(f"  without it: {pages_touched(l2, covering=False)}")
        use_database(small["name"])
        print(f"  alone in its own database: {pages_touched(small_l2)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--subtree", type=int, default=10_000, help="members per L2 subtree")
    parser.add_argument("--repeat", type=int, default=5, help="rounds in which the cases take turns")
    parser.add_argument("--layout", choices=[*LAYOUTS, "both"], default="both")
    parser.add_argument("--phase", choices=["big", "small"], default="big", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "small":
        small_phase(args)
        return

    base = os.environ.get("DATABASE_URL")
    if base:
        os.environ["BENCH_BASE_URL"] = base
    url = scratch_url(base, "big")
    prepare_database(url)
    setup_django(url)
    layouts = list(LAYOUTS) if args.layout == "both" else [args.layout]
    big = scratch_name()
    results = {layout: run_layout(args, layout, big) for layout in layouts}
    print("\nsummary (ms; ratios): layout | whole ORM/SQL | L2 ORM/SQL | L2 big/alone", end="")
    print(" | without covering index: big/alone" if "l2_orm_nocover" in results[layouts[0]] else "")
    for layout, r in results.items():
        line = (
            f"{layout} | {r['whole_orm']:.0f}/{r['whole_sql']:.0f} = {r['whole_orm'] / r['whole_sql']:.2f}"
            f" | {r['l2_orm']:.1f}/{r['l2_sql']:.1f} = {r['l2_orm'] / r['l2_sql']:.2f}"
            f" | {r['l2_orm']:.1f}/{r['l2_small']:.1f} = {r['l2_orm'] / r['l2_small']:.2f}"
        )
        if "l2_orm_nocover" in r:
            line += (
                f" | {r['l2_orm_nocover']:.1f}/{r['l2_small_nocover']:.1f}"
                f" = {r['l2_orm_nocover'] / r['l2_small_nocover']:.2f}"
            )
        print(line)


if __name__ == "__main__":
    main()
