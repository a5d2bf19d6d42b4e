#!/usr/bin/env python
"""Member import benchmark: a full import against the floor of reading and bulk-loading, same file.

Generates a realistic xlsx of ``--rows`` members (default 100,000; valid checksummed ID numbers, the
15 headers of the issue) under /tmp, then measures, each in a fresh child process and a fresh
scratch database:

1. the floor: read the file with python-calamine and load its raw rows (15 text columns) into a
   scratch table — PostgreSQL COPY, on SQLite executemany — in one transaction;
2. the full import through ``MemberImporter``: parse, validate (members.rules), encrypt ID number and
   phone, blind indexes, pinyin, bulk_create in batches, and the bulk audit (one batch record and one
   entry per row), all in one transaction.

It prints rows/s of each, the ratio import/floor (goal: ≥ 1/3), the CPU time behind each (this
process, and on PostgreSQL the server backend's, read from /proc), and the peak memory of the import
at two file sizes (``--small`` rows, default rows/10, and ``--rows``): the process's maximum RSS and
the Python heap peak (tracemalloc, measured in a separate run because tracing slows Python down).
The RSS includes python-calamine's copy of the whole sheet (it parses the worksheet before the first
row comes out), which grows with the file up to IMPORT_MAX_ROWS; the Python heap does not.

    .venv/bin/python bench/import_members.py                            # SQLite files under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/import_members.py
    .venv/bin/python bench/import_members.py --rows 20000               # smaller

On PostgreSQL the scratch database is grassroots_bench_import_members (dropped and recreated) on the
server of DATABASE_URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = [
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "学历",
    "人员类别",
    "所在党组织",
    "加入党组织日期",
    "转为正式党员日期",
    "工作岗位",
    "手机号码",
    "是否流动党员",
    "是否离退休",
    "是否困难党员",
]
BRANCH_CODE = "BENCH-B1"
AREAS = ("110101", "110102", "110105", "110106", "110108")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬建国志宏文辉海波鹏飞"
EDUCATIONS = (
    "大学本科毕业",
    "大学专科毕业",
    "普通高中毕业",
    "初中毕业",
    "中等专科毕业",
    "硕士研究生毕业",
    "小学毕业",
)
OCCUPATIONS = (
    "工人（工勤技能人员）",
    "农牧渔民",
    "企事业单位、社会组织专业技术人员",
    "企事业单位、社会组织管理人员",
    "党政机关工作人员",
    "学生",
    "其他职业人员",
    "离退休人员",
)
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族")


# -- the file --------------------------------------------------------------------------------------


def check_character(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def member_cells(i: int) -> list[Any]:
    """Row i: unique ID number (area, birth date, sequence all from i), consistent dates."""
    h = (i * 2654435761) % 4294967296
    area = AREAS[i % len(AREAS)]
    j = i // len(AREAS)
    born = dt.date(1945, 1, 1) + dt.timedelta(days=j % 19000)
    female = h % 10 < 3
    seq = (j // 19000) * 2 + (0 if female else 1)
    first17 = f"{area}{born:%Y%m%d}{seq % 1000:03d}"
    probationary = h % 40 == 0
    joined = (
        dt.date(2026, 1, 1) - dt.timedelta(days=h % 200)
        if probationary
        else born + dt.timedelta(days=20 * 366 + (h >> 8) % 6000)
    )
    if not probationary and joined > dt.date(2024, 6, 30):
        joined = dt.date(2024, 6, 30) - dt.timedelta(days=h % 3000)
    confirmed = (
        ""
        if probationary
        else (joined.replace(year=joined.year + 1) if joined.month != 2 else joined + dt.timedelta(days=366))
    )
    retired = born.year < 1962
    return [
        SURNAMES[h % len(SURNAMES)]
        + GIVEN[(h >> 7) % len(GIVEN)]
        + ("" if h % 3 else GIVEN[(h >> 11) % len(GIVEN)]),
        "女" if female else "男",
        ETHNICITIES[(h >> 5) % len(ETHNICITIES)],
        first17 + check_character(first17),
        born.isoformat(),
        EDUCATIONS[(h >> 9) % len(EDUCATIONS)],
        "预备党员" if probationary else "正式党员",
        BRANCH_CODE,
        joined.isoformat(),
        confirmed.isoformat() if confirmed else "",
        "离退休人员" if retired else OCCUPATIONS[(h >> 13) % 7],
        f"1{3 + (i % 7)}{i:09d}",
        "是" if (h >> 15) % 30 == 0 else "否",
        "是" if retired else "否",
        "是" if (h >> 19) % 25 == 0 else "否",
    ]


def write_file(path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("党员信息")
    sheet.write_row(0, 0, HEADER)
    for i in range(rows):
        sheet.write_row(i + 1, 0, member_cells(i))
    workbook.close()


# -- databases -------------------------------------------------------------------------------------


def scratch_url(base: str | None) -> str:
    if base and base.startswith("postgres"):
        return base.rsplit("/", 1)[0] + "/grassroots_bench_import_members"
    return "sqlite:////tmp/grassroots-bench-import-members.sqlite3"


def prepare_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    assert "bench" in name
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- the two measurements (child processes) ----------------------------------------------------------


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine), 0 on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall time, this process's CPU time and the database server's CPU time of one measurement."""

    def __enter__(self) -> Clock:
        self.server = server_cpu()
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = server_cpu() - self.server

    def as_dict(self) -> dict[str, float]:
        return {"seconds": self.wall, "cpu": self.cpu, "server_cpu": self.server}


