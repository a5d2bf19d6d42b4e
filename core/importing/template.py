"""The import template: the declared headers, a notes sheet, and a dropdown for every coded column
(from a hidden sheet when the list is too long to inline)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _

from .headers import Column

# Excel limits an inline list validation to 255 characters; longer lists (and any list of more than a
# few entries, which is easier to maintain as cells) go to the hidden sheet.
INLINE_LIST_MAX = 255
INLINE_LIST_MAX_ITEMS = 12


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def build_template(
    columns: Sequence[Column], target: str | IO[bytes], *, sheet_title: str, notes: Sequence[str] = ()
) -> None:
    workbook = xlsxwriter.Workbook(target)
    data = workbook.add_worksheet(sheet_title[:31])
    notes_sheet = workbook.add_worksheet(_("Notes")[:31])
    lists_name = _("Lists")[:31]
    lists = workbook.add_worksheet(lists_name)
    lists.hide()

    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required_format = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_color": "#C00000"}
    )
    text_format = workbook.add_format({"num_format": "@"})
    last_row = min(settings.IMPORT_MAX_ROWS, 1_048_575)

    list_column = 0
    for index, column in enumerate(columns):
        header = f"{column.header}*" if column.required else column.header
        data.write_string(0, index, header, required_format if column.required else header_format)
        data.set_column(index, index, column.width, text_format if column.text else None)
        if not column.choices:
            continue
        validation = {
            "validate": "list",
            "error_title": _("Not in the list"),
            "error_message": _("Choose a value from the dropdown list."),
        }
        if (
            len(column.choices) <= INLINE_LIST_MAX_ITEMS
            and len(",".join(column.choices)) <= INLINE_LIST_MAX
            and not any("," in c for c in column.choices)
        ):
            validation["source"] = list(column.choices)
        else:
            lists.write_string(0, list_column, column.header)
            lists.write_column(1, list_column, list(column.choices))
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            validation["source"] = (
                f"={_quote_sheet(lists_name)}!${letter}$2:${letter}${len(column.choices) + 1}"
            )
            list_column += 1
        data.data_validation(1, index, last_row, index, validation)
    data.freeze_panes(1, 0)

    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    row = 0
    for line in notes:
        notes_sheet.write_string(row, 0, line)
        row += 1
    if notes:
        row += 1
    titles = [_("Column"), _("Required"), _("How to fill it in"), _("Example")]
    notes_sheet.write_row(row, 0, titles, bold)
    for column in columns:
        row += 1
        notes_sheet.write_row(
            row,
            0,
            [column.header, _("yes") if column.required else "", column.note, column.example],
            wrap,
        )
    notes_sheet.set_column(0, 0, 18)
    notes_sheet.set_column(1, 1, 8)
    notes_sheet.set_column(2, 2, 70)
    notes_sheet.set_column(3, 3, 24)
    workbook.close()
