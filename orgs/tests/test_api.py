from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.roles import Role
from core.models import AuditEntry
from core.testing.api import APIClient, APITests, Scope, make_user
from orgs.choices import OrgKind, OrgStatus, UnitType
from orgs.models import OrgUnit
from orgs.tests.factories import OrgUnitFactory, Tree, make_tree


class TestOrgAPI(APITests):
    model = OrgUnit
    list_url = "/api/v1/orgs/"
    detail_url = "/api/v1/orgs/{pk}"

    def make_orgs(self) -> tuple[OrgUnit, OrgUnit]:
        tree = make_tree()
        return tree.street, tree.other_root

    def make_object(self, org: OrgUnit) -> OrgUnit:
        return OrgUnitFactory(parent=org)

    def create_payload(self, org: OrgUnit) -> dict[str, Any]:
        return {"code": "NEW-1", "name": "新建党支部", "kind": "branch", "parent": org.pk}

    def update_payload(self, obj: OrgUnit) -> dict[str, Any]:
        return {"name": "更名后的党支部", "secretary_name": "张三"}

    def list_endpoints(self, scope: Scope) -> dict[str, str]:
        return {
            "list": self.list_url,
            "filtered": f"{self.list_url}?kind=branch&q=党&ancestor={scope.inside.pk}",
            "children": f"/api/v1/orgs/{scope.inside.pk}/children",
            "subtree": f"/api/v1/orgs/{scope.inside.pk}/subtree",
        }


@pytest.fixture
def tree(db) -> Tree:
    return make_tree()


@pytest.fixture
def admin(tree) -> APIClient:
    return APIClient(make_user(Role.ORG_DEPT_ADMIN, tree.street))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# -- reads -----------------------------------------------------------------------------------------


def test_detail_shows_every_field(tree, admin):
    response = admin.get(f"/api/v1/orgs/{tree.community_a.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": tree.community_a.pk,
        "code": tree.community_a.code,
        "name": "东风社区党委",
        "short_name": "",
        "kind": "community_committee",
        "unit_type": "community",
        "established_how": "standalone",
        "units_covered": "",
        "established_on": None,
        "establishment_doc": "",
        "status": "active",
        "dissolved_on": None,
        "secretary_name": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
        "parent": tree.street.pk,
        "depth": 2,
        "child_count": 2,
    }
    assert '"name": "东风社区党委"' in response.content.decode()  # UTF-8, not \\u escapes


def test_root_has_no_parent_and_blank_unit_type_is_null(tree, admin):
    OrgUnit.unscoped.filter(pk=tree.street.pk).update(unit_type="")

    body = admin.get(f"/api/v1/orgs/{tree.street.pk}").json()

    assert (body["parent"], body["unit_type"], body["depth"]) == (None, None, 1)


def test_list_is_in_tree_order(tree, admin):
    response = admin.get("/api/v1/orgs/")

    assert ids(response) == [
        tree.street.pk,
        tree.community_a.pk,
        tree.branch_a1.pk,
        tree.branch_a2.pk,
        tree.community_b.pk,
        tree.branch_b1.pk,
    ]


def test_list_for_a_branch_secretary_shows_only_the_branch(tree):
    client = APIClient(make_user(Role.BRANCH_SECRETARY, tree.branch_a1))

    assert ids(client.get("/api/v1/orgs/")) == [tree.branch_a1.pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "community_committee"}, ["community_a", "community_b"]),
        ({"kind": "branch", "q": "东风"}, ["branch_a1", "branch_a2"]),
        ({"q": "第二"}, ["branch_a2"]),
        ({"unit_type": "street"}, ["street"]),
        ({"status": "dissolved"}, []),
    ],
)
def test_list_filters(tree, admin, params, expected):
    assert ids(admin.get("/api/v1/orgs/", params)) == [getattr(tree, name).pk for name in expected]


def test_list_filter_by_code(tree, admin):
    assert ids(admin.get("/api/v1/orgs/", {"q": tree.branch_b1.code})) == [tree.branch_b1.pk]