def floor(path: Path) -> dict[str, Any]:
    """Read with calamine and bulk-load the raw rows as text: the fastest a load of this file can be."""
    import python_calamine
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        cursor.execute(f"CREATE TABLE bench_scratch ({columns})")
    rows = 0
    with Clock() as clock, transaction.atomic():
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        cells = book.get_sheet_by_index(0).iter_rows()
        next(cells)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY bench_scratch FROM STDIN") as copy:
                    for row in cells:
                        copy.write_row([str(v) for v in row])
                        rows += 1
            else:
                placeholders = ", ".join(["%s"] * len(HEADER))
                batch: list[list[str]] = []
                for row in cells:
                    batch.append([str(v) for v in row])
                    if len(batch) == 5000:
                        cursor.executemany(f"INSERT INTO bench_scratch VALUES ({placeholders})", batch)
                        rows += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(f"INSERT INTO bench_scratch VALUES ({placeholders})", batch)
                    rows += len(batch)
    return {"rows": rows, **clock.as_dict()}


def full_import(path: Path, trace: bool) -> dict[str, Any]:
    import tracemalloc

    from core.models import AuditEntry
    from members.importers import MemberImporter
    from members.models import Member
    from orgs.models import OrgUnit

    street = OrgUnit.unscoped.add_root(
        instance=OrgUnit(code="BENCH-S", name="基准测试街道党工委", kind="street_committee")
    )
    branch = OrgUnit.unscoped.add_child(
        street, instance=OrgUnit(code=BRANCH_CODE, name="基准测试党支部", kind="branch")
    )
    if trace:
        tracemalloc.start()
    with Clock() as clock:
        result = MemberImporter(actor=None, org=branch).run(str(path))
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    assert result.ok and result.applied, (result.refused, result.errors[:5])
    assert Member.unscoped.count() == result.created
    assert AuditEntry.unscoped.count() == result.created
    return {
        "rows": result.created,
        **clock.as_dict(),
        "warnings": len(result.problems),
        "python_peak_mb": peak / 2**20 if peak is not None else None,
    }


def child(args: argparse.Namespace) -> None:
    url = scratch_url(os.environ.get("DATABASE_URL"))
    prepare_database(url)
    setup_django(url)
    path = Path(args.file)
    result = floor(path) if args.child == "floor" else full_import(path, trace=args.trace)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(kind: str, path: Path, trace: bool = False) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--file", str(path)]
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ.copy()).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, help="rows of the small file for the memory comparison")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--child", choices=("floor", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    small = args.small or max(1000, args.rows // 10)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    files = {}
    for rows in (small, args.rows):
        path = Path(f"/tmp/grassroots-bench-members-{rows}.xlsx")
        started = time.perf_counter()
        write_file(path, rows)
        files[rows] = path
        print(
            f"generated {path} ({rows} rows, {path.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - started:.1f} s"
        )
    print(f"database: {database}")
    base = run_child("floor", files[args.rows])
    full = run_child("import", files[args.rows])
    small_run = run_child("import", files[small])
    floor_rate = base["rows"] / base["seconds"]
    import_rate = full["rows"] / full["seconds"]
    print(
        f"floor  (calamine + {'COPY' if database == 'PostgreSQL' else 'executemany'}): {base['rows']} rows in {base['seconds']:.2f} s = {floor_rate:,.0f} rows/s"
    )
    print(
        f"import (MemberImporter, full):      {full['rows']} rows in {full['seconds']:.2f} s = {import_rate:,.0f} rows/s"
    )
    print(f"ratio import/floor: {import_rate / floor_rate:.3f} (goal >= 0.333)")
    print("CPU per row (this process + database server; the machine's load shows in wall time only):")
    for label, run in (("floor", base), ("import", full)):
        print(
            f"  {label:<7} {run['cpu'] / run['rows'] * 1e6:6.0f} us + server {run['server_cpu'] / run['rows'] * 1e6:4.0f} us"
        )
    print("peak memory of the import (max RSS of the process):")
    print(
        f"  {small:>7} rows: {small_run['max_rss_mb']:.0f} MiB   ({small_run['rows'] / small_run['seconds']:,.0f} rows/s)"
    )
    print(f"  {args.rows:>7} rows: {full['max_rss_mb']:.0f} MiB")
    print(
        "  (RSS grows with the file: python-calamine holds the whole sheet, about 1.2 KiB a row,"
        " bounded by IMPORT_MAX_ROWS; the Python heap below does not grow)"
    )
    if not args.no_trace:
        traced_small = run_child("import", files[small], trace=True)
        traced_full = run_child("import", files[args.rows], trace=True)
        print("peak Python heap of the import (tracemalloc):")
        print(f"  {small:>7} rows: {traced_small['python_peak_mb']:.1f} MiB")
        print(f"  {args.rows:>7} rows: {traced_full['python_peak_mb']:.1f} MiB")


if __name__ == "__main__":
    main()
