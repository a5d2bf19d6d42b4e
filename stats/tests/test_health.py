"""Org health selectors: counts per org from one grouped query, rolled up the tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats.health import org_health, org_health_for_subtree
from stats.tests.factories import AS_OF, make_town

pytestmark = pytest.mark.django_db


def test_subtree_health_counts_and_issues():
    town = make_town()

    with CaptureQueriesContext(connection) as captured:
        report = org_health_for_subtree(town.town, as_of=AS_OF)

    assert len(captured) == 2
    rows = {h.org.name: (h.total, h.full, [i.code for i in h.issues]) for h in report}
    assert rows == {
        "长乐镇党委": (121, 115, []),
        "长乐社区党支部": (70, 70, ["branch_over_50", "needs_branch_committee", "calls_for_general_branch"]),
        "新华社区党委": (51, 45, []),
        "新华第一党支部": (31, 31, ["needs_branch_committee"]),
        "新华第二党支部": (20, 14, ["needs_branch_committee"]),
    }


def test_only_issues_and_single_org():
    town = make_town()

    report = org_health_for_subtree(town.community_b, as_of=AS_OF, only_issues=True)

    assert [h.org.name for h in report] == ["新华第一党支部", "新华第二党支部"]
    single = org_health(town.branch_b2, as_of=AS_OF)
    assert (single.total, single.full, single.has_warning) == (20, 14, False)
    assert single.as_dict()["issues"][0]["level"] == "verify"
    # In 2010: the eleven who joined in 2000 and the one who died in 2023 (joined 2005).
    assert org_health(town.branch_b2, as_of=dt.date(2010, 1, 1)).total == 12


def test_org_health_endpoint_on_orgs(client):
    from accounts.roles import Role
    from accounts.tests.factories import user_with_role

    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.community_b))

    body = client.get(f"/api/v1/orgs/{town.branch_b1.pk}/health").json()

    assert (body["org"]["id"], body["total"], body["full"]) == (town.branch_b1.pk, 31, 31)
    assert [i["code"] for i in body["issues"]] == ["needs_branch_committee"]
    assert client.get(f"/api/v1/orgs/{town.community_a.pk}/health").status_code == 404
