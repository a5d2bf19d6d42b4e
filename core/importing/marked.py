"""The marked file: the user's rows written back, bad cells filled red (warnings yellow), and one
more column explaining every problem of the row. Written in constant memory, row by row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _

from .intake import HeaderTest, Source, open_table
from .problems import Problem

ERROR_FILL = "#F8CBAD"
WARNING_FILL = "#FFE699"


def write_marked(
    source: Source,
    problems: Iterable[Problem],
    target: str | IO[bytes],
    *,
    is_header: HeaderTest | None = None,
) -> None:
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.row is not None:
            by_row[problem.row].append(problem)
    with open_table(source, is_header=is_header) as table:
        workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        formats = {
            "error": workbook.add_format({"bg_color": ERROR_FILL}),
            "warning": workbook.add_format({"bg_color": WARNING_FILL}),
            "error_date": workbook.add_format({"bg_color": ERROR_FILL, "num_format": "yyyy-mm-dd"}),
            "warning_date": workbook.add_format({"bg_color": WARNING_FILL, "num_format": "yyyy-mm-dd"}),
        }
        note_format = workbook.add_format({"font_color": "#C00000", "text_wrap": False})
        header_format = workbook.add_format({"bold": True})
        positions = {}
        for index, cell in enumerate(table.header):
            positions.setdefault(cell, index)
        first = table.first_column
        explain_column = first + len(table.header)

        def write_row(number: int, cells: list[Any], fmt: Any = None) -> None:
            found = by_row.get(number, [])
            levels: dict[int, str] = {}
            for problem in found:
                index = positions.get(problem.column)
                if index is not None and levels.get(index) != "error":
                    levels[index] = problem.level
            for index, value in enumerate(cells):
                level = levels.get(index)
                _write_cell(sheet, number - 1, first + index, value, formats, level, date_format, fmt)
            if found:
                text = "；".join(f"{p.column}：{p.message}" if p.column else p.message for p in found)
                sheet.write_string(number - 1, explain_column, text, note_format)

        write_row(table.header_row, table.header, header_format)
        sheet.write_string(table.header_row - 1, explain_column, _("Problems"), header_format)
        sheet.set_column(explain_column, explain_column, 60)
        for number, cells in table.rows():
            write_row(number, cells)
        sheet.freeze_panes(table.header_row, 0)
        workbook.close()


def _write_cell(
    sheet: Any,
    row: int,
    col: int,
    value: Any,
    formats: dict[str, Any],
    level: str | None,
    date_format: Any,
    default_format: Any,
) -> None:
    fmt = formats[level] if level else default_format
    if value is None or value == "":
        if level:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        sheet.write_datetime(row, col, when, formats[f"{level}_date"] if level else date_format)
    else:
        sheet.write_string(row, col, str(value), fmt)
