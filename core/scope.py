"""Scoping: every queryset that serves a user is limited to the org subtrees that user was granted.

A scoped model declares ``scope_field``: the path from the model to its org ("org", "member__org"),
or "" for the org model itself. ``for_user(user, action)`` keeps the rows whose org path starts with
one of the user's granted paths for that action; no grant gives ``.none()``.

The user object answers ``get_scope_paths(action) -> list[str] | None`` (``None`` means everything:
superusers). core knows nothing else about accounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q

ACTIONS = ("view", "add", "change", "delete", "import", "export", "approve", "view_personal", "view_audit")


class ScopedUser(Protocol):
    is_authenticated: bool

    def get_scope_paths(self, action: str) -> list[str] | None: ...


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the set: ["0001", "00010002"] -> ["0001"]."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def path_lookup(scope_field: str) -> str:
    return f"{scope_field}__path" if scope_field else "path"


def subtree_q(scope_field: str, paths: Iterable[str]) -> Q:
    """One indexed prefix condition per granted path, OR-ed. Empty paths give a false condition."""
    lookup = f"{path_lookup(scope_field)}__startswith"
    q = Q(pk__in=[])
    for path in minimal_paths(paths):
        q |= Q(**{lookup: path})
    return q


def user_paths(user: Any, action: str) -> list[str] | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    return user.get_scope_paths(action)


_QS = TypeVar("_QS", bound="ScopedQuerySet")


class ScopedQuerySet(models.QuerySet):
    def for_user(self: _QS, user: Any, action: str = "view") -> _QS:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        paths = user_paths(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(self.model.scope_field, paths))

    def in_subtree(self: _QS, path: str) -> _QS:
        return self.filter(subtree_q(self.model.scope_field, [path]))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """The default manager of scoped models; views must call ``for_user``."""


class UnscopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Explicitly named access for services, tasks and management commands."""


def org_path_of(obj: models.Model) -> str | None:
    """The org path an object belongs to, following its ``scope_field``."""
    target: Any = obj
    scope_field = getattr(obj, "scope_field", None)
    if scope_field is None:
        return None
    for part in [p for p in scope_field.split("__") if p]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, "path", None)


def org_of(obj: models.Model) -> Any:
    target: Any = obj
    scope_field = getattr(obj, "scope_field", None)
    if scope_field is None:
        return None
    for part in [p for p in scope_field.split("__") if p]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def user_can(user: Any, action: str, obj: models.Model | None = None, org_path: str | None = None) -> bool:
    """Whether the user may do ``action`` on ``obj`` (or at ``org_path``); without either, anywhere."""
    paths = user_paths(user, action)
    if paths is None:
        return True
    if not paths:
        return False
    if obj is not None:
        org_path = org_path_of(obj)
    if org_path is None:
        return obj is None
    return any(org_path.startswith(p) for p in paths)