def test_list_ancestor_gives_the_subtree_including_the_ancestor(tree, admin):
    response = admin.get("/api/v1/orgs/", {"ancestor": tree.community_a.pk})

    assert ids(response) == [tree.community_a.pk, tree.branch_a1.pk, tree.branch_a2.pk]


def test_list_ancestor_out_of_scope_matches_nothing(tree, admin):
    response = admin.get("/api/v1/orgs/", {"ancestor": tree.other_root.pk})

    assert response.json() == {"count": 0, "items": []}


def test_list_status_filter_after_dissolution(tree, admin):
    OrgUnit.unscoped.filter(pk=tree.branch_b1.pk).update(
        status=OrgStatus.DISSOLVED, dissolved_on=dt.date(2024, 1, 1)
    )

    assert ids(admin.get("/api/v1/orgs/", {"status": "dissolved"})) == [tree.branch_b1.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "club"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
        ({"ancestor": "x"}, "ancestor"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_list_rejects_bad_query_parameters(tree, admin, params, field):
    response = admin.get("/api/v1/orgs/", params)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid", field)


def test_list_default_page_size_is_50(tree, admin):
    for _ in range(50):
        OrgUnitFactory(parent=tree.branch_b1)

    body = admin.get("/api/v1/orgs/").json()

    assert (body["count"], len(body["items"])) == (56, 50)


def test_children_are_direct_children_only(tree, admin):
    response = admin.get(f"/api/v1/orgs/{tree.street.pk}/children")

    assert ids(response) == [tree.community_a.pk, tree.community_b.pk]


def test_subtree_includes_the_org_and_is_paged(tree, admin):
    response = admin.get(f"/api/v1/orgs/{tree.community_a.pk}/subtree", {"limit": 2, "offset": 1})

    assert response.json()["count"] == 3
    assert ids(response) == [tree.branch_a1.pk, tree.branch_a2.pk]


@pytest.mark.parametrize("suffix", ["", "/children", "/subtree"])
def test_tree_reads_out_of_scope_are_not_found(tree, admin, suffix):
    response = admin.get(f"/api/v1/orgs/{tree.other_root.pk}{suffix}")

    assert response.status_code == 404
    assert (response.json()["code"], response.json()["field"]) == ("not_found", None)


def test_unknown_id_is_not_found(tree, admin):
    assert admin.get("/api/v1/orgs/999999").status_code == 404


def test_bad_token_is_unauthenticated(tree):
    response = APIClient().client.get("/api/v1/orgs/", HTTP_AUTHORIZATION="Bearer nonsense")

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Authentication required.",
        "field": None,
    }


def test_session_login_works_for_reads(tree, client):
    client.force_login(make_user(Role.AUDITOR, tree.community_b))

    assert ids(client.get("/api/v1/orgs/")) == [tree.community_b.pk, tree.branch_b1.pk]


# -- create ------------------------------------------------------------------------------------------


def test_create_with_every_field(tree, admin):
    payload = {
        "code": "J-001",
        "name": "东风社区联合党支部",
        "kind": "joint_branch",
        "parent": tree.community_a.pk,
        "short_name": "联合支部",
        "unit_type": "non_public_enterprise",
        "established_how": "joint",
        "units_covered": "甲公司\n乙公司",
        "established_on": "2020-07-01",
        "establishment_doc": "东组〔2020〕1号",
        "secretary_name": "李四",
        "contact_name": "王五",
        "contact_phone": "010-12345678",
        "address": "东风路1号",
    }

    response = admin.send("post", "/api/v1/orgs/", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    org = OrgUnit.unscoped.get(code="J-001")
    assert body == {
        **payload,
        "id": org.pk,
        "status": "active",
        "dissolved_on": None,
        "depth": 3,
        "child_count": 0,
    }
    assert org.path.startswith(tree.community_a.path)
    assert org.created_by == admin.user


def test_create_duplicate_code_is_a_bad_request(tree, admin):
    before = OrgUnit.unscoped.count()

    response = admin.send(
        "post",
        "/api/v1/orgs/",
        {"code": tree.branch_a1.code, "name": "重复", "kind": "branch", "parent": tree.street.pk},
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "code")
    assert OrgUnit.unscoped.count() == before


def test_create_under_dissolved_parent_is_refused(tree, admin):
    OrgUnit.unscoped.filter(pk=tree.branch_b1.pk).update(status="dissolved", dissolved_on=dt.date(2024, 1, 1))
    before = (OrgUnit.unscoped.count(), AuditEntry.unscoped.count())

    response = admin.send(
        "post",
        "/api/v1/orgs/",
        {"code": "X", "name": "X", "kind": "party_group", "parent": tree.branch_b1.pk},
    )

    assert response.status_code == 400
    assert response.json()["field"] == "parent"
    assert (OrgUnit.unscoped.count(), AuditEntry.unscoped.count()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "club"}, "kind"),
        ({"code": ""}, "code"),
        ({"code": "x" * 33}, "code"),
        ({"name": "a\x00b"}, "name"),
        ({"unit_type": "castle"}, "unit_type"),
        ({"established_on": "2020-02-30"}, "established_on"),
        ({"parent": 0}, "parent"),
        ({"parent": 2**63}, "parent"),
    ],
)
def test_create_rejects_invalid_input(tree, admin, change, field):
    before = OrgUnit.unscoped.count()
    payload = {"code": "OK-1", "name": "好", "kind": "branch", "parent": tree.street.pk, **change}

    response = admin.send("post", "/api/v1/orgs/", payload)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)
    assert OrgUnit.unscoped.count() == before


