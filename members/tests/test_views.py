"""Member pages: scope (404 outside), permissions (403), masking, reveal audited, forms, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.roles import Role
from accounts.tests.factories import UserFactory, user_with_role
from core.models import AuditAction, AuditEntry
from members.models import Member
from members.tests.factories import MemberFactory
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def worker(tree):
    return user_with_role(Role.PARTY_WORKER, tree.street)


@pytest.fixture
def secretary(tree):
    return user_with_role(Role.BRANCH_SECRETARY, tree.street)


@pytest.fixture
def members(tree):
    return {
        "zhang": MemberFactory(
            org=tree.branch_a1,
            name="张三",
            id_number="360426199101010071",
            birth_date=dt.date(1991, 1, 1),
            phone="13812345678",
            is_mobile=True,
        ),
        "zeng": MemberFactory(org=tree.branch_b1, name="曾红", gender="F", birth_date=dt.date(1950, 5, 5)),
        "outside": MemberFactory(org=tree.other_branch, name="张外"),
    }


def names(response):
    return [row["object"].name for row in response.context["rows"]]


def test_list_shows_only_the_subtree_masked(client, worker, members):
    client.force_login(worker)

    response = client.get(reverse("members:member_list"))

    assert response.status_code == 200
    assert sorted(names(response)) == ["张三", "曾红"]
    html = response.content.decode()
    assert "360426********0071" in html
    assert "138****5678" in html
    assert "360426199101010071" not in html
    assert "13812345678" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "zs"}, ["张三"]),
        ({"q": "zhang"}, ["张三"]),
        ({"q": "zengh"}, ["曾红"]),
        ({"q": "0071"}, ["张三"]),
        ({"q": "360426199101010071"}, ["张三"]),
        ({"q": "张"}, ["张三"]),
        ({"q": "071"}, ["张三"]),
        ({"flag": "is_mobile"}, ["张三"]),
        ({"gender": "F"}, ["曾红"]),
        ({"age_min": "70"}, ["曾红"]),
        ({"age_max": "40"}, ["张三"]),
    ],
)
def test_list_filters(client, worker, members, params, expected):
    client.force_login(worker)

    response = client.get(reverse("members:member_list"), params)

    assert names(response) == expected


def test_list_subtree_filter(client, worker, members, tree):
    client.force_login(worker)

    response = client.get(reverse("members:member_list"), {"org": tree.community_b.pk})

    assert names(response) == ["曾红"]


def test_list_without_role_is_forbidden(client, members):
    client.force_login(UserFactory())

    assert client.get(reverse("members:member_list")).status_code == 403


def test_detail_in_scope_and_out_of_scope(client, worker, members):
    client.force_login(worker)

    ok = client.get(reverse("members:member_detail", args=[members["zhang"].pk]))
    missing = client.get(reverse("members:member_detail", args=[members["outside"].pk]))

    assert ok.status_code == 200
    assert "360426********0071" in ok.content.decode()
    assert "360426199101010071" not in ok.content.decode()
    assert missing.status_code == 404


def test_reveal_is_audited(client, worker, members):
    client.force_login(worker)
    member = members["zhang"]

    response = client.post(reverse("members:member_reveal", args=[member.pk, "id_number"]))

    assert response.status_code == 200
    assert "360426199101010071" in response.content.decode()
    entry = AuditEntry.unscoped.get(action=AuditAction.VIEW_PERSONAL)
    assert (entry.actor, entry.object_id, entry.changes) == (worker, str(member.pk), {"field": "id_number"})


def test_reveal_without_view_personal_is_forbidden(client, secretary, members):
    client.force_login(secretary)

    detail = client.get(reverse("members:member_detail", args=[members["zhang"].pk]))
    response = client.post(reverse("members:member_reveal", args=[members["zhang"].pk, "id_number"]))

    assert 'id="reveal-id-number"' not in detail.content.decode()
    assert response.status_code == 403
    assert AuditEntry.unscoped.count() == 0


def test_reveal_out_of_scope_is_not_found(client, worker, members):
    client.force_login(worker)

    response = client.post(reverse("members:member_reveal", args=[members["outside"].pk, "id_number"]))

    assert response.status_code == 404
    assert AuditEntry.unscoped.count() == 0


def form_data(org, **overrides):
    data = {
        "org": org.pk,
        "name": "李四",
        "id_number": "11010519491231002X",
        "ethnicity": "01",
        "education": "21",
        "degree": "",
        "category": "full",
        "status": "normal",
        "joined_on": "1975-07-01",
        "confirmed_on": "1976-07-01",
        "phone": "13900001111",
    }
    data.update(overrides)
    return data


def test_add_member(client, worker, tree):
    client.force_login(worker)

    response = client.post(reverse("members:member_add"), form_data(tree.branch_a2))

    member = Member.unscoped.get(name="李四")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_detail", args=[member.pk])
    assert (member.org, member.gender, member.birth_date) == (tree.branch_a2, "F", dt.date(1949, 12, 31))
    assert AuditEntry.unscoped.filter(action=AuditAction.CREATE).count() == 1


def test_add_with_errors_shows_them_beside_the_fields(client, worker, tree):
    client.force_login(worker)

    response = client.post(
        reverse("members:member_add"),
        form_data(tree.branch_a2, id_number="360426199101010072", confirmed_on="2099-01-01"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"id_number", "confirmed_on"}
    assert Member.unscoped.count() == 0
    assert AuditEntry.unscoped.count() == 0


def test_add_duplicate_elsewhere_needs_transfer(client, worker, tree, members):
    client.force_login(worker)

    response = client.post(
        reverse("members:member_add"),
        form_data(
            tree.branch_a2, id_number="360426199101010071", joined_on="2014-07-01", confirmed_on="2015-07-01"
        ),
    )

    assert response.status_code == 200
    assert "需要办理组织关系转接" in str(response.context["form"].errors["id_number"])
    assert Member.unscoped.filter(name="李四").count() == 0


def test_add_in_an_org_out_of_scope_is_refused(client, worker, tree):
    client.force_login(worker)

    response = client.post(reverse("members:member_add"), form_data(tree.other_branch))

    assert response.status_code == 200
    assert "org" in response.context["form"].errors
    assert Member.unscoped.count() == 0


def test_edit_keeps_personal_fields_when_left_empty(client, worker, members):
    client.force_login(worker)
    member = members["zhang"]
    encrypted = member.id_number_encrypted

    page = client.get(reverse("members:member_edit", args=[member.pk]))
    response = client.post(
        reverse("members:member_edit", args=[member.pk]),
        form_data(
            member.org,
            name="张三丰",
            id_number="",
            phone="",
            joined_on="2016-07-01",
            confirmed_on="2017-07-01",
        ),
    )

    assert "360426199101010071" not in page.content.decode()
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.name_initials, member.id_number_encrypted) == ("张三丰", "zsf", encrypted)
    entry = AuditEntry.unscoped.get(action=AuditAction.UPDATE)
    assert entry.changes["name"] == ["张三", "张三丰"]
    assert "id_number" not in entry.changes


def test_edit_out_of_scope_is_not_found_and_without_permission_forbidden(client, worker, members, tree):
    auditor = user_with_role(Role.AUDITOR, tree.street)
    client.force_login(worker)
    assert client.get(reverse("members:member_edit", args=[members["outside"].pk])).status_code == 404
    client.force_login(auditor)
    assert client.get(reverse("members:member_edit", args=[members["zhang"].pk])).status_code == 403


def test_history_on_detail(client, worker, members):
    client.force_login(worker)
    client.post(
        reverse("members:member_edit", args=[members["zhang"].pk]),
        form_data(
            members["zhang"].org,
            name="张三丰",
            id_number="",
            phone="",
            joined_on="2016-07-01",
            confirmed_on="2017-07-01",
        ),
    )

    response = client.get(reverse("members:member_detail", args=[members["zhang"].pk]))

    assert [entry.action for entry, _changes in response.context["history"]] == [AuditAction.UPDATE]


def test_history_shows_names_of_codes_and_orgs_and_yes_for_flags(client, worker, tree):
    client.force_login(worker)
    client.post(reverse("members:member_add"), form_data(tree.branch_a2, ethnicity="03", is_retired="on"))
    member = Member.unscoped.get(name="李四")

    response = client.get(reverse("members:member_detail", args=[member.pk]))

    [(entry, changes)] = response.context["history"]
    shown = {label: after for label, _before, after in changes}
    assert entry.action == AuditAction.CREATE
    assert (shown["民族"], shown["最高学历"], shown["离退休人员"], shown["所在党组织"]) == (
        "回族",
        "大学本科毕业",
        "是",
        tree.branch_a2.name,
    )
    assert (shown["公民身份号码"], shown["手机号码"]) == ("110105********002X", "139****1111")


def test_export_is_masked_and_scoped(client, worker, members):
    client.force_login(worker)

    response = client.get(reverse("members:member_export"), {"q": "zs"})

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2
    assert rows[1][0] == "张三"
    assert "360426********0071" in rows[1]
    assert "138****5678" in rows[1]


def test_list_query_count_does_not_grow_with_rows(client, worker, tree, request):
    from core.testing.queries import assert_query_baseline

    for _ in range(3):
        MemberFactory(org=tree.branch_a1)
    client.force_login(worker)
    client.get(reverse("members:member_list"))  # the session's first touch writes it once
    counts = []
    for _round in range(2):
        with assert_query_baseline(f"{request.node.nodeid}[list]") as captured:
            assert client.get(reverse("members:member_list")).status_code == 200
        counts.append(len(captured))
        for _ in range(5):
            MemberFactory(org=tree.branch_b1)
    assert counts[0] == counts[1]
