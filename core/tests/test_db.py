"""core.db.BulkInserter: COPY / executemany of plain rows, on the caller's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from core.db import BulkInserter
from core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_insert_fills_defaults_and_auto_times_and_returns_the_pks_in_row_order():
    before = timezone.now()
    existing = Job.unscoped.create(kind="k", title="first")
    inserter = BulkInserter(Job)

    with transaction.atomic():
        pks = inserter.insert(
            [
                {"kind": "k", "title": "a", "params": {"n": [1, "二"]}, "total": 3},
                {"kind": "k", "title": "b", "started_at": dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)},
            ],
            returning_ids=True,
        )

    assert pks == [existing.pk + 1, existing.pk + 2]
    a, b = Job.unscoped.get(pk=pks[0]), Job.unscoped.get(pk=pks[1])
    assert (a.title, a.params, a.total, a.status, a.log, a.result, a.started_at) == (
        "a",
        {"n": [1, "二"]},
        3,
        JobStatus.PENDING,
        "",
        {},
        None,
    )
    assert (b.title, b.params, b.total, b.started_at) == (
        "b",
        {},
        0,
        dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC),
    )
    assert a.created_at == b.created_at == inserter.now
    assert before <= inserter.now <= timezone.now()


def test_insert_without_pks_returns_nothing_and_writes_every_row():
    assert BulkInserter(Job).insert([{"kind": "k", "title": str(i)} for i in range(5)]) == []

    assert sorted(Job.unscoped.values_list("title", flat=True)) == ["0", "1", "2", "3", "4"]


def test_insert_of_no_rows_writes_nothing():
    assert BulkInserter(Job).insert([], returning_ids=True) == []

    assert Job.unscoped.count() == 0


def test_insert_is_undone_with_the_callers_transaction():
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        BulkInserter(Job).insert([{"kind": "k", "title": "x"}])
        assert Job.unscoped.count() == 1
        raise Undo

    assert Job.unscoped.count() == 0


def test_a_misspelt_field_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="has no fields"):
        BulkInserter(Job).insert([{"kind": "k", "title": "x", "titel": "y"}])

    assert Job.unscoped.count() == 0


def test_a_required_field_without_a_value_is_refused_and_nothing_is_kept():
    content_type = ContentType.objects.get_for_model(Job)
    count = Permission.objects.count()

    with (
        pytest.raises(ValueError, match="no value nor default for content_type_id"),
        transaction.atomic(),
    ):
        BulkInserter(Permission).insert(
            [
                {"name": "x", "codename": "x", "content_type_id": content_type.pk},
                {"name": "y", "codename": "y"},
            ]
        )

    assert Permission.objects.count() == count


def test_rows_may_come_from_a_generator_with_their_count():
    rows = ({"kind": "k", "title": str(i)} for i in range(3))

    with transaction.atomic():
        pks = BulkInserter(Job).insert(rows, returning_ids=True, count=3)

    assert list(Job.unscoped.filter(pk__in=pks).order_by("pk").values_list("title", flat=True)) == [
        "0",
        "1",
        "2",
    ]


def test_new_pks_are_only_returned_for_an_auto_primary_key():
    with pytest.raises(ValueError, match="auto field"):
        BulkInserter(Session).insert([{"session_key": "k", "session_data": "d"}], returning_ids=True)

    assert Session.objects.count() == 0
