"""Roles and the actions each may take. Data, not code paths: one table decides every permission.

Actions (core.scope.ACTIONS): view, add, change, delete, import, export, approve,
view_personal (see ID numbers and phones unmasked; every such view is audited) and view_audit
(read the audit log of the subtree).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    ORG_DEPT_ADMIN = "org_dept_admin", _("organisation department administrator")
    PARTY_WORKER = "party_worker", _("party-affairs worker")
    BRANCH_SECRETARY = "branch_secretary", _("branch secretary")
    MEMBER_SELF = "member_self", _("member self-service")
    AUDITOR = "auditor", _("read-only auditor")


# Administrators may do everything in their subtree; a system administrator's subtree is the root.
ADMIN_ACTIONS = frozenset(
    {
        "view",
        "add",
        "change",
        "delete",
        "import",
        "export",
        "approve",
        "view_personal",
        "view_audit",
        "manage_users",
    }
)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: ADMIN_ACTIONS,
    Role.ORG_DEPT_ADMIN: ADMIN_ACTIONS,
    Role.PARTY_WORKER: frozenset(
        {"view", "add", "change", "import", "export", "view_personal", "view_audit"}
    ),
    Role.BRANCH_SECRETARY: frozenset({"view", "add", "change", "export", "approve"}),
    Role.MEMBER_SELF: frozenset({"view"}),
    Role.AUDITOR: frozenset({"view", "export", "view_audit"}),
}


def actions_for(role: str) -> frozenset[str]:
    return ROLE_ACTIONS.get(role, frozenset())
