"""Every write to users, role assignments and API tokens. Each checks scope and audits in its transaction.

Audit entries of a role assignment carry its org; entries about a user carry the administrator's
org (the first org they manage users in), so the audit log stays scoped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import NotAllowed, OutOfScope, ServiceError
from core.models import AuditAction
from orgs.models import OrgUnit

from . import rules
from .models import ApiToken, RoleAssignment, User
from .roles import ROLE_ACTIONS, Role
from .selectors import MANAGE, get_manage_paths, list_manageable_users, list_visible_users

USER_FIELDS = ("display_name", "email", "first_name", "last_name")


def _require_manager(actor: Any) -> list[str] | None:
    paths = get_manage_paths(actor)
    if paths is not None and not paths:
        raise NotAllowed(_("You may not manage users."))
    return paths


def _lock_user(actor: Any, user: User, *, change: bool = True) -> User:
    """The user row, locked, if ``actor`` may see it (else not found) and change it (else refused)."""
    _require_manager(actor)
    if not list_visible_users(actor).filter(pk=user.pk).exists():
        raise OutOfScope(_("User not found."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if change and not list_manageable_users(actor).filter(pk=user.pk).exists():
        raise NotAllowed(
            _("This user also holds roles outside your organisations; ask a system administrator.")
        )
    return locked


def _check_org(actor: Any, org: OrgUnit) -> OrgUnit:
    paths = _require_manager(actor)
    org = OrgUnit.unscoped.get(pk=org.pk)
    if not rules.path_inside(org.path, paths):
        raise OutOfScope(_("Organisation not found."), field="org")
    if not org.is_active:
        raise ServiceError(_("Roles cannot be assigned on a dissolved organisation."), field="org")
    return org


def _check_role(actor: Any, role: str) -> None:
    if role not in ROLE_ACTIONS:
        raise ServiceError(_("Unknown role."), field="role")
    allowed = rules.assignable_roles(is_superuser=actor.is_superuser, actor_roles=actor.roles)
    if role not in allowed:
        raise NotAllowed(_("You may not assign this role."), field="role")


def actor_org(actor: Any) -> OrgUnit | None:
    """The org an administrator acts from: the topmost org where they manage users."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if MANAGE in actions]
    assignment = (
        RoleAssignment.unscoped.filter(user_id=getattr(actor, "pk", None), role__in=roles)
        .select_related("org")
        .order_by("org__path")
        .first()
    )
    return assignment.org if assignment else None


def _audit_user(actor: Any, user: User, action: str, **kwargs: Any) -> None:
    audit.record(actor=actor, action=action, obj=user, org=actor_org(actor), **kwargs)


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    display_name: str = "",
    email: str = "",
    role: str = "",
    org: OrgUnit | None = None,
) -> tuple[User, str]:
    """A new active user with a temporary password (returned once) to change at first login.

    Administrators of a subtree must give the user a role inside it, or they could not see the user.
    """
    paths = _require_manager(actor)
    if paths is not None and not (role and org is not None):
        raise ServiceError(_("Choose a role and an organisation for the new user."), field="role")
    if role or org is not None:
        if not (role and org is not None):
            raise ServiceError(_("Choose both a role and an organisation."), field="org" if role else "role")
        _check_role(actor, role)
        org = _check_org(actor, org)
    username = username.strip()
    # Not username__iexact: SQLite runs with case_sensitive_like=ON.
    if User.objects.annotate(lower_name=Lower("username")).filter(lower_name=username.lower()).exists():
        raise ServiceError(_("This username is already taken."), field="username")
    password = rules.temporary_password()
    user = User(username=username, display_name=display_name, email=email, must_change_password=True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _audit_user(actor, user, AuditAction.CREATE, before={})
    if role and org is not None:
        _create_assignment(actor, user, role, org)
    return user, password


@transaction.atomic
def update_user(*, actor: Any, user: User, **fields: Any) -> User:
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise ServiceError(f"unknown fields: {sorted(unknown)}")
    user = _lock_user(actor, user)
    before = audit.snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    _audit_user(actor, user, AuditAction.UPDATE, before=before)
    return user


@transaction.atomic
def set_user_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivate (the user can no longer log in or use tokens) or reactivate a user."""
    if not active and user.pk == getattr(actor, "pk", None):
        raise ServiceError(_("You cannot deactivate your own account."))
    user = _lock_user(actor, user)
    if user.is_active == active:
        return user
    before = audit.snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit_user(actor, user, AuditAction.UPDATE, before=before)
    return user


@transaction.atomic
def reset_password(*, actor: Any, user: User) -> str:
    """Set a temporary password (returned, to show once), unlock the account, force a change."""
    user = _lock_user(actor, user)
    before = audit.snapshot(user)
    password = rules.temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "must_change_password", "failed_logins", "locked_until"])
    _audit_user(
        actor,
        user,
        AuditAction.UPDATE,
        changes={**audit.diff(before, audit.snapshot(user)), "password": [audit.MASKED, audit.MASKED]},
        message="password reset",
    )
    return password


@transaction.atomic
def change_password(*, user: User, new_password: str) -> User:
    """The user changes their own password (already checked against the old one by the form)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(new_password, user)
    before = audit.snapshot(user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={**audit.diff(before, audit.snapshot(user)), "password": [audit.MASKED, audit.MASKED]},
        message="password changed",
    )
    return user


def _create_assignment(actor: Any, user: User, role: str, org: OrgUnit) -> RoleAssignment:
    if RoleAssignment.unscoped.filter(user=user, role=role, org=org).exists():
        raise ServiceError(_("The user already has this role on this organisation."), field="role")
    assignment = RoleAssignment.unscoped.create(user=user, role=role, org=org)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=assignment, before={})
    user.clear_scope_cache()
    return assignment


