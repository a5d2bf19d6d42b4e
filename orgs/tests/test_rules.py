"""Org health rules (RULES.md §3): pure, no database."""

from __future__ import annotations

import pytest
from django.utils import translation

from orgs.choices import OrgKind
from orgs.rules import SOURCE_BRANCH, SOURCE_COMMITTEE, SOURCE_ORGANS, health_issues


def codes(kind, total, full):
    return [(i.code, i.level) for i in health_issues(kind=kind, total=total, full=full)]


@pytest.mark.parametrize(
    ("kind", "total", "full", "expected"),
    [
        (OrgKind.BRANCH, 2, 2, [("too_few_full_members", "warning")]),
        (OrgKind.BRANCH, 5, 2, [("too_few_full_members", "warning")]),  # probationary members do not count
        (OrgKind.BRANCH, 3, 3, []),
        (OrgKind.BRANCH, 6, 6, []),
        (OrgKind.BRANCH, 8, 7, [("needs_branch_committee", "verify")]),
        (OrgKind.BRANCH, 50, 45, [("needs_branch_committee", "verify")]),
        (
            OrgKind.BRANCH,
            51,
            45,
            [
                ("branch_over_50", "warning"),
                ("needs_branch_committee", "verify"),
                ("calls_for_general_branch", "verify"),
            ],
        ),
        (
            OrgKind.BRANCH,
            100,
            90,
            [
                ("branch_over_50", "warning"),
                ("needs_branch_committee", "verify"),
                ("calls_for_primary_committee", "warning"),
            ],
        ),
        (OrgKind.JOINT_BRANCH, 0, 0, [("too_few_full_members", "warning")]),
        (OrgKind.SECOND_LEVEL_BRANCH, 4, 4, []),
        (OrgKind.GENERAL_BRANCH, 60, 55, []),
        (OrgKind.GENERAL_BRANCH, 100, 95, [("calls_for_primary_committee", "warning")]),
        (OrgKind.GENERAL_BRANCH, 30, 30, [("small_general_branch", "verify")]),
        (OrgKind.PRIMARY_COMMITTEE, 100, 100, []),
        (OrgKind.PRIMARY_COMMITTEE, 99, 99, [("small_primary_committee", "verify")]),
        (OrgKind.STREET_COMMITTEE, 2, 0, []),
        (OrgKind.COMMUNITY_COMMITTEE, 500, 480, []),
        (OrgKind.PARTY_GROUP, 1, 0, []),
    ],
)
def test_health_issues(kind, total, full, expected):
    assert codes(kind, total, full) == expected


def test_issues_cite_their_source_and_explain():
    too_few, over, committee, general = health_issues(kind=OrgKind.BRANCH, total=2, full=2) + health_issues(
        kind=OrgKind.BRANCH, total=60, full=55
    )
    assert (too_few.source, over.source, committee.source, general.source) == (
        SOURCE_BRANCH,
        SOURCE_BRANCH,
        SOURCE_COMMITTEE,
        SOURCE_ORGANS,
    )
    assert str(too_few.message) == "正式党员不足3名：应与其他单位成立联合党支部或合并。"
    with translation.override("en"):
        assert (
            str(too_few.message)
            == "Fewer than 3 full members: form a joint branch with other units or merge."
        )
    assert too_few.as_dict()["code"] == "too_few_full_members"


def test_joint_branch_is_told_to_merge():
    (issue,) = health_issues(kind=OrgKind.JOINT_BRANCH, total=2, full=2)
    with translation.override("en"):
        assert str(issue.message) == "Fewer than 3 full members: merge with another organisation."
