from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.testing.queries import assert_query_baseline, check_query_baseline


def _two_queries() -> None:
    list(User.objects.all())
    User.objects.count()


@pytest.mark.django_db
def test_matching_baseline_passes(tmp_path, monkeypatch):
    monkeypatch.delenv("UPDATE_QUERY_COUNTS", raising=False)
    path = tmp_path / "query_counts.json"
    path.write_text(json.dumps({"t": 2}))

    with assert_query_baseline("t", path):
        _two_queries()

    assert json.loads(path.read_text()) == {"t": 2}


@pytest.mark.django_db
def test_changed_count_fails_with_the_sql(tmp_path, monkeypatch):
    monkeypatch.delenv("UPDATE_QUERY_COUNTS", raising=False)
    path = tmp_path / "query_counts.json"
    path.write_text(json.dumps({"t": 1}))

    with pytest.raises(AssertionError) as failure:
        with assert_query_baseline("t", path):
            _two_queries()

    assert "baseline 1, now 2" in str(failure.value)
    assert "SELECT" in str(failure.value)
    assert json.loads(path.read_text()) == {"t": 1}


@pytest.mark.django_db
def test_missing_baseline_fails_without_the_update_flag(tmp_path, monkeypatch):
    monkeypatch.delenv("UPDATE_QUERY_COUNTS", raising=False)
    path = tmp_path / "query_counts.json"

    with CaptureQueriesContext(connection) as captured:
        _two_queries()
    with pytest.raises(AssertionError, match="UPDATE_QUERY_COUNTS=1"):
        check_query_baseline("t", captured, path)

    assert not path.exists()


@pytest.mark.django_db
def test_update_flag_records_missing_and_changed_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("UPDATE_QUERY_COUNTS", "1")
    path = tmp_path / "query_counts.json"
    path.write_text(json.dumps({"other": 7, "t": 5}))

    with assert_query_baseline("t", path):
        _two_queries()
    with assert_query_baseline("new", path):
        _two_queries()

    assert json.loads(path.read_text()) == {"new": 2, "other": 7, "t": 2}
