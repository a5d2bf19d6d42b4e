"""Every write to the org tree: create, update, move, dissolve, delete. Each audits in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import NotAllowed, OutOfScope, ServiceError
from core.models import AuditAction, AuditEntry
from core.scope import user_can

from .choices import OrgStatus
from .models import OrgUnit

EDITABLE_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "unit_type",
    "established_how",
    "units_covered",
    "established_on",
    "establishment_doc",
    "secretary_name",
    "contact_name",
    "contact_phone",
    "address",
)


def _check(actor: Any, action: str, org: OrgUnit | None) -> None:
    """Scope check inside the transaction: out of scope looks like not found."""
    if org is None:
        if not user_can(actor, action):
            raise NotAllowed(_("You may not do this."))
        return
    if not user_can(actor, "view", org):
        raise OutOfScope(_("Organisation not found."))
    if not user_can(actor, action, org):
        raise NotAllowed(_("You may not do this for this organisation."))


def _lock(org_id: int) -> OrgUnit:
    return OrgUnit.unscoped.select_for_update().get(pk=org_id)


def _validate(org: OrgUnit) -> None:
    if OrgUnit.unscoped.filter(code=org.code).exclude(pk=org.pk).exists():
        raise ServiceError(
            _("An organisation with code %(code)s already exists.") % {"code": org.code}, field="code"
        )


@transaction.atomic
def create_org(*, actor: Any, parent: OrgUnit | None, **fields: Any) -> OrgUnit:
    """Create an org under ``parent`` (None: a new root, for system administrators only)."""
    if parent is not None:
        parent = _lock(parent.pk)
        _check(actor, "add", parent)
        if not parent.is_active:
            raise ServiceError(_("Cannot add an organisation under a dissolved one."), field="parent")
    elif getattr(actor, "get_scope_paths", None) and actor.get_scope_paths("add") is not None:
        raise NotAllowed(_("Only a system administrator may create a top-level organisation."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"unknown fields: {sorted(unknown)}")
    org = OrgUnit(**fields, created_by=actor if getattr(actor, "pk", None) else None)
    org.updated_by = org.created_by
    _validate(org)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org = (
        OrgUnit.unscoped.add_child(parent, instance=org)
        if parent is not None
        else OrgUnit.unscoped.add_root(instance=org)
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=org, before={}, org=org)
    return org


@transaction.atomic
def update_org(*, actor: Any, org: OrgUnit, **fields: Any) -> OrgUnit:
    org = _lock(org.pk)
    _check(actor, "change", org)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(org)
    for name, value in fields.items():
        setattr(org, name, value)
    _validate(org)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.updated_by = actor if getattr(actor, "pk", None) else None
    org.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=org, before=before, org=org)
    return org


@transaction.atomic
def move_org(*, actor: Any, org: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move ``org`` and its whole subtree under ``new_parent``."""
    org = _lock(org.pk)
    new_parent = _lock(new_parent.pk)
    _check(actor, "change", org)
    _check(actor, "change", new_parent)
    if new_parent.path.startswith(org.path):
        raise ServiceError(_("Cannot move an organisation under itself or its own subtree."), field="parent")
    if not new_parent.is_active:
        raise ServiceError(_("Cannot move an organisation under a dissolved one."), field="parent")
    old_parent = OrgUnit.unscoped.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return org
    before = {"parent": old_parent.pk if old_parent else None, "path": org.path}
    OrgUnit.unscoped.move(org, new_parent, pos="last-child")
    org = OrgUnit.unscoped.get(pk=org.pk)
    audit.record(
        actor=actor,
        action=AuditAction.MOVE,
        obj=org,
        changes=audit.diff(before, {"parent": new_parent.pk, "path": org.path}),
        org=org,
    )
    return org


@transaction.atomic
def dissolve_org(*, actor: Any, org: OrgUnit, dissolved_on: dt.date) -> OrgUnit:
    """Dissolve an org and everything below it that is still active. Records stay."""
    org = _lock(org.pk)
    _check(actor, "change", org)
    if not org.is_active:
        raise ServiceError(_("This organisation is already dissolved."))
    if org.established_on and dissolved_on < org.established_on:
        raise ServiceError(_("The dissolution date is before the establishment date."), field="dissolved_on")
    for node in OrgUnit.unscoped.filter(path__startswith=org.path, status=OrgStatus.ACTIVE).order_by(
        "-depth"
    ):
        before = audit.snapshot(node)
        node.status = OrgStatus.DISSOLVED
        node.dissolved_on = dissolved_on
        node.updated_by = actor if getattr(actor, "pk", None) else None
        node.save(update_fields=["status", "dissolved_on", "updated_by", "updated_at"])
        audit.record(actor=actor, action=AuditAction.DISSOLVE, obj=node, before=before, org=node)
    return OrgUnit.unscoped.get(pk=org.pk)


def deletion_blockers(org: OrgUnit) -> list[str]:
    """Why ``org`` may not be deleted: children, related records, or records it ever held."""
    reasons: list[str] = []
    if OrgUnit.unscoped.get_children_count(org):
        reasons.append(_("it has child organisations"))
    for rel in org._meta.related_objects:
        model = rel.related_model
        if model in (AuditEntry,) or model._meta.app_label == "core":
            continue
        if rel.one_to_many or rel.one_to_one:
            if model._base_manager.filter(**{rel.field.name: org}).exists():
                reasons.append(_("it has %(what)s") % {"what": model._meta.verbose_name_plural})
    org_ct = ContentType.objects.get_for_model(OrgUnit)
    if AuditEntry.unscoped.filter(org=org).exclude(content_type=org_ct).exists():
        reasons.append(_("it has held records"))
    return reasons


@transaction.atomic
def delete_org(*, actor: Any, org: OrgUnit) -> None:
    """Delete an org created by mistake. An org that has or had members or records is dissolved instead."""
    org = _lock(org.pk)
    _check(actor, "delete", org)
    blockers = deletion_blockers(org)
    if blockers:
        raise ServiceError(
            _("This organisation cannot be deleted because %(reasons)s; dissolve it instead.")
            % {"reasons": "、".join(str(b) for b in blockers)}
        )
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=org,
        before=audit.snapshot(org),
        org=OrgUnit.unscoped.get_parent(org),
    )
    org.delete()
