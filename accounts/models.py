"""Users, role assignments to an org subtree, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedManager, UnscopedManager, minimal_paths

from .roles import Role, actions_for


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    failed_logins = models.PositiveIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)

    # Never written to the audit log: the hash, and login bookkeeping that changes on every login.
    audit_exclude = ("password", "last_login", "failed_logins", "locked_until")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    # -- scope -------------------------------------------------------------------------------------
    def _grants(self) -> list[tuple[str, str]]:
        cached: list[tuple[str, str]] | None = getattr(self, "_grants_cache", None)
        if cached is None:
            cached = list(
                RoleAssignment.unscoped.filter(user=self, org__status="active").values_list(
                    "role", "org__path"
                )
            )
            self._grants_cache = cached
        return cached

    def clear_scope_cache(self) -> None:
        self.__dict__.pop("_grants_cache", None)

    def get_scope_paths(self, action: str) -> list[str] | None:
        """Org paths where this user may take ``action``; None means everywhere (superuser)."""
        if self.is_superuser:
            return None
        return minimal_paths(path for role, path in self._grants() if action in actions_for(role))

    def has_action(self, action: str) -> bool:
        paths = self.get_scope_paths(action)
        return paths is None or bool(paths)

    @property
    def roles(self) -> set[str]:
        return {role for role, _path in self._grants()}


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "org"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="unique_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def key_hash_of(raw: str) -> str:
        """The stored hash of a raw token: what bearer authentication (core.api) looks up."""
        return hash_token(raw)

    @classmethod
    def generate(cls, user: User, description: str = "", **kwargs: Any) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=hash_token(raw), prefix=raw[:8], description=description, **kwargs
        )
        return token, raw
