"""What an import reports: problems per row and column, file-level refusals, and the overall result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the row number as the user sees it in Excel (header = row 1)."""

    message: str
    level: str = ERROR
    row: int | None = None
    column: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportRefused(Exception):
    """The whole file is refused before anything is written; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A cell value that cannot be used; the message is shown next to the row and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportResult:
    """The outcome of a dry run or an import.

    ``refused`` is set when the file itself was refused (nothing was read into the database);
    otherwise ``problems`` lists every error and warning, and the counts say what will happen (dry
    run) or what happened (``applied``). With any error nothing is applied.
    """

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: str = ""
    applied: bool = False
    batch_id: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def ok(self) -> bool:
        return not self.refused and self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [p.as_dict() for p in self.problems]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportResult:
        values = dict(data)
        values["problems"] = [Problem(**p) for p in values.get("problems", [])]
        return cls(**values)
