"""Reads for user administration, limited to what the administrator manages.

An administrator with "manage_users" over some subtrees sees the users holding at least one role
inside them, and may change (edit, deactivate, reset the password of) only those whose every role
lies inside them: otherwise they could take over an account that also acts elsewhere. Users without
any role and superusers are managed by system administrators (superusers) only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.scope import subtree_q
from orgs.choices import OrgStatus
from orgs.models import OrgUnit

from .models import RoleAssignment, User

MANAGE = "manage_users"


def get_manage_paths(actor: Any) -> list[str] | None:
    """The subtrees ``actor`` administers users in; None means everywhere, [] nowhere."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return []
    return actor.get_scope_paths(MANAGE)


def _assignments_in(paths: list[str] | None) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.unscoped.all()
    return qs if paths is None else qs.filter(subtree_q("org", paths))


def list_visible_users(actor: Any) -> QuerySet[User]:
    paths = get_manage_paths(actor)
    users = User.objects.all()
    if paths is None:
        return users
    if not paths:
        return users.none()
    return users.filter(Exists(_assignments_in(paths).filter(user=OuterRef("pk"))))


def list_manageable_users(actor: Any) -> QuerySet[User]:
    """Users ``actor`` may change: visible, not superusers, no role outside the actor's subtrees."""
    paths = get_manage_paths(actor)
    if paths is None:
        return User.objects.all()
    outside = RoleAssignment.unscoped.filter(user=OuterRef("pk")).exclude(subtree_q("org", paths))
    return list_visible_users(actor).filter(is_superuser=False).exclude(Exists(outside))


def list_visible_assignments(actor: Any) -> QuerySet[RoleAssignment]:
    return _assignments_in(get_manage_paths(actor)).select_related("org")


def list_users(
    actor: Any,
    *,
    q: str = "",
    role: str = "",
    org: OrgUnit | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The user list page: visible users, filtered, with their in-scope roles prefetched."""
    users = list_visible_users(actor)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q))
    if role or org is not None:
        matching = _assignments_in(get_manage_paths(actor)).filter(user=OuterRef("pk"))
        if role:
            matching = matching.filter(role=role)
        if org is not None:
            matching = matching.filter(org__path__startswith=org.path)
        users = users.filter(Exists(matching))
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("username").prefetch_related(
        Prefetch("role_assignments", queryset=list_visible_assignments(actor).order_by("org__path", "role"))
    )


def list_assignable_orgs(actor: Any) -> QuerySet[OrgUnit]:
    """Active orgs inside the actor's managed subtrees, in tree order."""
    paths = get_manage_paths(actor)
    orgs = OrgUnit.unscoped.filter(status=OrgStatus.ACTIVE)
    if paths is None:
        return orgs
    return orgs.filter(subtree_q("", paths)) if paths else orgs.none()
