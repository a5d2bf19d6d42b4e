"""Foundation browser test: log in, open the tree, open an org, add a child org, see it in the tree."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.models import AuditAction, AuditEntry
from orgs.models import OrgUnit

from .conftest import log_in

pytestmark = pytest.mark.browser


def tree_node(page, name: str):
    """The row of the lazy tree showing ``name``."""
    return page.locator("[data-org-tree] [data-tree-root] .node").filter(
        has=page.locator("a.label", has_text=name)
    )


def expand(page, name: str) -> None:
    node = tree_node(page, name)
    expect(node).to_have_count(1)
    node.locator("button.toggle").click()
    expect(node.locator("button.toggle")).to_have_attribute("aria-expanded", "true")


def test_log_in_open_the_tree_and_add_a_child_org(
    page, live_server, browser_tree, browser_user, browser_password
):
    street, community = browser_tree.street, browser_tree.community_a

    # The Chinese login page.
    page.goto(reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    log_in(page, browser_user.username, browser_password)

    # The tree: the user's street at the top, its communities loaded when it is expanded.
    page.goto(reverse("orgs:orgunit_list"))
    expect(tree_node(page, street.name)).to_have_count(1)
    expand(page, street.name)
    expect(tree_node(page, community.name)).to_have_count(1)
    expect(tree_node(page, browser_tree.community_b.name)).to_have_count(1)
    expect(tree_node(page, browser_tree.other_root.name)).to_have_count(0)

    # Open an org from the list.
    page.locator("table a", has_text=community.name).first.click()
    page.wait_for_url(f"**{reverse('orgs:orgunit_detail', args=[community.pk])}")
    expect(page.locator("h2.page-title")).to_contain_text(community.name)

    # Add a child org under it; the parent's code is filled in.
    page.locator(f"a[href='{reverse('orgs:orgunit_add')}?parent={community.pk}']").click()
    expect(page.locator("input[name=parent]")).to_have_value(community.code)
    page.locator("input[name=code]").fill("DF-NEW-01")
    page.locator("input[name=name]").fill("东风社区新建党支部")
    page.locator("select[name=kind]").select_option("branch")
    page.locator("select[name=unit_type]").select_option("community")
    page.locator("form.card button[type=submit]").click()

    expect(page.locator("h2.page-title")).to_contain_text("东风社区新建党支部")
    created = OrgUnit.unscoped.get(code="DF-NEW-01")
    assert page.url == live_server.url + reverse("orgs:orgunit_detail", args=[created.pk])
    assert created.path[: -OrgUnit.steplen] == community.path
    assert created.name == "东风社区新建党支部"
    assert list(
        AuditEntry.unscoped.filter(object_id=str(created.pk), action=AuditAction.CREATE).values_list(
            "actor__username", flat=True
        )
    ) == [browser_user.username]

    # The tree on the list page shows it under its community.
    page.goto(reverse("orgs:orgunit_list"))
    expand(page, street.name)
    expand(page, community.name)
    expect(tree_node(page, "东风社区新建党支部")).to_have_count(1)
    assert page.js_errors == []
