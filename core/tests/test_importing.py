"""The generic import machinery: intake refusals, headers, cell parsers, the engine, files for users.

The engine is exercised with a tiny importer of Job rows (a framework model) keyed by title; the
member import has its own tests in members/tests/test_imports.py.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from core import audit
from core.importing import (
    CREATE,
    UNCHANGED,
    UPDATE,
    CellError,
    Column,
    Importer,
    Row,
    choice_parser,
    match_headers,
    normalise_header,
    open_table,
    parse_bool,
    parse_code_text,
    parse_date,
    parse_text,
)
from core.importing.base import SeenKeys
from core.importing.testing import (
    bomb_xlsx_bytes,
    csv_bytes,
    encrypted_xlsx_bytes,
    lying_zip,
    ole2_bytes,
    xlsx_bytes,
)
from core.models import AuditAction, AuditBatch, AuditEntry, Job


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def parse_int(value: Any) -> int | None:
    text = parse_text(value)
    if text is None:
        return None
    if not text.isdigit():
        raise CellError("不是整数")
    return int(text)


class JobImporter(Importer):
    """Job rows keyed by title: enough to drive the engine against a real table."""

    columns = (
        Column("title", "标题", synonyms=("名称",), required=True),
        Column("total", "总数", parser=parse_int),
        Column("kind", "类型", choices=("甲", "乙")),
    )
    key = "title"
    model = Job
    description = "测试导入"
    batch_size = 2

    def validate_row(self, row: Row) -> None:
        if row.values.get("total") == 13:
            row.error("total", "不吉利")
        if row.values.get("total") == 7:
            row.warn("total", "提醒一下")

    def plan(self, rows: list[Row]) -> None:
        existing = {j.title: j for j in Job.unscoped.filter(kind="t", title__in=[r.key for r in rows])}
        for row in rows:
            job = existing.get(row.key)
            total = row.values.get("total") or 0
            if job is None:
                row.action = CREATE
            elif job.total != total:
                row.action, row.target, row.changes = UPDATE, job, {"total": [job.total, total]}
            else:
                row.action = UNCHANGED

    def apply(self, rows: list[Row]) -> Iterable[audit.BulkRow]:
        new = [
            Job(kind="t", title=r.key, total=r.values.get("total") or 0) for r in rows if r.action == CREATE
        ]
        Job.unscoped.bulk_create(new)
        changed = [r for r in rows if r.action == UPDATE]
        for row in changed:
            row.target.total = row.values.get("total") or 0
        Job.unscoped.bulk_update([r.target for r in changed], ["total"])
        for job in new:
            yield audit.BulkRow(job.pk, job.title, AuditAction.CREATE, {"total": [None, job.total]}, None)
        for row in changed:
            yield audit.BulkRow(row.target.pk, row.key, AuditAction.UPDATE, row.changes, None)


def run(data: bytes, *, dry_run: bool = False):
    return JobImporter(actor=None, org=None).run(io.BytesIO(data), dry_run=dry_run)


def counts() -> tuple[int, int, int]:
    return Job.unscoped.count(), AuditEntry.unscoped.count(), AuditBatch.unscoped.count()


# -- refused files: the exact message, and nothing changed -----------------------------------------

GOOD = xlsx_bytes([["标题", "总数"], ["a", 1]])


def refused(data: bytes) -> str:
    before = counts()
    result = run(data)
    assert counts() == before
    assert result.applied is False
    assert result.created == result.updated == 0
    return result.refused


@pytest.mark.django_db
def test_refuses_an_empty_file():
    assert refused(b"") == "文件是空的。"


@pytest.mark.django_db
def test_refuses_a_sheet_without_any_cell():
    assert refused(xlsx_bytes([])) == "文件是空的。"


@pytest.mark.django_db
def test_refuses_a_file_with_only_the_header():
    assert refused(xlsx_bytes([["标题", "总数"]])) == "文件中表头下面没有数据行。"


WRONG_TYPE = "文件类型不正确：只能导入 Excel 工作簿（.xlsx）或 CSV 文件。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "<html><body><table><tr><td>标题</td></tr></table></body></html>".encode(),
        b"\x00\x01\x02\x03binary",
    ],
    ids=["png", "pdf", "html-saved-as-xls", "binary"],
)
def test_refuses_files_of_the_wrong_type_by_content(data):
    assert refused(data) == WRONG_TYPE


@pytest.mark.django_db
def test_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(buffer.getvalue()) == WRONG_TYPE


@pytest.mark.django_db
def test_refuses_an_ole2_file_that_is_not_a_workbook():
    assert refused(ole2_bytes("WordDocument")) == WRONG_TYPE


@pytest.mark.django_db
def test_refuses_an_old_xls_file():
    assert refused(ole2_bytes("Workbook")) == (
        "这是旧版 Excel 97-2003 文件（.xls）。请用 Excel 打开，另存为“Excel 工作簿（.xlsx）”后再导入。"
    )


PASSWORD = "文件设有打开密码，无法读取。请在 Excel 中取消密码后保存，再重新导入。"


@pytest.mark.django_db
def test_refuses_a_password_protected_xlsx():
    assert refused(encrypted_xlsx_bytes(GOOD)) == PASSWORD


@pytest.mark.django_db
def test_refuses_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_BYTES = len(GOOD) - 1
    assert (
        refused(GOOD)
        == f"文件大小为 {len(GOOD) / 1024:.1f}\xa0KB，超过了 {(len(GOOD) - 1) / 1024:.1f}\xa0KB 的上限。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_refuses_a_file_over_the_row_limit(settings, kind):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["标题"]] + [[f"r{i}"] for i in range(4)]
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    assert refused(data) == "文件有 4 行数据，超过了 3 行的上限，请拆分成几个文件分别导入。"


@pytest.mark.django_db
def test_accepts_a_file_at_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 4
    result = run(xlsx_bytes([["标题"]] + [[f"r{i}"] for i in range(4)]))
    assert (result.refused, result.created) == ("", 4)


@pytest.mark.django_db
def test_refuses_a_decompression_bomb_by_total_size(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    data = bomb_xlsx_bytes(["标题"], 3 * 1024 * 1024)
    assert len(data) < 50_000
    assert refused(data) == "文件解压后会超过 2.0\xa0MB，存在安全风险，已拒绝。"


@pytest.mark.django_db
def test_refuses_a_decompression_bomb_by_ratio(settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 50
    data = bomb_xlsx_bytes(["标题"], 2 * 1024 * 1024)
    assert refused(data) == "文件中的 xl/worksheets/sheet1.xml 部分压缩比超过 50 倍，存在安全风险，已拒绝。"


@pytest.mark.django_db
def test_refuses_a_bomb_whose_directory_lies_about_its_size(settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 50
    data = lying_zip(bomb_xlsx_bytes(["标题"], 2 * 1024 * 1024), declared=100)
    assert refused(data) == "文件已损坏，无法读取。"


@pytest.mark.django_db
def test_refuses_a_truncated_xlsx():
    assert refused(GOOD[: len(GOOD) // 2]) == "文件已损坏，无法读取。"


@pytest.mark.django_db
def test_refuses_csv_in_an_unknown_encoding():
    data = "标题\n甲\n".encode("utf-16-le").replace(b"\x00", b"") + b"\xff\xfe\x80\x80"
    assert refused(data) == "CSV 文件既不是 UTF-8 也不是 GB18030/GBK 编码，请用其中一种编码重新保存。"


@pytest.mark.django_db
def test_refuses_missing_required_columns():
    assert refused(xlsx_bytes([["总数", "类型"], [1, "甲"]])) == "缺少必填列：标题。"


@pytest.mark.django_db
def test_refuses_the_same_column_twice():
    assert refused(xlsx_bytes([["标题", "名称"], ["a", "b"]])) == "“标题”和“名称”是同一列，请只保留一列。"


# -- reading ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "gbk"],
)
def test_reads_csv_in_every_accepted_encoding(encoding):
    result = run(csv_bytes([["标题", "总数"], ["党员甲", "3"], ["党员乙", "4"]], encoding=encoding))
    assert (result.refused, result.created) == ("", 2)
    assert sorted(Job.unscoped.values_list("title", "total")) == [("党员乙", 4), ("党员甲", 3)]


@pytest.mark.django_db
def test_reads_tab_separated_text():
    result = run(csv_bytes([["标题", "总数"], ["甲", "3"]], delimiter="\t"))
    assert (result.refused, result.created) == ("", 1)


def test_row_numbers_are_the_ones_excel_shows_even_with_blank_rows_above_and_between():
    data = xlsx_bytes([["标题", "总数"], ["a", 1], [None, None], ["b", 2]], first_row=2, first_col=1)
    with open_table(io.BytesIO(data)) as table:
        assert (table.header, table.header_row, table.first_column) == (["标题", "总数"], 3, 1)
        assert list(table.rows()) == [(4, ["a", 1.0]), (6, ["b", 2.0])]


@pytest.mark.django_db
def test_title_rows_above_the_header_are_skipped():
    result = run(
        xlsx_bytes([["某某党支部名册"], [None], ["打印日期", "2024-01-01"], ["总数", "标题"], [1, "a"]])
    )
    assert (result.refused, result.created, result.problems) == ("", 1, [])
    assert Job.unscoped.get().title == "a"


def test_headers_match_by_name_or_synonym_in_any_order_loosely():
    columns = JobImporter.columns
    mapping = match_headers(["类 型 ", "总数（必填）", "＊名称", "备注"], columns)
    assert mapping.positions == {"kind": 0, "total": 1, "title": 2}
    assert [(p.column, p.message, p.level, p.row) for p in mapping.warnings] == [
        ("备注", "无法识别的列，已忽略。", "warning", 1)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("姓名*", "姓名"), ("*姓名", "姓名"), ("姓　名", "姓名"), ("姓名(必填)", "姓名"), ("ＡＢＣ", "abc")],
)
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


# -- cell parsers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2021-07-01",
        "2021/7/1",
        "2021.7.1",
        "20210701",
        "2021年7月1日",
        "2021年07月01日",
        " 2021-07-01 00:00:00 ",
        "２０２１－０７－０１",
        44378,
        44378.0,
        "44378",
        20210701,
        dt.date(2021, 7, 1),
        dt.datetime(2021, 7, 1, 0, 0),
    ],
)
def test_dates_in_every_accepted_format(value):
    assert parse_date(value) == dt.date(2021, 7, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021-02-30", "2021-02-30 不是有效的日期。"),
        ("七月一日", "七月一日 不是日期。日期请写成 2021-07-01、2021/7/1 或 2021年7月1日 的样子。"),
        (-5, "-5 不是有效的日期。"),
    ],
)
def test_bad_dates_are_refused_with_the_reason(value, message):
    with pytest.raises(CellError) as info:
        parse_date(value)
    assert info.value.message == message


def test_blank_cells_parse_to_none():
    assert [parse_date(""), parse_bool("  "), parse_text(None), parse_code_text("")] == [None] * 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        (0, False),
        ("√", True),
        (True, True),
    ],
)
def test_booleans(value, expected):
    assert parse_bool(value) is expected


def test_choices_match_as_written_or_folded_to_half_width():
    parse = choice_parser({"工人（工勤技能人员）": "worker", "ABC": "abc"}.get, ["工人（工勤技能人员）"])
    assert [parse("工人（工勤技能人员）"), parse(" ＡＢＣ "), parse("")] == ["worker", "abc", None]
    with pytest.raises(CellError) as info:
        parse("农民")
    assert info.value.message == "农民 不是可选的值。请从以下选项中选择：工人（工勤技能人员）。"


def test_a_bad_boolean_is_refused():
    with pytest.raises(CellError) as info:
        parse_bool("也许")
    assert info.value.message == "也许 不是“是”或“否”。"


NUMBER = "以数字形式保存，位数已丢失（Excel 只保留 15 位）。请把该列设置为文本格式后重新输入。"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.10105194912310e17, NUMBER),
        (110105194912310021, NUMBER),
        (
            "1.10105E+17",
            "以科学计数法书写（1.10105E+17），位数已丢失。请把该列设置为文本格式后重新输入。",
        ),
    ],
)
def test_codes_that_arrive_as_numbers_are_refused(value, message):
    with pytest.raises(CellError) as info:
        parse_code_text(value)
    assert info.value.message == message


def test_codes_that_arrive_as_text_are_kept():
    assert parse_code_text(" 11010519491231002x ") == "11010519491231002x"


# -- the engine --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_reports_and_changes_nothing():
    Job.unscoped.create(kind="t", title="old", total=1)
    Job.unscoped.create(kind="t", title="same", total=5)
    before = counts()
    result = run(
        xlsx_bytes(
            [["总数", "标题", "备注"], [2, "old", "x"], [5, "same", ""], [3, "new", ""], [7, "warn", ""]]
        ),
        dry_run=True,
    )
    assert counts() == before
    assert (result.rows, result.created, result.updated, result.unchanged, result.applied) == (
        4,
        2,
        1,
        1,
        False,
    )
    assert [(p.row, p.column, p.message, p.level) for p in result.problems] == [
        (1, "备注", "无法识别的列，已忽略。", "warning"),
        (5, "总数", "提醒一下", "warning"),
    ]


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_changes_nothing():
    before = counts()
    rows = [["标题", "总数"]] + [[f"r{i}", i] for i in range(1, 6)] + [["bad", "x"], ["r13", 13]]
    result = run(xlsx_bytes(rows))
    assert counts() == before
    assert (result.applied, result.batch_id, result.error_count) == (False, None, 2)
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (7, "总数", "不是整数"),
        (8, "总数", "不吉利"),
    ]


@pytest.mark.django_db
def test_a_value_seen_before_parses_the_same_and_is_reported_on_every_row():
    rows = [["标题", "总数"], ["a", 5], ["b", True], ["c", 5], ["d", True], ["e", "5"], ["f", 1], ["g", "x"]]
    result = run(xlsx_bytes(rows), dry_run=True)
    # True, 1 and 1.0 are equal in Python but not the same cell: True is 是, not a number.
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (3, "总数", "不是整数"),
        (5, "总数", "不是整数"),
        (8, "总数", "不是整数"),
    ]
    assert result.created == 4


@pytest.mark.django_db
def test_duplicate_keys_in_the_file_are_errors_naming_the_first_row():
    before = counts()
    result = run(xlsx_bytes([["标题"], ["a"], ["b"], ["c"], ["a"]]))
    assert counts() == before
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (5, "标题", "文件中重复：与第 2 行相同。")
    ]


@pytest.mark.django_db
def test_a_required_cell_left_empty_is_an_error():
    result = run(xlsx_bytes([["标题", "总数"], ["a", 1], [None, 2]]))
    assert [(p.row, p.column, p.message) for p in result.errors] == [(3, "标题", "必填，单元格为空。")]


@pytest.mark.django_db
def test_import_creates_updates_and_audits_in_one_batch():
    Job.unscoped.create(kind="t", title="old", total=1)
    Job.unscoped.create(kind="t", title="same", total=5)
    progress: list[tuple[int, int]] = []
    result = JobImporter(actor=None, org=None).run(
        io.BytesIO(xlsx_bytes([["标题", "总数"], ["old", 2], ["same", 5], ["new", 3]])),
        progress=lambda done, total: progress.append((done, total)),
    )
    assert (result.ok, result.applied, result.created, result.updated, result.unchanged) == (
        True,
        True,
        1,
        1,
        1,
    )
    assert progress == [(2, 3), (3, 3)]
    assert sorted(Job.unscoped.values_list("title", "total")) == [("new", 3), ("old", 2), ("same", 5)]
    batch = AuditBatch.unscoped.get()
    assert (batch.pk, batch.row_count, batch.description) == (result.batch_id, 2, "测试导入")
    entries = sorted((e.object_repr, e.action, e.changes) for e in AuditEntry.unscoped.filter(batch=batch))
    assert entries == [("new", "create", {"total": [None, 3]}), ("old", "update", {"total": [1, 2]})]


# -- files for the user -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_marked_file_keeps_the_rows_and_marks_bad_cells(tmp_path):
    data = xlsx_bytes([["标题", "总数"], ["a", 1], ["b", "x"], ["c", 7]])
    importer = JobImporter(actor=None, org=None)
    result = importer.run(io.BytesIO(data))
    target = tmp_path / "marked.xlsx"
    importer.write_marked(io.BytesIO(data), result, str(target))
    sheet = openpyxl.load_workbook(target).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["标题", "总数", "错误说明"],
        ["a", 1, None],
        ["b", "x", "总数：不是整数"],
        ["c", 7, "总数：提醒一下"],
    ]
    assert sheet["B3"].fill.fgColor.rgb == "FFF8CBAD"
    assert sheet["B4"].fill.fgColor.rgb == "FFFFE699"
    assert sheet["A3"].fill.fgColor.rgb != "FFF8CBAD"


def test_template_has_headers_notes_and_dropdowns(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 500

    class LongList(JobImporter):
        columns = (
            *JobImporter.columns,
            Column("place", "地点", choices=tuple(f"地点{i:03d}" for i in range(80))),
        )
        notes = ("说明第一行",)

    target = tmp_path / "template.xlsx"
    LongList(actor=None, org=None).build_template(str(target))
    book = openpyxl.load_workbook(target)
    data, notes, lists = book.worksheets
    assert [c.value for c in data[1]] == ["标题*", "总数", "类型", "地点"]
    assert lists.sheet_state == "hidden"
    validations = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert validations == {"C2:C501": '"甲,乙"', "D2:D501": "'代码表'!$A$2:$A$81"}
    assert [lists.cell(row=i, column=1).value for i in (1, 2, 81)] == ["地点", "地点000", "地点079"]
    assert notes["A1"].value == "说明第一行"
    assert [c.value for c in notes[3]] == ["列名", "必填", "填写说明", "示例"]


def test_seen_keys_remember_the_first_row_of_every_key_across_batches():
    seen = SeenKeys()
    for batch in range(40):
        rows = range(batch * 25, batch * 25 + 25)
        assert [seen.add(f"k{n}", n + 2) for n in rows] == [n + 2 for n in rows]
        assert seen.add(f"k{batch * 25}", 999_999) == batch * 25 + 2  # twice in the batch under way
        seen.settle()

    assert [seen.add(f"k{n}", 5_000 + n) for n in range(1000)] == [n + 2 for n in range(1000)]
    assert seen.add("k1000", 7) == 7
    assert seen.add(("k", 1), 8) == 8
