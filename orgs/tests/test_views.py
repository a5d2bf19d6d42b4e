"""Org pages: the generic view tests, plus move, dissolve, delete refusals and the tree navigator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, logged_in_client, user_with_role
from core.audit import snapshot
from core.models import AuditAction, AuditEntry
from core.testing.views import ObjectViewTests
from orgs.choices import OrgStatus
from orgs.models import OrgUnit
from orgs.services import EDITABLE_FIELDS
from orgs.tests.factories import OrgUnitFactory, make_chain, make_tree

pytestmark = pytest.mark.django_db


def form_fields(org: OrgUnit) -> dict[str, Any]:
    data = {name: getattr(org, name) for name in EDITABLE_FIELDS}
    return {name: "" if value is None else value for name, value in data.items()}


class TestOrgUnitViews(ObjectViewTests):
    model = OrgUnit

    def create_object(self, org: OrgUnit) -> OrgUnit:
        return OrgUnitFactory(parent=org)

    def add_url(self, org: OrgUnit) -> str:
        return f"{reverse('orgs:orgunit_add')}?parent={org.pk}"

    def form_data(self, org: OrgUnit) -> dict[str, Any]:
        return {
            "parent": org.code,
            "code": "NEW-001",
            "name": "新建党支部",
            "kind": "branch",
            "unit_type": "community",
            "established_how": "standalone",
            "established_on": "2024-07-01",
        }

    def edit_data(self, obj: OrgUnit) -> dict[str, Any]:
        return {**form_fields(obj), "name": "改名后的党支部", "secretary_name": "李四"}


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def worker(tree):
    return user_with_role(Role.PARTY_WORKER, tree.community_a)


@pytest.fixture
def admin(tree):
    return user_with_role(Role.ORG_DEPT_ADMIN, tree.street)


# -- add / edit --------------------------------------------------------------------------------------


def test_add_form_prefills_the_parent_code(tree, worker):
    response = logged_in_client(worker).get(reverse("orgs:orgunit_add"), {"parent": tree.branch_a1.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["parent"] == tree.branch_a1.code


def test_add_puts_the_new_org_under_the_parent(tree, worker):
    response = logged_in_client(worker).post(
        reverse("orgs:orgunit_add"),
        {
            "parent": tree.branch_a1.code,
            "code": "G-1",
            "name": "第一党小组",
            "kind": "party_group",
            "established_how": "standalone",
        },
    )
    org = OrgUnit.unscoped.get(code="G-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:orgunit_detail", args=[org.pk])
    assert OrgUnit.unscoped.get_parent(org) == tree.branch_a1
    entry = AuditEntry.unscoped.get(object_id=str(org.pk))
    assert (entry.action, entry.actor, entry.org_id) == (AuditAction.CREATE, worker, org.pk)


def test_duplicate_code_is_shown_beside_the_field(tree, worker):
    before = OrgUnit.unscoped.count()
    response = logged_in_client(worker).post(
        reverse("orgs:orgunit_add"),
        {
            "parent": tree.community_a.code,
            "code": tree.other_branch.code,
            "name": "重复",
            "kind": "branch",
            "established_how": "standalone",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert OrgUnit.unscoped.count() == before


def test_service_error_is_shown_on_its_field(tree, worker):
    """Adding under a dissolved org: the service refuses with field="parent"."""
    OrgUnit.unscoped.filter(pk=tree.branch_a2.pk).update(
        status=OrgStatus.DISSOLVED, dissolved_on=dt.date(2024, 1, 1)
    )
    before = OrgUnit.unscoped.count()
    response = logged_in_client(worker).post(
        reverse("orgs:orgunit_add"),
        {
            "parent": tree.branch_a2.code,
            "code": "X-1",
            "name": "新组",
            "kind": "party_group",
            "established_how": "standalone",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["不能在已撤销的党组织下新增组织。"]}
    assert OrgUnit.unscoped.count() == before


def test_non_superuser_must_pick_a_parent(worker):
    before = OrgUnit.unscoped.count()
    response = logged_in_client(worker).post(
        reverse("orgs:orgunit_add"),
        {"code": "R-1", "name": "根", "kind": "branch", "established_how": "standalone"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["请选择上级党组织。"]}
    assert OrgUnit.unscoped.count() == before


def test_superuser_may_add_a_root():
    response = logged_in_client(SuperUserFactory()).post(
        reverse("orgs:orgunit_add"),
        {"code": "R-1", "name": "新街道党工委", "kind": "street_committee", "established_how": "standalone"},
    )
    assert response.status_code == 302
    assert OrgUnit.unscoped.get(code="R-1").depth == 1


def test_edit_without_change_writes_no_audit_row(tree, worker):
    audits = AuditEntry.unscoped.count()
    response = logged_in_client(worker).post(
        reverse("orgs:orgunit_edit", args=[tree.branch_a1.pk]), form_fields(tree.branch_a1)
    )
    assert response.status_code == 302
    assert AuditEntry.unscoped.count() == audits


# -- move / dissolve / delete -----------------------------------------------------------------------


def test_move_under_a_new_parent(tree, admin):
    response = logged_in_client(admin).post(
        reverse("orgs:orgunit_move", args=[tree.branch_a1.pk]), {"parent": tree.community_b.code}
    )
    assert response.status_code == 302
    moved = OrgUnit.unscoped.get(pk=tree.branch_a1.pk)
    assert OrgUnit.unscoped.get_parent(moved) == tree.community_b
    assert AuditEntry.unscoped.filter(object_id=str(moved.pk), action=AuditAction.MOVE).count() == 1


def test_move_into_its_own_subtree_is_refused(tree, admin):
    paths = dict(OrgUnit.unscoped.values_list("pk", "path"))
    response = logged_in_client(admin).post(
        reverse("orgs:orgunit_move", args=[tree.community_a.pk]), {"parent": tree.branch_a1.code}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["不能把党组织移动到其自身或其下级组织之下。"]}
    assert dict(OrgUnit.unscoped.values_list("pk", "path")) == paths


def test_move_under_an_org_out_of_scope_is_refused(tree, admin):
    paths = dict(OrgUnit.unscoped.values_list("pk", "path"))
    response = logged_in_client(admin).post(
        reverse("orgs:orgunit_move", args=[tree.branch_a1.pk]), {"parent": tree.other_root.code}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["在您的管理范围内没有该代码的党组织。"]}
    assert dict(OrgUnit.unscoped.values_list("pk", "path")) == paths


def test_dissolve_dissolves_the_subtree(tree, admin):
    response = logged_in_client(admin).post(
        reverse("orgs:orgunit_dissolve", args=[tree.community_a.pk]), {"dissolved_on": "2025-03-01"}
    )
    assert response.status_code == 302
    statuses = dict(
        OrgUnit.unscoped.filter(
            pk__in=[tree.community_a.pk, tree.branch_a1.pk, tree.branch_b1.pk]
        ).values_list("pk", "status")
    )
    assert statuses == {
        tree.community_a.pk: OrgStatus.DISSOLVED,
        tree.branch_a1.pk: OrgStatus.DISSOLVED,
        tree.branch_b1.pk: OrgStatus.ACTIVE,
    }
    assert AuditEntry.unscoped.filter(action=AuditAction.DISSOLVE).count() == 3


def test_dissolve_needs_the_change_action(tree):
    secretary = user_with_role(Role.MEMBER_SELF, tree.community_a)
    response = logged_in_client(secretary).post(
        reverse("orgs:orgunit_dissolve", args=[tree.branch_a1.pk]), {"dissolved_on": "2025-03-01"}
    )
    assert response.status_code == 403
    assert OrgUnit.unscoped.get(pk=tree.branch_a1.pk).status == OrgStatus.ACTIVE


def test_delete_of_an_org_with_children_is_refused_on_the_page(tree, admin):
    before = snapshot(tree.community_a)
    client = logged_in_client(admin)
    page = client.get(reverse("orgs:orgunit_delete", args=[tree.community_a.pk]))
    assert page.context["delete_disabled"] is True
    response = client.post(reverse("orgs:orgunit_delete", args=[tree.community_a.pk]))
    assert response.status_code == 200
    assert response.context["error"] == "该党组织不能删除（有下级党组织），请改为撤销。"
    assert snapshot(OrgUnit.unscoped.get(pk=tree.community_a.pk)) == before


def test_worker_cannot_delete(tree, worker):
    response = logged_in_client(worker).post(reverse("orgs:orgunit_delete", args=[tree.branch_a1.pk]))
    assert response.status_code == 403
    assert OrgUnit.unscoped.filter(pk=tree.branch_a1.pk).exists()


# -- list, detail, export -----------------------------------------------------------------------------


def test_list_filters_by_kind_search_and_subtree(tree, admin):
    client = logged_in_client(admin)

    def names(**params: Any) -> list[str]:
        response = client.get(reverse("orgs:orgunit_list"), params)
        return [row["object"].name for row in response.context["rows"]]

    assert names(kind="community_committee") == ["东风社区党委", "西湖社区党委"]
    assert names(q="西湖") == ["西湖社区党委", "西湖社区党支部"]
    assert names(org=tree.community_a.pk) == ["东风社区党委", "东风社区第一党支部", "东风社区第二党支部"]
    assert names(org=tree.community_a.pk, sort="-name") == [
        "东风社区第二党支部",
        "东风社区第一党支部",
        "东风社区党委",
    ]


def test_list_ignores_a_sort_column_not_whitelisted(tree, admin):
    client = logged_in_client(admin)
    OrgUnit.unscoped.filter(pk=tree.street.pk).update(contact_phone="010-1")

    response = client.get(reverse("orgs:orgunit_list"), {"sort": "contact_phone"})

    assert response.status_code == 200
    assert [row["object"].pk for row in response.context["rows"]] == list(
        OrgUnit.unscoped.filter(path__startswith=tree.street.path)
        .order_by("path")
        .values_list("pk", flat=True)
    )


def test_list_shows_parent_names(tree, worker):
    response = logged_in_client(worker).get(reverse("orgs:orgunit_list"))
    parents = {row["object"].name: row["cells"][4]["value"] for row in response.context["rows"]}
    # the granted org's own parent is out of scope and stays blank
    assert parents == {
        "东风社区党委": "—",
        "东风社区第一党支部": "东风社区党委",
        "东风社区第二党支部": "东风社区党委",
    }


def test_detail_shows_in_scope_ancestors_children_and_history(tree, worker):
    response = logged_in_client(worker).get(reverse("orgs:orgunit_detail", args=[tree.branch_a1.pk]))
    assert response.status_code == 200
    assert response.context["ancestors"] == [tree.community_a]
    assert [label for label, _url in response.context["breadcrumbs"]] == [
        "党组织",
        "东风社区党委",
        "东风社区第一党支部",
    ]
    community = logged_in_client(worker).get(reverse("orgs:orgunit_detail", args=[tree.community_a.pk]))
    assert community.context["children"] == [tree.branch_a1, tree.branch_a2]


def test_detail_history_lists_the_changes(tree, worker):
    client = logged_in_client(worker)
    client.post(
        reverse("orgs:orgunit_edit", args=[tree.branch_a1.pk]),
        {**form_fields(tree.branch_a1), "secretary_name": "王五"},
    )
    response = client.get(reverse("orgs:orgunit_detail", args=[tree.branch_a1.pk]))
    [(entry, changes)] = response.context["history"]
    assert entry.action == AuditAction.UPDATE
    assert changes == [("书记", "", "王五")]
    assert "王五" in response.content.decode()


def test_export_url_exports_the_filtered_subtree(tree, admin):
    import io

    import openpyxl

    response = logged_in_client(admin).get(reverse("orgs:orgunit_export"), {"org": tree.community_b.pk})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "组织代码", "类别", "单位类型")
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("西湖社区党委", "社区党委", "东城街道党工委"),
        ("西湖社区党支部", "党支部", "西湖社区党委"),
    ]


# -- tree navigator ---------------------------------------------------------------------------------------


def tree_json(client: Client, name: str, **params: Any) -> Any:
    response = client.get(reverse(f"orgs:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_tree_roots_are_the_granted_orgs(tree, worker):
    data = tree_json(logged_in_client(worker), "tree_children")
    assert [(n["name"], n["has_children"]) for n in data["nodes"]] == [("东风社区党委", True)]


def test_tree_roots_of_a_superuser_are_the_tree_roots(tree):
    data = tree_json(logged_in_client(SuperUserFactory()), "tree_children")
    assert [n["name"] for n in data["nodes"]] == ["东城街道党工委", "南山镇党委"]


def test_tree_children_are_one_level(tree, admin):
    data = tree_json(logged_in_client(admin), "tree_children", parent=tree.community_a.pk)
    assert [(n["name"], n["has_children"]) for n in data["nodes"]] == [
        ("东风社区第一党支部", False),
        ("东风社区第二党支部", False),
    ]


def test_tree_children_out_of_scope_is_404(tree, worker):
    response = logged_in_client(worker).get(reverse("orgs:tree_children"), {"parent": tree.community_b.pk})
    assert response.status_code == 404
    assert response.json()["nodes"] == []


def test_tree_without_permission_is_403(tree):
    from accounts.tests.factories import UserFactory

    client = logged_in_client(UserFactory())
    assert client.get(reverse("orgs:tree_children")).status_code == 403
    assert client.get(reverse("orgs:tree_search"), {"q": "社区"}).status_code == 403


def test_tree_opens_down_to_the_selected_org(tree, admin):
    data = tree_json(logged_in_client(admin), "tree_children", selected=tree.branch_a1.pk)
    assert [n["name"] for n in data["nodes"]] == ["东城街道党工委"]
    assert {int(k): [n["name"] for n in v] for k, v in data["expanded"].items()} == {
        tree.street.pk: ["东风社区党委", "西湖社区党委"],
        tree.community_a.pk: ["东风社区第一党支部", "东风社区第二党支部"],
    }


def test_tree_search_gives_the_path_within_scope(tree, worker):
    data = tree_json(logged_in_client(worker), "tree_search", q="第二")
    assert [(r["name"], r["ancestors"]) for r in data["results"]] == [
        ("东风社区第二党支部", ["东风社区党委"])
    ]
    assert tree_json(logged_in_client(worker), "tree_search", q="西湖")["results"] == []


def test_tree_search_by_code_prefix(tree, admin):
    data = tree_json(logged_in_client(admin), "tree_search", q=tree.branch_b1.code)
    assert [r["name"] for r in data["results"]] == ["西湖社区党支部"]


def count_queries(client: Client, name: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(f"orgs:{name}"), params).status_code == 200
    return len(captured)


def test_tree_queries_do_not_grow_with_the_tree(tree, admin):
    client = logged_in_client(admin)
    client.get(reverse("orgs:tree_children"))  # warm the session
    small = (
        count_queries(client, "tree_children", parent=tree.street.pk),
        count_queries(client, "tree_children", selected=tree.branch_a1.pk),
        count_queries(client, "tree_search", q="党"),
    )
    deep = make_chain(6, parent=tree.branch_a1)
    for org in [tree.street, tree.community_a, *deep]:
        OrgUnitFactory.create_batch(3, parent=OrgUnit.unscoped.get(pk=org.pk))
    large = (
        count_queries(client, "tree_children", parent=tree.street.pk),
        count_queries(client, "tree_children", selected=deep[-1].pk),
        count_queries(client, "tree_search", q="党"),
    )
    assert large == small
