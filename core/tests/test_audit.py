"""Audit: changed fields only, inside a transaction, bulk batches, exclusions."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.tests.factories import UserFactory
from core import audit
from core.models import AuditAction, AuditBatch, AuditEntry
from orgs.models import OrgUnit
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


def test_diff_lists_changed_fields_only():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert audit.diff({"a": 1}, {}) == {"a": [1, None]}


def test_record_update_writes_only_changed_fields(tree):
    actor = UserFactory()
    org = tree.branch_a1
    before = audit.snapshot(org)
    org.name = "新名称"
    org.contact_phone = "12345"
    org.save()

    with transaction.atomic():
        entry = audit.record(actor=actor, action=AuditAction.UPDATE, obj=org, before=before)

    assert entry is not None
    assert entry.changes == {"contact_phone": ["", "12345"], "name": [before["name"], "新名称"]}
    assert (entry.actor, entry.org, entry.object_id, entry.object_repr) == (actor, org, str(org.pk), "新名称")


def test_update_without_changes_writes_nothing(tree):
    with transaction.atomic():
        entry = audit.record(
            actor=None, action=AuditAction.UPDATE, obj=tree.street, before=audit.snapshot(tree.street)
        )
    assert entry is None
    assert AuditEntry.unscoped.count() == 0


@pytest.mark.django_db(transaction=True)
def test_record_refuses_outside_a_transaction():
    tree = make_tree()
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action=AuditAction.CREATE, obj=tree.street, before={})
    with pytest.raises(RuntimeError):
        audit.record_bulk(actor=None, model=OrgUnit, description="x", org=None, rows=[])
    assert AuditEntry.unscoped.count() == 0
    assert AuditBatch.unscoped.count() == 0


def test_create_and_delete_record_all_audited_fields_without_excluded_ones(tree):
    with transaction.atomic():
        created = audit.record(actor=None, action=AuditAction.CREATE, obj=tree.branch_b1, before={})
        deleted = audit.record(actor=None, action=AuditAction.DELETE, obj=tree.branch_b1)
    assert created.changes["name"] == [None, tree.branch_b1.name]
    assert deleted.changes["name"] == [tree.branch_b1.name, None]
    for excluded in ("depth", "numchild", "created_at", "updated_at", "id"):
        assert excluded not in created.changes


def test_user_password_is_never_logged():
    user = UserFactory()
    before = audit.snapshot(user)
    user.set_password("Another-pass-789")
    user.display_name = "改名"
    user.save()
    with transaction.atomic():
        entry = audit.record(actor=user, action=AuditAction.UPDATE, obj=user, before=before)
    assert set(entry.changes) == {"display_name"}


def test_record_bulk_writes_one_batch_and_compact_rows(tree):
    actor = UserFactory()
    rows = [
        audit.BulkRow(
            object_id=i,
            object_repr=f"row {i}",
            action=AuditAction.IMPORT,
            changes={"n": [None, i]},
            org_id=tree.branch_a1.pk,
        )
        for i in range(5)
    ]

    with transaction.atomic():
        batch = audit.record_bulk(
            actor=actor, model=OrgUnit, description="导入", org=tree.community_a, rows=rows, batch_size=2
        )

    batch.refresh_from_db()
    assert (batch.row_count, batch.org, batch.actor, batch.description) == (
        5,
        tree.community_a,
        actor,
        "导入",
    )
    entries = list(
        AuditEntry.unscoped.order_by("object_id").values_list("object_id", "changes", "batch", "org")
    )
    assert entries == [(str(i), {"n": [None, i]}, batch.pk, tree.branch_a1.pk) for i in range(5)]
    assert AuditBatch.unscoped.count() == 1


def test_record_bulk_appends_to_an_existing_batch(tree):
    with transaction.atomic():
        batch = audit.record_bulk(
            actor=None,
            model=OrgUnit,
            description="d",
            org=None,
            rows=[audit.BulkRow(1, "a", AuditAction.IMPORT, {}, None)],
        )
        audit.record_bulk(
            actor=None,
            model=OrgUnit,
            description="d",
            org=None,
            batch=batch,
            rows=[
                audit.BulkRow(2, "b", AuditAction.IMPORT, {}, None),
                audit.BulkRow(3, "c", AuditAction.IMPORT, {}, None),
            ],
        )
    batch.refresh_from_db()
    assert batch.row_count == 3
    assert AuditEntry.unscoped.filter(batch=batch).count() == 3


def test_audit_entries_are_scoped_by_org(tree):
    from accounts.roles import Role
    from accounts.tests.factories import user_with_role

    with transaction.atomic():
        inside = audit.record(actor=None, action=AuditAction.CREATE, obj=tree.branch_a1, before={})
        audit.record(actor=None, action=AuditAction.CREATE, obj=tree.other_branch, before={})
    auditor = user_with_role(Role.AUDITOR, tree.community_a)
    assert list(AuditEntry.objects.for_user(auditor, "view")) == [inside]


def test_history_for_is_oldest_first(tree):
    org = tree.branch_a1
    with transaction.atomic():
        first = audit.record(actor=None, action=AuditAction.CREATE, obj=org, before={})
        second = audit.record(actor=None, action=AuditAction.OTHER, obj=org, message="note")
    assert list(audit.history_for(org)) == [first, second]
