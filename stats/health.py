"""Org health for one org or a whole subtree (rules in orgs/rules.py, RULES.md §3).

Org health is read from member counts, so it lives in stats (which reads every app), not in orgs
(which sits below members). Members are counted as party statistics count them today
(``stats.selectors.counted_at``), in the org's whole subtree. ``org_health_for_subtree`` runs two
queries whatever the size of the tree: the orgs, and ONE grouped count of members per org path; sums
up the tree are added in Python per org.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from orgs.choices import OrgStatus
from orgs.models import OrgUnit
from orgs.rules import HealthIssue, health_issues

from .selectors import full_at, org_ref, subtree_members


@dataclass
class OrgHealth:
    org: OrgUnit
    total: int
    full: int
    issues: list[HealthIssue] = field(default_factory=list)

    @property
    def has_warning(self) -> bool:
        return any(issue.level == "warning" for issue in self.issues)

    def as_dict(self) -> dict[str, Any]:
        return {
            "org": org_ref(self.org),
            "depth": self.org.depth,
            "total": self.total,
            "full": self.full,
            "issues": [issue.as_dict() for issue in self.issues],
        }


def _counts(as_of: dt.date) -> dict[str, Any]:
    return {"total": Count("pk"), "full": Count("pk", filter=full_at(as_of))}


def org_health(org: OrgUnit, *, as_of: dt.date | None = None) -> OrgHealth:
    """One org's health: one aggregate query over its subtree."""
    as_of = as_of or timezone.localdate()
    row = subtree_members(org, as_of).aggregate(**_counts(as_of))
    total, full = row["total"], row["full"]
    return OrgHealth(org, total, full, health_issues(kind=org.kind, total=total, full=full))


def org_health_for_subtree(
    org: OrgUnit, *, as_of: dt.date | None = None, only_issues: bool = False
) -> list[OrgHealth]:
    """Every active org of ``org``'s subtree in tree order, with its health (two queries in all)."""
    as_of = as_of or timezone.localdate()
    orgs = list(OrgUnit.unscoped.filter(path__startswith=org.path, status=OrgStatus.ACTIVE).order_by("path"))
    rows = subtree_members(org, as_of).values("org__path").annotate(**_counts(as_of)).order_by()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    step = OrgUnit.steplen
    for row in rows:
        path = row["org__path"]
        for end in range(len(org.path), len(path) + 1, step):
            acc = totals[path[:end]]
            acc[0] += row["total"]
            acc[1] += row["full"]
    result = []
    for unit in orgs:
        total, full = totals.get(unit.path, (0, 0))
        health = OrgHealth(unit, total, full, health_issues(kind=unit.kind, total=total, full=full))
        if health.issues or not only_issues:
            result.append(health)
    return result
