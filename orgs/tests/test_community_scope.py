"""A user granted one community sees that subtree only: in lists, the tree, the API and the audit log.

The generic org view and API tests run again with the out-of-scope org in the sibling community
(same street) instead of another street; the tree navigator and the audit log are checked with
data present in both communities.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, logged_in_client, user_with_role
from core.testing.api import APIClient
from orgs import services
from orgs.models import OrgUnit
from orgs.tests import test_api, test_views
from orgs.tests.factories import OrgUnitFactory, Tree, make_tree

pytestmark = pytest.mark.django_db


class TestOrgUnitViewsInACommunity(test_views.TestOrgUnitViews):
    other = "community_b"


class TestOrgAPIInACommunity(test_api.TestOrgAPI):
    def make_orgs(self) -> tuple[OrgUnit, OrgUnit]:
        tree = make_tree()
        return tree.community_a, tree.community_b


@pytest.fixture
def tree() -> Tree:
    tree = make_tree()
    # a second level in both communities, and a same-named org in each, so searches hit both
    for community in (tree.community_a, tree.community_b):
        OrgUnitFactory(
            parent=OrgUnit.unscoped.get(pk=community.pk), name="党员活动小组", code=f"G{community.pk}"
        )
    tree.refresh()
    return tree


@pytest.fixture
def worker(tree: Tree) -> Any:
    return user_with_role(Role.PARTY_WORKER, tree.community_a)


def subtree_ids(org: OrgUnit) -> set[int]:
    return set(OrgUnit.unscoped.filter(path__startswith=org.path).values_list("pk", flat=True))


def tree_json(client: Client, name: str, **params: Any) -> Any:
    response = client.get(reverse(f"orgs:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()


def walk_tree(client: Client) -> set[int]:
    """Every org the navigator shows, opening every node that has children."""
    seen: set[int] = set()
    todo = list(tree_json(client, "tree_children")["nodes"])
    while todo:
        node = todo.pop()
        seen.add(node["id"])
        if node["has_children"]:
            todo += tree_json(client, "tree_children", parent=node["id"])["nodes"]
    return seen


def test_the_tree_shows_exactly_the_community(tree: Tree, worker: Any) -> None:
    assert walk_tree(logged_in_client(worker)) == subtree_ids(tree.community_a)


def test_the_tree_opened_at_an_org_of_another_community_shows_only_the_community(
    tree: Tree, worker: Any
) -> None:
    client = logged_in_client(worker)

    data = tree_json(client, "tree_children", selected=tree.branch_b1.pk)
    parent = client.get(reverse("orgs:tree_children"), {"parent": tree.community_b.pk})
    street = client.get(reverse("orgs:tree_children"), {"parent": tree.street.pk})

    assert [n["id"] for n in data["nodes"]] == [tree.community_a.pk]
    assert "selected" not in data and "expanded" not in data
    assert (parent.status_code, parent.json()["nodes"]) == (404, [])
    assert (street.status_code, street.json()["nodes"]) == (404, [])


@pytest.mark.parametrize("q", ["党", "社区", "党员活动小组", "T", "G"])
def test_tree_search_finds_only_orgs_of_the_community(tree: Tree, worker: Any, q: str) -> None:
    results = tree_json(logged_in_client(worker), "tree_search", q=q)["results"]

    ids = {r["id"] for r in results}
    expected = {
        org.pk
        for org in OrgUnit.unscoped.filter(path__startswith=tree.community_a.path)
        if q in org.name or org.code.startswith(q)
    }
    assert ids == expected
    assert expected
    # ancestors are named only within the community
    assert {name for r in results for name in r["ancestors"]} <= {tree.community_a.name}


def test_the_superuser_search_does_find_both(tree: Tree) -> None:
    results = tree_json(logged_in_client(SuperUserFactory()), "tree_search", q="党员活动小组")["results"]
    assert [r["ancestors"] for r in results] == [
        [tree.street.name, tree.community_a.name],
        [tree.street.name, tree.community_b.name],
    ]


def test_an_org_of_another_community_is_404_in_the_ui_and_the_api(tree: Tree, worker: Any) -> None:
    client = logged_in_client(worker)
    api = APIClient(worker)
    for org in (tree.community_b, tree.branch_b1, tree.street):
        for name in ("orgs:orgunit_detail", "orgs:orgunit_edit"):
            assert client.get(reverse(name, args=[org.pk])).status_code == 404, (name, org.name)
        assert api.get(f"/api/v1/orgs/{org.pk}").status_code == 404, org.name
        assert api.get(f"/api/v1/orgs/{org.pk}/children").status_code == 404, org.name
    assert client.get(reverse("orgs:orgunit_detail", args=[tree.branch_a1.pk])).status_code == 200
    assert api.get(f"/api/v1/orgs/{tree.branch_a1.pk}").status_code == 200


def test_the_org_list_and_api_list_show_exactly_the_community(tree: Tree, worker: Any) -> None:
    page = logged_in_client(worker).get(reverse("orgs:orgunit_list"), {"per_page": 200})
    api = APIClient(worker).get("/api/v1/orgs/", {"limit": 1000}).json()

    assert {row["object"].pk for row in page.context["rows"]} == subtree_ids(tree.community_a)
    assert {item["id"] for item in api["items"]} == subtree_ids(tree.community_a)


def test_the_audit_log_shows_only_entries_of_the_community(tree: Tree, worker: Any) -> None:
    admin = SuperUserFactory()
    for org in (tree.community_a, tree.branch_a1, tree.community_b, tree.branch_b1, tree.other_branch):
        services.update_org(actor=admin, org=org, secretary_name=f"书记{org.pk}")
    client = logged_in_client(worker)

    everything = client.get(reverse("core:audit_list"), {"per_page": 200})
    narrowed = client.get(reverse("core:audit_list"), {"org": tree.community_b.pk, "per_page": 200})
    exported = client.get(reverse("core:audit_list"), {"export": "xlsx", "org": tree.community_b.pk})

    shown = [row["object"].org_id for row in everything.context["rows"]]
    assert sorted(shown) == sorted([tree.community_a.pk, tree.branch_a1.pk])
    assert [row["object"].org_id for row in narrowed.context["rows"]] == shown  # foreign ?org= ignored
    assert exported.status_code == 200
    assert tree.community_b.name not in b"".join(exported.streaming_content).decode(errors="replace")
