"""xlsx export of any list: streamed row by row with xlsxwriter's constant_memory mode.

The queryset is read with ``.iterator(chunk_size=...)``; the table's ``prepare`` runs once per chunk,
so an export of 100k rows uses a bounded number of queries per chunk and bounded memory.
"""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from .tables import Column, Table

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses sheet names longer than 31 characters or with these characters.
_SHEET_FORBIDDEN = set("[]:*?/\\")


def chunks(queryset: QuerySet | Iterable[Any], size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
    iterator = queryset.iterator(chunk_size=size) if isinstance(queryset, QuerySet) else iter(queryset)
    buffer: list[Any] = []
    for obj in iterator:
        buffer.append(obj)
        if len(buffer) >= size:
            yield buffer
            buffer = []
    if buffer:
        yield buffer


def cell_value(value: Any) -> Any:
    """A value xlsxwriter writes natively; everything else as text. Aware datetimes in local time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | dt.date):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def sheet_name(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in _SHEET_FORBIDDEN).strip()
    return (cleaned or "Sheet1")[:31]


def write_xlsx(
    target: Any,
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Write a header row and ``rows`` to ``target`` (a path or file object); returns the row count."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    try:
        sheet = workbook.add_worksheet(sheet_name(title))
        header = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for col, column in enumerate(columns):
            sheet.write_string(0, col, str(column.label))
            sheet.set_column(col, col, 18)
        sheet.set_row(0, None, header)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, raw in enumerate(row):
                value = cell_value(raw)
                if value == "":
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(count, col, value, datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(count, col, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(count, col, value)
                else:
                    sheet.write_string(count, col, value)
    finally:
        workbook.close()
    return count


def table_rows(table: Table, queryset: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
    columns = table.export_columns()
    for chunk in chunks(queryset, chunk_size):
        table.prepare(chunk)
        for obj in chunk:
            yield [table.get_export_value(obj, column) for column in columns]


def export_response(
    *, table: Table, queryset: QuerySet, title: str, filename: str, chunk_size: int = CHUNK_SIZE
) -> FileResponse:
    """Stream ``queryset`` through ``table`` into a temporary xlsx file and send it as a download."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(
        handle, title=title, columns=table.export_columns(), rows=table_rows(table, queryset, chunk_size)
    )
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.xlsx"
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
