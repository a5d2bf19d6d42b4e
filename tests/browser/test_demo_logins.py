"""The demo accounts printed by make run log in and see exactly their part of the demo street."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.loader import load_demo
from orgs.models import OrgUnit

from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_street(transactional_db, monkeypatch):
    monkeypatch.setattr("demo.loader._members_hook", lambda: None)  # the tree and accounts only
    return load_demo().street


def tree_labels(page) -> list[str]:
    labels = page.locator("[data-org-tree] [data-tree-root] .node a.label")
    expect(labels.first).to_be_visible()
    return labels.all_text_contents()


def test_community_worker_sees_only_their_community(page, live_server, demo_street):
    community = OrgUnit.unscoped.get(code="DC01")
    other = OrgUnit.unscoped.get(code="DC02")

    log_in(page, "community", "community123")
    page.goto(reverse("orgs:orgunit_list"))

    assert tree_labels(page) == [community.name]
    expect(page.locator("table a", has_text=community.name).first).to_be_visible()
    expect(page.locator("table a", has_text=other.name)).to_have_count(0)
    response = page.goto(reverse("orgs:orgunit_detail", args=[other.pk]))
    assert response is not None and response.status == 404


def test_street_administrator_sees_the_whole_street(page, live_server, demo_street):
    log_in(page, "admin", "admin123")
    page.goto(reverse("orgs:orgunit_list"))

    assert tree_labels(page) == [demo_street.name]
    node = page.locator("[data-org-tree] [data-tree-root] .node").filter(has_text=demo_street.name)
    node.locator("button.toggle").click()
    expect(page.get_by_role("link", name="东城街道两新组织综合党委")).to_have_count(1)
    children = OrgUnit.unscoped.filter(path__startswith=demo_street.path, depth=2).order_by("path")
    assert tree_labels(page) == [demo_street.name, *[c.name for c in children]]
