"""Member API: generic scope/permission tests plus filters, masking, reveal and validation errors."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from core.models import AuditAction, AuditEntry
from core.testing.api import APIClient, APITests, make_user
from members.models import Member
from members.tests.factories import MemberFactory, make_id_number
from orgs.choices import BRANCH_KINDS
from orgs.models import OrgUnit
from orgs.tests.factories import make_tree

_seq = itertools.count(1)


def branch_in(org):
    """The first branch in ``org``'s subtree (members are held by branches)."""
    return OrgUnit.unscoped.filter(path__startswith=org.path, kind__in=BRANCH_KINDS).order_by("path").first()


class TestMemberAPI(APITests):
    model = Member
    list_url = "/api/v1/members/"
    detail_url = "/api/v1/members/{pk}"

    def make_orgs(self):
        tree = make_tree()
        return tree.street, tree.other_root

    def make_object(self, org):
        return MemberFactory(org=branch_in(org))

    def create_payload(self, org):
        return {
            "org": branch_in(org).pk,
            "name": "王小明",
            "id_number": make_id_number(dt.date(1980, 3, 3), 900 + next(_seq)),
            "education": "21",
            "joined_on": "2005-07-01",
            "confirmed_on": "2006-07-01",
        }

    def update_payload(self, obj):
        return {"work_unit": "区人民医院"}


pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def worker(tree):
    return make_user("party_worker", tree.street)


@pytest.fixture
def zhang(tree):
    return MemberFactory(
        org=tree.branch_a1,
        name="张三",
        id_number="360426199101010071",
        birth_date=dt.date(1991, 1, 1),
        phone="13812345678",
    )


def test_list_filters_and_masks(tree, worker, zhang):
    MemberFactory(org=tree.branch_b1, name="李四")
    client = APIClient(worker)

    body = client.get("/api/v1/members/", {"q": "zs"}).json()

    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["id_number"], item["phone"], item["org_name"]) == (
        "张三",
        "360426********0071",
        "138****5678",
        "东风社区第一党支部",
    )
    assert client.get("/api/v1/members/", {"org": tree.community_b.pk}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"age_max": 40}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"org": tree.other_root.pk}).status_code == 404


def test_reveal_needs_view_personal_and_is_audited(tree, worker, zhang):
    secretary = make_user("branch_secretary", tree.street)

    plain = APIClient(worker).get(f"/api/v1/members/{zhang.pk}", {"reveal": "id_number,phone"})
    revealed = APIClient(worker).send(
        "post", f"/api/v1/members/{zhang.pk}/reveal", {"fields": ["id_number", "phone"]}
    )
    refused = APIClient(secretary).send(
        "post", f"/api/v1/members/{zhang.pk}/reveal", {"fields": ["id_number"]}
    )

    assert plain.status_code == 200
    assert (plain.json()["id_number"], plain.json()["phone"]) == ("360426********0071", "138****5678")
    assert revealed.status_code == 200
    assert (revealed.json()["id_number"], revealed.json()["phone"]) == ("360426199101010071", "13812345678")
    assert refused.status_code == 403
    entries = AuditEntry.unscoped.filter(action=AuditAction.VIEW_PERSONAL).order_by("id")
    assert [(e.actor_id, e.changes) for e in entries] == [
        (worker.pk, {"field": "id_number"}),
        (worker.pk, {"field": "phone"}),
    ]


def test_create_invalid_is_refused_with_field(tree, worker):
    response = APIClient(worker).send(
        "post",
        "/api/v1/members/",
        {"org": tree.branch_a1.pk, "name": "王五", "id_number": "360426199101010072"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "身份证号码的校验位不正确。",
        "field": "id_number",
    }
    assert Member.unscoped.count() == 0


def test_create_duplicate_elsewhere_needs_transfer(tree, worker, zhang):
    response = APIClient(worker).send(
        "post",
        "/api/v1/members/",
        {"org": tree.branch_b1.pk, "name": "张三", "id_number": "360426199101010071"},
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("needs_transfer", "id_number")
    assert list(Member.unscoped.values_list("org_id", flat=True)) == [tree.branch_a1.pk]
