"""Org health from member counts: pure rules, no ORM (RULES.md §3, issue 3 part 8).

Each finding cites its source. Levels: ``warning`` — the org's form does not match the rule;
``verify`` — the rule may be met in a way the platform cannot see (a committee, an approval) and a
person should check.

Assumptions (no committee model exists yet):
- a branch-type org (``orgs.choices.BRANCH_KINDS``) with 7 or more full members is reported as
  "needs a branch committee: verify", because we cannot see whether one was elected;
- committee-type orgs (``COMMITTEE_KINDS``) and general branches have a committee by their kind, so
  the committee rule never fires for them;
- sizes are the members counted in the org's whole subtree (a branch's party groups included);
- party groups (党小组) have no size rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .choices import BRANCH_KINDS, OrgKind

WARNING = "warning"
VERIFY = "verify"

SOURCE_BRANCH = "《中国共产党支部工作条例（试行）》2018 第四条"
SOURCE_COMMITTEE = "《中国共产党支部工作条例（试行）》2018 第二十条"
SOURCE_ORGANS = "《中国共产党党和国家机关基层组织工作条例》"

MIN_FULL_MEMBERS = 3  # a branch where there are 3 or more full members (第四条)
BRANCH_MAX_MEMBERS = 50  # a branch generally has at most 50 members (第四条)
COMMITTEE_MIN_FULL = 7  # a branch committee at 7 or more full members (第二十条)
GENERAL_BRANCH_MIN = 50  # a general branch for 50-100 members (fewer with approval)
PRIMARY_COMMITTEE_MIN = 100  # a primary committee at 100 or more members


@dataclass(frozen=True)
class HealthIssue:
    code: str
    level: str
    message: Any  # a lazy translation
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "level": self.level, "message": str(self.message), "source": self.source}


def health_issues(*, kind: str, total: int, full: int) -> list[HealthIssue]:
    """What RULES.md §3 says about an org of ``kind`` with ``total`` members, ``full`` of them full."""
    issues: list[HealthIssue] = []
    if kind in BRANCH_KINDS:
        if full < MIN_FULL_MEMBERS:
            if kind == OrgKind.JOINT_BRANCH:
                message = _("Fewer than 3 full members: merge with another organisation.")
            else:
                message = _("Fewer than 3 full members: form a joint branch with other units or merge.")
            issues.append(HealthIssue("too_few_full_members", WARNING, message, SOURCE_BRANCH))
        if total > BRANCH_MAX_MEMBERS:
            issues.append(
                HealthIssue(
                    "branch_over_50",
                    WARNING,
                    _("More than 50 members: a branch generally has at most 50; consider splitting it."),
                    SOURCE_BRANCH,
                )
            )
        if full >= COMMITTEE_MIN_FULL:
            issues.append(
                HealthIssue(
                    "needs_branch_committee",
                    VERIFY,
                    _("7 or more full members: a branch committee is required; verify that one was elected."),
                    SOURCE_COMMITTEE,
                )
            )
    if kind in BRANCH_KINDS or kind == OrgKind.GENERAL_BRANCH:
        if total >= PRIMARY_COMMITTEE_MIN:
            issues.append(
                HealthIssue(
                    "calls_for_primary_committee",
                    WARNING,
                    _("100 or more members: the size calls for a primary committee."),
                    SOURCE_ORGANS,
                )
            )
        elif kind in BRANCH_KINDS and total > BRANCH_MAX_MEMBERS:
            issues.append(
                HealthIssue(
                    "calls_for_general_branch",
                    VERIFY,
                    _("50 to 100 members: the size calls for a general branch."),
                    SOURCE_ORGANS,
                )
            )
    if kind == OrgKind.GENERAL_BRANCH and total < GENERAL_BRANCH_MIN:
        issues.append(
            HealthIssue(
                "small_general_branch",
                VERIFY,
                _(
                    "Fewer than 50 members: a general branch this small needs the approval of the higher organisation."
                ),
                SOURCE_ORGANS,
            )
        )
    if kind == OrgKind.PRIMARY_COMMITTEE and total < PRIMARY_COMMITTEE_MIN:
        issues.append(
            HealthIssue(
                "small_primary_committee",
                VERIFY,
                _(
                    "Fewer than 100 members: a primary committee this small needs the approval of the higher organisation."
                ),
                SOURCE_ORGANS,
            )
        )
    return issues