@transaction.atomic
def assign_role(*, actor: Any, user: User, role: str, org: OrgUnit) -> RoleAssignment:
    """Give ``user`` ``role`` over ``org``'s subtree; the org must be inside the actor's subtrees."""
    user = _lock_user(actor, user, change=False)
    _check_role(actor, role)
    org = _check_org(actor, org)
    if not user.is_active:
        raise ServiceError(_("Reactivate the user before assigning roles."))
    return _create_assignment(actor, user, role, org)


@transaction.atomic
def remove_role(*, actor: Any, assignment: RoleAssignment) -> None:
    paths = _require_manager(actor)
    assignment = RoleAssignment.unscoped.select_for_update().select_related("org").get(pk=assignment.pk)
    if not rules.path_inside(assignment.org.path, paths):
        raise OutOfScope(_("Role assignment not found."))
    if assignment.role == Role.SYSTEM_ADMIN:
        _check_role(actor, assignment.role)
    if assignment.user_id == getattr(actor, "pk", None) and MANAGE in ROLE_ACTIONS.get(assignment.role, ()):
        raise ServiceError(_("You cannot remove your own administrator role."))
    audit.record(actor=actor, action=AuditAction.DELETE, obj=assignment, before=audit.snapshot(assignment))
    assignment.delete()


@transaction.atomic
def issue_token(*, actor: Any, user: User, description: str = "") -> tuple[ApiToken, str]:
    """A new API token for ``user``; the raw token is returned once and only its hash is stored."""
    token, raw = ApiToken.generate(user, description=description)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=token,
        changes={"user": [None, user.pk], "prefix": [None, token.prefix], "description": [None, description]},
        org=None,
    )
    return token, raw


# -- login failures and lockout ---------------------------------------------------------------------


def _home_org(user: User) -> OrgUnit | None:
    """The topmost org the user holds a role in: where their security events are audited."""
    assignment = RoleAssignment.unscoped.filter(user=user).select_related("org").order_by("org__path").first()
    return assignment.org if assignment else None


@transaction.atomic
def record_login_failure(*, user: User) -> bool:
    """Count one failed login; at LOGIN_MAX_FAILURES lock the account for LOGIN_LOCKOUT_MINUTES and
    audit the lock. Returns whether the account is now locked."""
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not rules.lockout_due(user.failed_logins, settings.LOGIN_MAX_FAILURES):
        return False
    previous_lock = user.locked_until
    user.failed_logins = 0
    user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    user.save(update_fields=["failed_logins", "locked_until"])
    audit.record(
        actor=None,
        action=AuditAction.LOGIN,
        obj=user,
        changes={
            "locked_until": [
                previous_lock.isoformat() if previous_lock else None,
                user.locked_until.isoformat(),
            ]
        },
        org=_home_org(user),
        message=f"locked after {settings.LOGIN_MAX_FAILURES} failed logins",
    )
    return True


def record_login_success(*, user: User) -> None:
    """A successful login clears the failure count and any expired lock."""
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