def test_create_root_needs_a_system_administrator(tree, admin):
    before = OrgUnit.unscoped.count()

    response = admin.send("post", "/api/v1/orgs/", {"code": "R", "name": "根", "kind": "town_committee"})

    assert response.status_code == 403
    assert OrgUnit.unscoped.count() == before


def test_superuser_creates_a_root(tree):
    superuser = make_user()
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])

    response = APIClient(superuser).send(
        "post", "/api/v1/orgs/", {"code": "R", "name": "根", "kind": "town_committee", "unit_type": "town"}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["parent"], response.json()["depth"]) == (None, 1)


def test_session_writes_need_the_csrf_token(tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ORG_DEPT_ADMIN, tree.street))
    before = OrgUnit.unscoped.count()

    response = client.post(
        "/api/v1/orgs/",
        {"code": "C", "name": "C", "kind": "branch", "parent": tree.street.pk},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert OrgUnit.unscoped.count() == before


# -- update, move, dissolve ---------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(tree, admin):
    response = admin.send(
        "patch", f"/api/v1/orgs/{tree.branch_a1.pk}", {"contact_phone": "13800000000", "unit_type": None}
    )

    assert response.status_code == 200, response.content
    tree.branch_a1.refresh_from_db()
    assert (tree.branch_a1.name, tree.branch_a1.contact_phone, tree.branch_a1.unit_type) == (
        "东风社区第一党支部",
        "13800000000",
        "",
    )
    entry = AuditEntry.unscoped.get(object_id=str(tree.branch_a1.pk), action="update")
    assert entry.changes == {"contact_phone": ["", "13800000000"], "unit_type": ["community", ""]}


def test_patch_rejects_null_for_a_required_field(tree, admin):
    response = admin.send("patch", f"/api/v1/orgs/{tree.branch_a1.pk}", {"name": None})

    assert response.status_code == 422
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.name == "东风社区第一党支部"


def test_patch_cannot_move(tree, admin):
    response = admin.send("patch", f"/api/v1/orgs/{tree.branch_a1.pk}", {"parent": tree.community_b.pk})

    assert response.status_code == 200
    assert response.json()["parent"] == tree.community_a.pk


def test_move_moves_the_subtree(tree, admin):
    response = admin.send("post", f"/api/v1/orgs/{tree.community_b.pk}/move", {"parent": tree.community_a.pk})

    assert response.status_code == 200, response.content
    assert (response.json()["parent"], response.json()["depth"]) == (tree.community_a.pk, 3)
    assert ids(admin.get(f"/api/v1/orgs/{tree.community_a.pk}/children")) == [
        tree.branch_a1.pk,
        tree.branch_a2.pk,
        tree.community_b.pk,
    ]
    assert AuditEntry.unscoped.filter(action="move", object_id=str(tree.community_b.pk)).count() == 1


def test_move_under_own_subtree_is_refused(tree, admin):
    path = OrgUnit.unscoped.get(pk=tree.community_a.pk).path

    response = admin.send("post", f"/api/v1/orgs/{tree.community_a.pk}/move", {"parent": tree.branch_a1.pk})

    assert response.status_code == 400
    assert response.json()["field"] == "parent"
    assert OrgUnit.unscoped.get(pk=tree.community_a.pk).path == path


def test_move_out_of_scope_parent_is_not_found(tree, admin):
    path = OrgUnit.unscoped.get(pk=tree.branch_a1.pk).path

    response = admin.send("post", f"/api/v1/orgs/{tree.branch_a1.pk}/move", {"parent": tree.other_root.pk})

    assert response.status_code == 404
    assert response.json()["field"] == "parent"
    assert OrgUnit.unscoped.get(pk=tree.branch_a1.pk).path == path


def test_move_by_view_only_role_is_forbidden(tree):
    client = APIClient(make_user(Role.AUDITOR, tree.street))
    path = OrgUnit.unscoped.get(pk=tree.branch_a1.pk).path

    response = client.send("post", f"/api/v1/orgs/{tree.branch_a1.pk}/move", {"parent": tree.community_b.pk})

    assert response.status_code == 403
    assert OrgUnit.unscoped.get(pk=tree.branch_a1.pk).path == path


def test_dissolve_dissolves_the_subtree(tree, admin):
    response = admin.send(
        "post", f"/api/v1/orgs/{tree.community_a.pk}/dissolve", {"dissolved_on": "2025-06-30"}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["dissolved_on"]) == ("dissolved", "2025-06-30")
    dissolved = OrgUnit.unscoped.filter(status="dissolved").order_by("path")
    assert list(dissolved) == [tree.community_a, tree.branch_a1, tree.branch_a2]
    assert AuditEntry.unscoped.filter(action="dissolve").count() == 3


def test_dissolve_twice_is_a_bad_request(tree, admin):
    admin.send("post", f"/api/v1/orgs/{tree.branch_a1.pk}/dissolve", {"dissolved_on": "2025-06-30"})
    audits = AuditEntry.unscoped.count()

    response = admin.send(
        "post", f"/api/v1/orgs/{tree.branch_a1.pk}/dissolve", {"dissolved_on": "2025-07-01"}
    )

    assert response.status_code == 400
    assert AuditEntry.unscoped.count() == audits
    assert OrgUnit.unscoped.get(pk=tree.branch_a1.pk).dissolved_on == dt.date(2025, 6, 30)


def test_dissolve_before_establishment_is_refused(tree, admin):
    OrgUnit.unscoped.filter(pk=tree.branch_a1.pk).update(established_on=dt.date(2020, 1, 1))

    response = admin.send(
        "post", f"/api/v1/orgs/{tree.branch_a1.pk}/dissolve", {"dissolved_on": "2019-12-31"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "dissolved_on"
    assert OrgUnit.unscoped.get(pk=tree.branch_a1.pk).status == OrgStatus.ACTIVE


def test_dissolve_out_of_scope_is_not_found(tree, admin):
    response = admin.send(
        "post", f"/api/v1/orgs/{tree.other_branch.pk}/dissolve", {"dissolved_on": "2025-06-30"}
    )

    assert response.status_code == 404
    assert OrgUnit.unscoped.get(pk=tree.other_branch.pk).status == OrgStatus.ACTIVE


# -- schema -----------------------------------------------------------------------------------------------


def test_openapi_lists_choices_as_enums(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    components = schema["components"]["schemas"]
    assert components["OrgKind"]["enum"] == list(OrgKind.values)
    assert components["UnitType"]["enum"] == list(UnitType.values)
    assert set(schema["paths"]) == {
        "/api/v1/orgs/",
        "/api/v1/orgs/{org_id}",
        "/api/v1/orgs/{org_id}/move",
        "/api/v1/orgs/{org_id}/dissolve",
        "/api/v1/orgs/{org_id}/children",
        "/api/v1/orgs/{org_id}/health",
        "/api/v1/orgs/{org_id}/subtree",
    } | {p for p in schema["paths"] if not p.startswith("/api/v1/orgs/")}
