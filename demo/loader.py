"""Load the demo street and its demo accounts. Idempotent: a second run writes nothing.

The tree comes from ``orgs.demo``; demo members from ``members.demo.build_demo_members(street_org,
seed=...)`` when the members app provides it. That function is called on every run and must itself
write nothing when the street has members already (it returns how many it created).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from orgs.demo import DEFAULT_SEED, SystemActor, build_demo_tree, get_demo_street
from orgs.models import OrgUnit


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    role: Role
    org_code: str  # the org whose subtree the account sees
    note: str


def demo_accounts() -> list[DemoAccount]:
    """The demo logins. The community worker sees 东风社区 only; the secretary one branch only."""
    return [
        DemoAccount(
            "admin", "admin123", "系统管理员", Role.SYSTEM_ADMIN, "DC", "system administrator, whole street"
        ),
        DemoAccount("worker", "worker123", "王芳", Role.PARTY_WORKER, "DC", "street party-affairs worker"),
        DemoAccount(
            "community", "community123", "李静", Role.PARTY_WORKER, "DC01", "community worker, 东风社区 only"
        ),
        DemoAccount(
            "secretary",
            "secretary123",
            "张伟",
            Role.BRANCH_SECRETARY,
            "DC010101",
            "branch secretary, one branch",
        ),
        DemoAccount("auditor", "auditor123", "赵敏", Role.AUDITOR, "DC", "read-only auditor, whole street"),
    ]


@dataclass
class LoadResult:
    street: OrgUnit
    orgs_created: int
    users_created: list[str]
    members_created: int | None  # None: the members app offers no demo members


def _members_hook() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("members.demo")
    except ModuleNotFoundError as exc:
        if exc.name in ("members.demo", "members"):
            return None
        raise
    return getattr(module, "build_demo_members", None)


def _ensure_account(account: DemoAccount) -> bool:
    """Create the account and its role if missing; an existing account is left as it is."""
    if User.objects.filter(username=account.username).exists():
        return False
    user = User.objects.create_user(username=account.username, password=account.password)
    user.display_name = account.display_name
    user.save(update_fields=["display_name"])
    org = OrgUnit.unscoped.get(code=account.org_code)
    RoleAssignment.unscoped.create(user=user, role=account.role, org=org)
    return True


@transaction.atomic
def load_demo(*, seed: int = DEFAULT_SEED) -> LoadResult:
    tree = build_demo_tree(actor=SystemActor(), seed=seed)
    street = get_demo_street()
    assert street is not None
    hook = _members_hook()
    members_created = None if hook is None else int(hook(street, seed=seed) or 0)
    created = [a.username for a in demo_accounts() if _ensure_account(a)]
    return LoadResult(
        street=street,
        orgs_created=tree.created if tree is not None else 0,
        users_created=created,
        members_created=members_created,
    )
