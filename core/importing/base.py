"""The importer base class: one pass over the file, in batches, all or nothing.

A domain importer declares its columns and key column and implements three hooks:

- ``validate_row(row)``: domain validation of the parsed values (calls the app's rules), adding
  problems with ``row.error(column_name, message)`` / ``row.warn(...)``;
- ``plan(rows)``: looks up the existing records of a whole batch at once (no query per row) and
  sets each row's ``action`` (CREATE, UPDATE, UNCHANGED), ``target`` and ``changes``;
- ``apply(rows)``: writes the planned rows of a batch (bulk_create / bulk_update, or for large
  imports core.db.BulkInserter) and returns the audit rows (core.audit.BulkRow) for them.

``run()`` streams the file: parse, check duplicate keys, validate, plan and (unless a dry run) apply
each batch, all inside one transaction. Rows keep being checked after the first error so the user
sees every problem, but nothing more is written, and at the end any error rolls everything back.

Speed and memory (docs/performance.md, bench/import_members.py): each column's parser results are
memoised per distinct cell value (bounded), the duplicate check keeps 24 bytes per key
(``SeenKeys``), and the automatic garbage collector is paused for the pass, with the young
generations collected after each batch, so the Python heap stays flat whatever the file's size.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import heapq
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from core import audit

from .headers import Column, HeaderMap, match_headers, normalise_header
from .intake import Source, open_table
from .marked import write_marked
from .problems import ERROR, WARNING, CellError, ImportRefused, ImportResult, Problem
from .template import build_template

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"

ProgressCallback = Callable[..., None]
# Parsed values remembered per column (a bounded memo: memory stays flat whatever the file).
MEMO_SIZE = 1024
_UNSEEN = object()


@dataclass
class Row:
    """One data row: its Excel row number, parsed values, problems and what the plan does with it."""

    number: int
    values: dict[str, Any]
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    key: Any = None
    action: str = ""
    target: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # the importer's scratch space
    _bad: set[str] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return bool(self._bad) or any(p.is_error for p in self.problems)

    def bad(self, name: str) -> bool:
        """Whether the column already has an error (later checks of it would only repeat it)."""
        return name in self._bad

    def _add(self, name: str, message: str, level: str) -> None:
        if name and name in self._bad:
            return
        if level == ERROR and name:
            self._bad.add(name)
        self.problems.append(
            Problem(message, level=level, row=self.number, column=self.headers.get(name, name))
        )

    def error(self, name: str, message: str) -> None:
        self._add(name, message, ERROR)

    def warn(self, name: str, message: str) -> None:
        self._add(name, message, WARNING)


class Importer:
    """Subclass per model; see the module docstring."""

    columns: ClassVar[Sequence[Column]] = ()
    key: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    description: ClassVar[str] = ""
    sheet_title: ClassVar[str] = ""
    notes: ClassVar[Sequence[str]] = ()
    batch_size: ClassVar[int] = 1000

    def __init__(self, *, actor: Any, org: Any) -> None:
        self.actor = actor
        self.org = org
        self._columns = {c.name: c for c in self.columns}
        self._plan: list[tuple[str, int, Column, dict[Any, Any]]] = []
        self._plan_for: HeaderMap | None = None
        self._failed = False

    # -- hooks ------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Called once before the first row (load lookup tables here)."""

    def key_of(self, row: Row) -> Any:
        return row.values.get(self.key)

    def validate_row(self, row: Row) -> None:
        """Domain validation of one row's parsed values."""

    def plan(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def apply(self, rows: list[Row]) -> Iterable[audit.BulkRow]:
        raise NotImplementedError

    def audit_description(self) -> str:
        return self.description or _("Import")

    # -- the engine -------------------------------------------------------------------------------
    def run(
        self, source: Source, *, dry_run: bool = False, progress: ProgressCallback | None = None
    ) -> ImportResult:
        """Check (and unless ``dry_run``, import) the file. File-level refusals set ``refused``."""
        result = ImportResult(dry_run=dry_run)
        try:
            with open_table(source, is_header=self.is_header) as table:
                header_map = match_headers(table.header, self.columns, header_row=table.header_row)
                result.problems.extend(header_map.warnings)
                rows = table.rows()
                if dry_run:
                    self._pass(rows, header_map, result, table.data_rows, apply=False, progress=progress)
                else:
                    self._apply_all(rows, header_map, result, table.data_rows, progress)
        except ImportRefused as exc:
            return ImportResult(dry_run=dry_run, refused=exc.message)
        return result

    def _apply_all(
        self,
        rows: Iterator[tuple[int, list[Any]]],
        header_map: HeaderMap,
        result: ImportResult,
        total: int,
        progress: ProgressCallback | None,
    ) -> None:
        try:
            with transaction.atomic():
                self._pass(rows, header_map, result, total, apply=True, progress=progress)
                if not result.ok:
                    raise _RollBack
        except _RollBack:
            result.applied = False
            result.batch_id = None
            return
        result.applied = True

    def _pass(
        self,
        rows: Iterator[tuple[int, list[Any]]],
        header_map: HeaderMap,
        result: ImportResult,
        total: int,
        *,
        apply: bool,
        progress: ProgressCallback | None,
    ) -> None:
        self.prepare()
        headers = {c.name: c.header for c in self.columns} | header_map.headers
        seen = SeenKeys()
        batch = None
        done = 0
        self._failed = False  # any row with an error so far (result.ok would count them all again)
        with _young_collections_only():
            while chunk := list(itertools.islice(rows, self.batch_size)):
                batch = self._batch(chunk, header_map, headers, seen, result, batch, apply=apply)
                done += len(chunk)
                if progress is not None:
                    progress(done, max(total, done))
                gc.collect(1)
        if result.rows == 0:
            raise ImportRefused(_("The file has no data rows below the header."))
        result.batch_id = batch.pk if batch is not None else None

    def _batch(
        self,
        chunk: list[tuple[int, list[Any]]],
        header_map: HeaderMap,
        headers: dict[str, str],
        seen: SeenKeys,
        result: ImportResult,
        batch: Any,
        *,
        apply: bool,
    ) -> Any:
        """Check (and when ``apply``, write) one batch of rows; returns the audit batch."""
        batch_rows = [self._parse(number, cells, header_map, headers) for number, cells in chunk]
        for row in batch_rows:
            self.validate_row(row)
            row.key = self.key_of(row)
            if row.key is not None and not row.bad(self.key):
                first = seen.add(row.key, row.number)
                if first != row.number:
                    row.error(
                        self.key,
                        _("Appears twice in the file: row %(first)s has the same value.") % {"first": first},
                    )
        seen.settle()
        self.plan([r for r in batch_rows if not r.has_errors])
        for row in batch_rows:
            result.problems.extend(row.problems)
            if row.has_errors:
                self._failed = True
                continue
            if row.action == CREATE:
                result.created += 1
            elif row.action == UPDATE:
                result.updated += 1
            else:
                result.unchanged += 1
        result.rows += len(batch_rows)
        if apply and not self._failed:
            ready = [r for r in batch_rows if r.action in (CREATE, UPDATE)]
            if ready:
                batch = audit.record_bulk(
                    actor=self.actor,
                    model=self.model,
                    description=self.audit_description(),
                    org=self.org,
                    rows=list(self.apply(ready)),
                    batch=batch,
                )
        return batch

    def _parse(self, number: int, cells: list[Any], header_map: HeaderMap, headers: dict[str, str]) -> Row:
        row = Row(number=number, values={}, headers=headers)
        values = row.values
        width = len(cells)
        for name, index, column, memo in self._parse_plan(header_map):
            value = cells[index] if index < width else None
            # Parsers are pure: a value seen before in the column gives the same result (coded
            # columns hold a few distinct values). Keyed by type too: 1, 1.0 and True differ.
            key = (value.__class__, value)
            parsed = memo.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                try:
                    parsed = column.parser(value)
                except CellError as exc:
                    parsed = exc
                if len(memo) < MEMO_SIZE:
                    memo[key] = parsed
            if parsed.__class__ is CellError:
                row.error(name, parsed.message)
            elif parsed is None and column.required:
                row.error(name, _("Required; the cell is empty."))
            else:
                values[name] = parsed
        return row

    def _parse_plan(self, header_map: HeaderMap) -> list[tuple[str, int, Column, dict[Any, Any]]]:
        """(name, index in the row, column, memo of parsed values) of the columns in the file."""
        if self._plan_for is not header_map:
            self._plan = [
                (name, header_map.positions[name], column, {})
                for name, column in self._columns.items()
                if name in header_map.positions
            ]
            self._plan_for = header_map
        return self._plan

    # -- files for the user -----------------------------------------------------------------------
    def write_marked(self, source: Source, result: ImportResult, target: str | IO[bytes]) -> None:
        """The user's rows written back with the bad cells marked and an explanation column."""
        write_marked(source, result.problems, target, is_header=self.is_header)

    def is_header(self, cells: list[Any]) -> bool:
        """Whether a row is the header: it names at least one required column."""
        names = {normalise_header(n) for c in self.columns if c.required for n in c.names()}
        return any(normalise_header(cell) in names for cell in cells if isinstance(cell, str))

    def build_template(self, target: str | IO[bytes]) -> None:
        build_template(
            self.columns, target, sheet_title=self.sheet_title or _("Data"), notes=list(self.notes)
        )


class SeenKeys:
    """The keys met so far in the file and the row of each, in 24 bytes a key whatever its
    size: a 16-byte digest (a collision is as likely as guessing a random 128-bit number) split in
    two integers, kept in sorted arrays. Keys of the batch under way sit in a dict until
    ``settle()`` adds them as a new sorted run; runs are merged so there are never more than
    about log2(batches) of them (a log-structured merge)."""

    def __init__(self) -> None:
        self._runs: list[tuple[array[int], array[int], array[int]]] = []
        self._pending: dict[bytes, int] = {}

    @staticmethod
    def _digest(key: Any) -> bytes:
        return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()  # keys: str, int, tuples

    def add(self, key: Any, number: int) -> int:
        """Remember ``key`` at row ``number`` unless seen before; the row it was first seen on."""
        digest = self._digest(key)
        first = self._pending.get(digest)
        if first is not None:
            return first
        high, low = int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")
        for highs, lows, numbers in self._runs:
            i = bisect.bisect_left(highs, high)
            while i < len(highs) and highs[i] == high:
                if lows[i] == low:
                    return numbers[i]
                i += 1
        self._pending[digest] = number
        return number

    def settle(self) -> None:
        """Move the pending keys into a sorted run and merge runs of similar size."""
        if not self._pending:
            return
        entries = sorted(
            (int.from_bytes(d[:8], "big"), int.from_bytes(d[8:], "big"), n) for d, n in self._pending.items()
        )
        self._pending = {}
        self._runs.append(_run(entries))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(_run(heapq.merge(zip(*older, strict=True), zip(*newer, strict=True))))


def _run(entries: Iterable[tuple[int, int, int]]) -> tuple[array[int], array[int], array[int]]:
    highs, lows, numbers = array("Q"), array("Q"), array("Q")
    for high, low, number in entries:
        highs.append(high)
        lows.append(low)
        numbers.append(number)
    return highs, lows, numbers


@contextlib.contextmanager
def _young_collections_only() -> Iterator[None]:
    """Pause the automatic garbage collector for the pass; the caller collects the young
    generations after each batch. Otherwise every few hundred allocations the collector walks the
    rows of the batch under way, and the full collections it triggers walk everything the process
    holds: about a fifth of an import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _RollBack(Exception):
    """Raised inside the import transaction to undo it when any row had an error."""
