"""Build real files for import tests: xlsx, csv, old .xls (OLE2), password-protected xlsx, bombs."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Sequence
from typing import Any

import xlsxwriter


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, first_row: int = 0, first_col: int = 0) -> bytes:
    """An xlsx whose first sheet holds ``rows`` (the header first). Strings stay text; numbers,
    booleans and dates keep their type, as Excel would store them."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("Sheet1")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            at = (first_row + r, first_col + c)
            if value is None:
                continue
            if isinstance(value, dt.datetime | dt.date):
                when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
                sheet.write_datetime(*at, when, date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(*at, value)
            elif isinstance(value, int | float):
                sheet.write_number(*at, value)
            else:
                sheet.write_string(*at, str(value))
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def encrypted_xlsx_bytes(data: bytes, password: str = "secret") -> bytes:
    """``data`` (an xlsx) encrypted by msoffcrypto-tool as Excel does: an OLE2 container."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def ole2_bytes(stream_name: str = "Workbook", payload: bytes = b"\x09\x08" + b"\x00" * 4094) -> bytes:
    """A minimal valid OLE2 compound file with one stream: ``Workbook`` makes it an old .xls."""
    sector = 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    payload = payload.ljust(max(4096, len(payload)), b"\x00")
    data_sectors = -(-len(payload) // sector)
    fat = [fat_sector, end] + [3 + i if i < data_sectors - 1 else end for i in range(data_sectors)]
    fat += [free] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, free, free, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, end, 0, child=1) + entry(stream_name, 2, 2, len(payload))
    directory += b"\x00" * (sector - len(directory))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return bytes(header) + fat_bytes + directory + payload.ljust(data_sectors * sector, b"\x00")


def bomb_xlsx_bytes(header: Sequence[str], filler_bytes: int) -> bytes:
    """An xlsx whose sheet XML carries ``filler_bytes`` of highly compressible padding."""
    buffer = io.BytesIO(xlsx_bytes([header]))
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b" " * filler_bytes + b"--></worksheet>")
            target.writestr(info.filename, data)
    return out.getvalue()


def lying_zip(data: bytes, member: str = "xl/worksheets/sheet1.xml", declared: int = 10) -> bytes:
    """``data`` (a zip) with the central directory understating ``member``'s unpacked size."""
    raw = bytearray(data)
    name = member.encode()
    at = 0
    while (at := raw.find(b"PK\x01\x02", at)) != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length] == name:
            struct.pack_into("<I", raw, at + 24, declared)
        at += 4
    return bytes(raw)
