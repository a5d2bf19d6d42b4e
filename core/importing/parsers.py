"""Cell parsers: turn what a spreadsheet cell holds into a Python value, or raise CellError.

Every parser returns None for a blank cell; whether a blank is allowed is the column's business.
Values come from python-calamine (str, int, float, bool, date, datetime, time) or from CSV (str).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from .problems import CellError

Parser = Callable[[Any], Any]

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "✗", "x", "无", "不是"})

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    """Full-width letters and digits to half-width, no surrounding or inner line breaks."""
    text = str(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
    if "\n" in text or "\r" in text:
        text = _LINE_BREAKS.sub(" ", text)
    return text


def parse_text(value: Any) -> str | None:
    """Any cell as text; a whole number stored as a number loses its ".0"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(value)


def parse_code_text(value: Any) -> str | None:
    """Text that must have arrived as text: long digit strings (ID numbers, accounts) lose digits when
    Excel stores them as numbers, so a number, or text in scientific notation, is refused."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            _(
                "Stored as a number, so digits are lost (Excel keeps only 15). Format the column as "
                "text and type the value again."
            )
        )
    text = clean_text(value).replace(" ", "")
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(
            _(
                "Written in scientific notation (%(value)s), so digits are lost. Format the column as "
                "text and type the value again."
            )
            % {"value": text}
        )
    return text


def _date(year: int, month: int, day: int, original: Any) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("%(value)s is not a valid date.") % {"value": original}) from None


def _from_serial(serial: float, original: Any) -> dt.date:
    if not 1 <= serial <= MAX_EXCEL_SERIAL:
        raise CellError(_("%(value)s is not a valid date.") % {"value": original})
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Any) -> dt.date | None:
    """2021-07-01, 2021/7/1, 2021.7.1, 20210701, 2021年7月1日, Excel dates and serial numbers."""
    if value.__class__ is str and len(value) == 10 and value[4] == value[7] == "-" and value.isascii():
        try:  # the common case, 2021-07-01, without the general patterns
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # the general path below gives the message
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("%(value)s is not a valid date.") % {"value": value})
    if isinstance(value, int | float):
        if float(value).is_integer() and 10_000_101 <= value <= 99_991_231:
            number = int(value)
            return _date(number // 10000, number // 100 % 100, number % 100, value)
        return _from_serial(float(value), parse_text(value))
    text = clean_text(value).replace(" 00:00:00", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _date(year, month, day, text)
    if re.fullmatch(r"\d{1,7}(?:\.\d+)?", text):
        return _from_serial(float(text), text)
    raise CellError(
        _("%(value)s is not a date. Write dates like 2021-07-01, 2021/7/1 or 2021年7月1日.") % {"value": text}
    )


def parse_bool(value: Any) -> bool | None:
    """是/否, Y/N, 1/0, √/×, true/false."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = clean_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("%(value)s is not 是 or 否.") % {"value": parse_text(value)})


def choice_parser(resolve: Callable[[str], Any], labels: Iterable[str] = ()) -> Parser:
    """A parser for a coded column: ``resolve(text)`` gives the code or None when nothing matches."""
    hint = "、".join(list(labels)[:12])

    def parse(value: Any) -> Any:
        text = parse_text(value)
        if text is None:
            return None
        # Official names carry full-width punctuation (工人（工勤技能人员）) that parse_text folds to
        # half-width: try the cell as written first.
        code = resolve(str(value).strip()) if isinstance(value, str) else None
        if code is None:
            code = resolve(text)
        if code is None:
            if hint:
                raise CellError(
                    _("%(value)s is not a known value. Choose one from the list: %(choices)s.")
                    % {"value": text, "choices": hint}
                )
            raise CellError(_("%(value)s is not a known value.") % {"value": text})
        return code

    return parse


def mapping_resolver(mapping: dict[str, Any]) -> Callable[[str], Any]:
    """A resolver from a label → code table, ignoring spaces and letter case."""
    table = {re.sub(r"\s+", "", k).lower(): v for k, v in mapping.items()}
    return lambda text: table.get(re.sub(r"\s+", "", text).lower())
