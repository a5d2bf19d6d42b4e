"""File intake: refuse what cannot or must not be read, then stream the rows of an xlsx or csv file.

Every refusal raises ImportRefused with a message for the user and happens before anything is
written. The file type comes from its content, never its name: xlsx is a zip with an Excel
workbook inside; an OLE2 compound file is either an old .xls or a password-protected xlsx (Office
encrypts xlsx into an OLE2 container with an EncryptionInfo stream); anything else must be text in
UTF-8 (with or without BOM) or GB18030/GBK to be read as CSV.

Limits (settings): IMPORT_MAX_BYTES (file size), IMPORT_MAX_ROWS (data rows),
IMPORT_MAX_UNCOMPRESSED_BYTES and IMPORT_MAX_COMPRESSION_RATIO (decompression bombs: checked from
the zip directory's declared sizes first, then again while every entry is actually decompressed, so
a directory that lies is caught too).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import python_calamine
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .problems import ImportRefused

Source = str | os.PathLike[str] | IO[bytes]
HeaderTest = Callable[[list[Any]], bool]
# Registers often carry a title row or two above the header ("XX党支部党员花名册"): the header is
# the first of this many non-blank rows that ``is_header`` accepts.
HEADER_SEARCH_ROWS = 10

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Directory entry names in an OLE2 compound file are UTF-16LE.
OLE2_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
OLE2_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BM")
# An entry smaller than this is never treated as a bomb, whatever its ratio (tiny XML parts
# compress very well).
RATIO_MIN_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
CHUNK = 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def wrong_type() -> ImportRefused:
    return ImportRefused(_("The file is not an Excel workbook (.xlsx) or a CSV file."))


def damaged() -> ImportRefused:
    return ImportRefused(_("The file is damaged and cannot be read."))


class _Opened:
    """A seekable binary handle on the source, and its path when it has one."""

    def __init__(self, source: Source) -> None:
        self.path: str | None = None
        self._own = False
        if isinstance(source, str | os.PathLike):
            self.path = os.fspath(source)
            self.handle: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 - closed in close()
            self._own = True
        else:
            temporary_path = getattr(source, "temporary_file_path", None)
            if callable(temporary_path):
                self.path = temporary_path()
            self.handle = source
            self.handle.seek(0)

    def size(self) -> int:
        self.handle.seek(0, io.SEEK_END)
        size = self.handle.tell()
        self.handle.seek(0)
        return size

    def head(self, n: int) -> bytes:
        self.handle.seek(0)
        data = self.handle.read(n)
        self.handle.seek(0)
        return data

    def close(self) -> None:
        if self._own:
            self.handle.close()


class Table:
    """The rows of the first worksheet (or the CSV file): a header and then the data rows.

    ``rows()`` yields ``(row_number, cells)`` for every non-blank row below the header, where
    ``row_number`` is the row as Excel shows it. ``first_column`` is the 0-based column of the
    first cell, so a file written back keeps the user's layout.
    """

    kind: str = ""

    def __init__(self) -> None:
        self.header: list[str] = []
        self.header_row = 1
        self.first_column = 0
        self.data_rows = 0
        self._iter: Iterator[tuple[int, list[Any]]] = iter(())

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        for number, cells in self._iter:
            if any(not _blank(c) for c in cells):
                yield number, cells

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take_header(self, is_header: HeaderTest | None) -> None:
        first: tuple[int, list[Any]] | None = None
        for looked, (number, cells) in enumerate(self.rows()):
            if first is None:
                first = (number, cells)
            if is_header is None or is_header(cells):
                first = (number, cells)
                break
            if looked + 1 >= HEADER_SEARCH_ROWS:
                break
        if first is None:
            raise ImportRefused(_("The file is empty."))
        self.header_row, cells = first
        self.header = ["" if _blank(c) else str(c).strip() for c in cells]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class XlsxTable(Table):
    kind = "xlsx"

    def __init__(self, opened: _Opened, is_header: HeaderTest | None = None) -> None:
        super().__init__()
        self._opened = opened
        try:
            if opened.path:
                self._book = python_calamine.CalamineWorkbook.from_path(opened.path)
            else:
                opened.handle.seek(0)
                self._book = python_calamine.CalamineWorkbook.from_filelike(opened.handle)
            sheet = self._first_sheet()
        except python_calamine.PasswordError:
            raise _password_protected() from None
        except python_calamine.CalamineError:
            raise damaged() from None
        start = sheet.start
        if start is None:
            raise ImportRefused(_("The file is empty."))
        self.first_column = start[1]
        # calamine yields rows from the sheet's first row (row 1), columns from the first used one.
        self._iter = ((i + 1, list(cells)) for i, cells in enumerate(sheet.iter_rows()))
        self._take_header(is_header)
        end = sheet.end or start
        self.data_rows = max(0, end[0] + 1 - self.header_row)

    def _first_sheet(self) -> python_calamine.CalamineSheet:
        for index, meta in enumerate(self._book.sheets_metadata):
            if (
                meta.typ == python_calamine.SheetTypeEnum.WorkSheet
                and meta.visible == python_calamine.SheetVisibleEnum.Visible
            ):
                return self._book.get_sheet_by_index(index)
        return self._book.get_sheet_by_index(0)

    def close(self) -> None:
        self._book.close()
        self._opened.close()


class CsvTable(Table):
    kind = "csv"

    def __init__(
        self, opened: _Opened, encoding: str, delimiter: str, rows: int, is_header: HeaderTest | None = None
    ) -> None:
        super().__init__()
        self._opened = opened
        opened.handle.seek(0)
        self._text = io.TextIOWrapper(opened.handle, encoding=encoding, newline="")
        reader = csv.reader(self._text, delimiter=delimiter)
        self._iter = ((i + 1, cells) for i, cells in enumerate(reader))
        self._take_header(is_header)
        self.data_rows = max(0, rows - self.header_row)

    def close(self) -> None:
        self._text.detach()
        self._opened.close()


def _password_protected() -> ImportRefused:
    return ImportRefused(
        _(
            "The file is protected with a password and cannot be read. Remove the password in Excel, "
            "save the file and import it again."
        )
    )


def _old_xls() -> ImportRefused:
    return ImportRefused(
        _(
            "This is an old Excel 97-2003 file (.xls). Open it in Excel, save it as an Excel workbook "
            "(.xlsx) and import that file."
        )
    )


def _bomb_total(limit: int) -> ImportRefused:
    return ImportRefused(
        _("The file would expand to more than %(limit)s when unpacked; it is refused as unsafe.")
        % {"limit": filesizeformat(limit)}
    )


def _bomb_ratio(name: str, ratio: int) -> ImportRefused:
    return ImportRefused(
        _("Part %(name)s of the file is compressed more than %(ratio)s times; it is refused as unsafe.")
        % {"name": name, "ratio": ratio}
    )


def check_zip(handle: IO[bytes]) -> None:
    """Refuse anything but a sound xlsx: bombs by declared sizes, then by the bytes actually unpacked."""
    max_total = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise wrong_type()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise damaged()
            if sum(info.file_size for info in infos) > max_total:
                raise _bomb_total(max_total)
            for info in infos:
                if info.file_size >= RATIO_MIN_BYTES and info.file_size > max_ratio * max(
                    info.compress_size, 1
                ):
                    raise _bomb_ratio(info.filename, max_ratio)
            # The directory may lie: unpack every entry, counting the bytes that actually come out.
            total = 0
            for info in infos:
                produced = 0
                with archive.open(info) as entry:
                    while chunk := entry.read(CHUNK):
                        produced += len(chunk)
                        total += len(chunk)
                        if total > max_total:
                            raise _bomb_total(max_total)
                        if produced >= RATIO_MIN_BYTES and produced > max_ratio * max(info.compress_size, 1):
                            raise _bomb_ratio(info.filename, max_ratio)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError):
        raise damaged() from None
    finally:
        handle.seek(0)


def _check_ole2(opened: _Opened) -> None:
    """An OLE2 compound file: password-protected xlsx, old .xls, or something else entirely."""
    opened.handle.seek(0)
    data = opened.handle.read()
    opened.handle.seek(0)
    if OLE2_ENCRYPTION_INFO in data:
        raise _password_protected()
    if any(name in data for name in OLE2_WORKBOOK_STREAMS):
        raise _old_xls()
    raise wrong_type()


def _sniff_csv(opened: _Opened) -> tuple[str, str, int]:
    """The encoding, delimiter and number of CSV rows, reading the whole file once as a stream."""
    head = opened.head(64 * 1024)
    if b"\x00" in head or head.startswith(BINARY_MAGICS):
        raise wrong_type()
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise wrong_type()
    for encoding in CSV_ENCODINGS:
        try:
            first_line = head.split(b"\n", 1)[0].decode(encoding, errors="ignore")
            delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
            text = io.TextIOWrapper(opened.handle, encoding=encoding, newline="")
            try:
                rows = sum(1 for _row in csv.reader(text, delimiter=delimiter))
            finally:
                text.detach()
                opened.handle.seek(0)
            return encoding, delimiter, rows
        except UnicodeDecodeError:
            continue
        except csv.Error:
            raise damaged() from None
    raise ImportRefused(
        _("The CSV file is neither UTF-8 nor GB18030/GBK text. Save it again with one of these encodings.")
    )


def open_table(source: Source, *, is_header: HeaderTest | None = None) -> Table:
    """Check the file and open its first sheet, positioned after the header row (the first
    non-blank row, or the first of the top rows that ``is_header`` accepts).

    Raises ImportRefused for every file that must not be imported. The caller closes the table.
    """
    opened = _Opened(source)
    try:
        size = opened.size()
        if size == 0:
            raise ImportRefused(_("The file is empty."))
        if size > settings.IMPORT_MAX_BYTES:
            raise ImportRefused(
                _("The file is %(size)s, larger than the limit of %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        magic = opened.head(8)
        table: Table
        if magic.startswith(ZIP_MAGIC):
            check_zip(opened.handle)
            table = XlsxTable(opened, is_header)
        elif magic == OLE2_MAGIC:
            _check_ole2(opened)
            raise wrong_type()
        else:
            encoding, delimiter, rows = _sniff_csv(opened)
            if rows == 0:
                raise ImportRefused(_("The file is empty."))
            table = CsvTable(opened, encoding, delimiter, rows, is_header)
    except BaseException:
        opened.close()
        raise
    try:
        if table.data_rows > settings.IMPORT_MAX_ROWS:
            raise ImportRefused(
                _(
                    "The file has %(rows)s data rows, more than the limit of %(limit)s. Split it and import the parts."
                )
                % {"rows": table.data_rows, "limit": settings.IMPORT_MAX_ROWS}
            )
    except ImportRefused:
        table.close()
        raise
    return table
