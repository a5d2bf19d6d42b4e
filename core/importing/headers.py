"""Column declarations and header matching: by name or synonym, in any order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .parsers import Parser, parse_text
from .problems import WARNING, ImportRefused, Problem

_REQUIRED_MARKS = re.compile(r"^\*+|\*+$|\((?:必填|必选|选填|可选)\)$")


@dataclass(frozen=True)
class Column:
    """One column an importer understands.

    ``header`` is the name party workers use (data, not a translatable UI string: files are written
    with these exact headers); ``synonyms`` are other names seen in real registers. ``choices``
    are the values offered as a dropdown in the template; ``text`` columns are formatted as text in
    the template so Excel keeps every digit.
    """

    name: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parser: Parser = parse_text
    choices: tuple[str, ...] = ()
    note: str = ""
    text: bool = False
    width: int = 14
    example: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


def normalise_header(text: object) -> str:
    """Compare headers loosely: half-width, no spaces, no "*" or "（必填）" marks, lower case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"\s+", "", value)
    previous = None
    while previous != value:
        previous = value
        value = _REQUIRED_MARKS.sub("", value)
    return value.lower()


@dataclass
class HeaderMap:
    """Which column of the file holds which declared column."""

    positions: dict[str, int]  # column name -> index in the row
    headers: dict[str, str]  # column name -> header as written in the file
    warnings: list[Problem]


def match_headers(header: Sequence[str], columns: Sequence[Column], *, header_row: int = 1) -> HeaderMap:
    """Match the file's header cells to ``columns``. Unknown headers are warnings; a missing
    required column or a column given twice refuses the file."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            lookup.setdefault(normalise_header(name), column)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    warnings: list[Problem] = []
    for index, cell in enumerate(header):
        key = normalise_header(cell)
        if not key:
            continue
        column = lookup.get(key)
        if column is None:
            warnings.append(
                Problem(_("Unknown column, ignored."), level=WARNING, row=header_row, column=str(cell))
            )
            continue
        if column.name in positions:
            raise ImportRefused(
                _("The columns %(first)s and %(second)s mean the same thing; keep only one of them.")
                % {"first": headers[column.name], "second": cell}
            )
        positions[column.name] = index
        headers[column.name] = str(cell)
    missing = [c.header for c in columns if c.required and c.name not in positions]
    if missing:
        raise ImportRefused(_("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)})
    return HeaderMap(positions=positions, headers=headers, warnings=warnings)
