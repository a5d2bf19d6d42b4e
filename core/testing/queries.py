"""Query-count baselines kept in ``tests/query_counts.json`` at the repository root.

The file maps a test id to the number of SQL queries one request made: ``{"<test id>": <count>}``.
A count that differs from its baseline fails the test with every captured statement printed. A test
without a baseline fails too, unless ``UPDATE_QUERY_COUNTS=1`` is set: then missing and changed
counts are written to the file (review the diff before committing it).

Usage::

    with assert_query_baseline(request.node.nodeid):
        response = client.get("/api/v1/orgs/")
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINE_FILE = Path(settings.BASE_DIR) / "tests" / "query_counts.json"


def updating() -> bool:
    return os.environ.get("UPDATE_QUERY_COUNTS", "").strip().lower() in {"1", "true", "yes"}


def load_baselines(path: Path = BASELINE_FILE) -> dict[str, int]:
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def save_baseline(key: str, count: int, path: Path = BASELINE_FILE) -> None:
    """Re-read the file just before writing so baselines recorded by other tests are kept."""
    data = load_baselines(path)
    data[key] = count
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def format_queries(captured: CaptureQueriesContext) -> str:
    return "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(captured.captured_queries, start=1))


def check_query_baseline(key: str, captured: CaptureQueriesContext, path: Path = BASELINE_FILE) -> None:
    """Compare the captured count with the baseline for ``key``; fail with the SQL printed."""
    count = len(captured)
    expected = load_baselines(path).get(key)
    if expected == count:
        return
    if updating():
        save_baseline(key, count, path)
        return
    if expected is None:
        raise AssertionError(
            f"No query-count baseline for {key!r} ({count} queries). "
            f"Run with UPDATE_QUERY_COUNTS=1 to record it.\n{format_queries(captured)}"
        )
    raise AssertionError(
        f"Query count for {key!r} changed: baseline {expected}, now {count}. "
        f"If intended, run with UPDATE_QUERY_COUNTS=1.\n{format_queries(captured)}"
    )


@contextmanager
def assert_query_baseline(key: str, path: Path = BASELINE_FILE) -> Iterator[CaptureQueriesContext]:
    """Capture the queries of the block and check them against the baseline for ``key``."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    check_query_baseline(key, captured, path)
