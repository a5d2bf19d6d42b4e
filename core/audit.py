"""Audit: written by services, in the caller's transaction, with the before/after of changed fields.

Usage inside a service::

    before = audit.snapshot(org)
    ...change and save org...
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=org, before=before)

Models may declare ``audit_exclude`` (fields never written to the log, e.g. ciphertexts and blind
indexes) and ``audit_mask`` (fields logged only as "changed").
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .db import BulkInserter
from .models import AuditAction, AuditBatch, AuditEntry
from .scope import org_of

ALWAYS_EXCLUDED = {"created_at", "updated_at", "created_by", "updated_by", "id"}
MASKED = "***"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bytes | memoryview):
        return MASKED
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    excluded = ALWAYS_EXCLUDED | set(getattr(model, "audit_exclude", ()))
    return [f for f in model._meta.concrete_fields if f.name not in excluded and f.attname not in excluded]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audited field values of ``obj`` (foreign keys by id), JSON-ready."""
    masked = set(getattr(obj, "audit_mask", ()))
    data: dict[str, Any] = {}
    for field in audited_fields(type(obj)):
        value = getattr(obj, field.attname)
        data[field.name] = (
            MASKED if (field.name in masked and value not in (None, "")) else _json_value(value)
        )
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ."""
    before = before or {}
    after = after or {}
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are written inside the service's transaction")


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    org: Any = None,
    message: str = "",
) -> AuditEntry | None:
    """Write one audit entry for ``obj``. Updates without a change write nothing and return None."""
    _require_atomic()
    if changes is None:
        if action == AuditAction.DELETE:
            changes = diff(before or snapshot(obj), {})
        elif action in (AuditAction.VIEW_PERSONAL, AuditAction.OTHER, AuditAction.LOGIN):
            changes = {}
        else:
            changes = diff(before, after if after is not None else snapshot(obj))
    if action == AuditAction.UPDATE and not changes:
        return None
    if org is None:
        org = org_of(obj)
    return AuditEntry.unscoped.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        org=org if getattr(org, "pk", None) else None,
        changes=changes,
        message=message[:500],
    )


@dataclass(frozen=True)
class BulkRow:
    object_id: Any
    object_repr: str
    action: str
    changes: dict[str, Any]
    org_id: int | None


def record_bulk(
    *,
    actor: Any,
    model: type[models.Model],
    description: str,
    org: Any,
    rows: Sequence[BulkRow] | Iterable[BulkRow],
    batch: AuditBatch | None = None,
    batch_size: int = 2000,
) -> AuditBatch:
    """One batch record plus compact per-row entries, written with COPY / executemany (core.db)."""
    _require_atomic()
    if batch is None:
        batch = AuditBatch.unscoped.create(
            actor=actor if getattr(actor, "pk", None) else None,
            org=org if getattr(org, "pk", None) else None,
            description=description[:500],
        )
    ct_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    inserter = BulkInserter(AuditEntry)
    buffer: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        buffer.append(
            {
                "actor_id": actor_id,
                "action": row.action,
                "content_type_id": ct_id,
                "object_id": str(row.object_id),
                "object_repr": row.object_repr[:255],
                "org_id": row.org_id,
                "changes": row.changes,
                "batch_id": batch.pk,
            }
        )
        if len(buffer) >= batch_size:
            inserter.insert(buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        inserter.insert(buffer)
        count += len(buffer)
    AuditBatch.unscoped.filter(pk=batch.pk).update(row_count=models.F("row_count") + count)
    return batch


def history_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Every audit entry of one object, oldest first (the caller has already scoped ``obj``)."""
    ct = ContentType.objects.get_for_model(type(obj))
    return (
        AuditEntry.unscoped.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor", "org", "content_type")
        .order_by("at", "id")
    )
