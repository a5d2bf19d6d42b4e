"""Reads of the org tree that serve users: always scoped, parent id annotated, no query per row."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from core.scope import user_paths

from .models import OrgUnit, OrgUnitQuerySet


def with_parent_id(queryset: OrgUnitQuerySet) -> OrgUnitQuerySet:
    """Annotate ``parent_pk``: the parent is the node whose path is this path minus one step."""
    parent = OrgUnit.unscoped.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
    ).order_by()
    return queryset.annotate(parent_pk=Subquery(parent.values("pk")[:1]))


def list_orgs(
    *,
    user: Any,
    action: str = "view",
    kind: str | None = None,
    unit_type: str | None = None,
    status: str | None = None,
    ancestor: int | None = None,
    q: str | None = None,
) -> OrgUnitQuerySet:
    """The orgs ``user`` may ``action``, in tree order, filtered.

    ``ancestor`` keeps that org and everything below it; an ancestor outside the user's scope (or
    that does not exist) matches nothing. ``q`` searches name, short name and code.
    """
    queryset = OrgUnit.objects.for_user(user, action)
    if kind:
        queryset = queryset.filter(kind=kind)
    if unit_type:
        queryset = queryset.filter(unit_type=unit_type)
    if status:
        queryset = queryset.filter(status=status)
    if ancestor is not None:
        ancestor_path = (
            OrgUnit.objects.for_user(user, action).filter(pk=ancestor).order_by().values("path")[:1]
        )
        queryset = queryset.filter(path__startswith=Subquery(ancestor_path))
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    return with_parent_id(queryset)


def get_org(*, user: Any, pk: int, action: str = "view") -> OrgUnit:
    """One org in ``user``'s scope; raises ``OrgUnit.DoesNotExist`` when missing or out of scope."""
    return with_parent_id(OrgUnit.objects.for_user(user, action)).get(pk=pk)


def list_top_orgs(*, user: Any, action: str = "view") -> OrgUnitQuerySet:
    """The orgs at the top of ``user``'s scope for ``action``: the granted ones (superusers: the roots)."""
    orgs = OrgUnit.objects.for_user(user, action)
    paths = user_paths(user, action)
    return orgs.filter(depth=1) if paths is None else orgs.filter(path__in=paths)


def list_children(*, user: Any, org: OrgUnit) -> QuerySet[OrgUnit]:
    """The direct children of ``org`` (which the caller has already scoped), in tree order."""
    return list_orgs(user=user).filter(path__startswith=org.path, depth=org.depth + 1)


def list_subtree(*, user: Any, org: OrgUnit) -> QuerySet[OrgUnit]:
    """``org`` and everything below it, in tree order."""
    return list_orgs(user=user).filter(path__startswith=org.path)
