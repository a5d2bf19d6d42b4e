"""The dashboard and org health pages render in Chinese, are scoped, and the export is a real xlsx."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory, grant, user_with_role
from stats.tests.factories import AS_OF, make_town

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("stats:member_dashboard")
EXPORT = reverse("stats:member_dashboard_export")
HEALTH = reverse("stats:org_health")


def test_dashboard_renders_in_chinese(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    response = client.get(DASHBOARD, {"org": town.town.pk, "as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>党员统计" in html
    for text in (
        "党员总数",
        "平均年龄",
        "44.0",
        "女党员",
        "28.10%",
        "下级党组织",
        "长乐社区党支部",
        "导出Excel",
    ):
        assert text in html, text
    assert "vendor/echarts/dist/echarts.min.js" in html
    assert f"/api/v1/stats/members?org={town.town.pk}&amp;as_of=2024-06-30" in html
    assert response.context["stats"]["total"] == 121
    assert [row[1][0] for row in response.context["child_rows"]] == [70, 51]


def test_dashboard_is_in_the_menu_and_defaults_to_the_granted_org(client):
    town = make_town()
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, town.community_b))

    response = client.get(DASHBOARD)

    assert response.context["org"] == town.community_b
    assert f'href="{DASHBOARD}"' in response.content.decode()


def test_out_of_scope_org_is_404_and_no_grant_is_403(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.community_b))
    assert client.get(DASHBOARD, {"org": town.community_a.pk}).status_code == 404
    assert client.get(EXPORT, {"org": town.community_a.pk}).status_code == 404
    assert client.get(HEALTH, {"org": town.community_a.pk}).status_code == 404
    client.force_login(UserFactory())
    assert client.get(DASHBOARD).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={DASHBOARD}",
    )


def test_export_is_a_real_xlsx_with_the_figures(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    response = client.get(EXPORT, {"org": town.town.pk, "as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "统计概况",
        "年龄",
        "学历（党内统计）",
        "学历（乡镇报表）",
        "职业",
        "入党时间",
        "民族",
        "下级党组织",
    ]
    summary = [row for row in book["统计概况"].iter_rows(values_only=True) if any(v is not None for v in row)]
    assert summary[0] == ("党组织", "长乐镇党委", None)
    assert summary[1][:2] == ("统计日期", "2024-06-30")
    assert ("党员总数", 121, 100) in summary
    assert ("女党员", 34, 28.1) in summary
    assert ("生活困难党员", 20, 16.53) in summary
    assert summary[-1][:2] == ("平均年龄", 44)
    town_bands = list(book["学历（乡镇报表）"].iter_rows(min_row=2, values_only=True))
    assert town_bands == [
        ("小学", 57, 47.11),
        ("初中", 31, 25.62),
        ("高中/中专", 12, 9.92),
        ("大专及以上", 21, 17.36),
    ]
    children = list(book["下级党组织"].iter_rows(values_only=True))
    assert children[0][:4] == ("党组织", "党员总数", "正式党员", "正式党员 %")
    assert [(r[0], r[1], r[6]) for r in children[1:]] == [("长乐社区党支部", 70, 34), ("新华社区党委", 51, 0)]


def test_export_needs_the_export_action(client):
    town = make_town()
    client.force_login(user_with_role(Role.MEMBER_SELF, town.town))

    assert client.get(EXPORT, {"org": town.town.pk}).status_code == 403


def test_export_is_scoped_by_the_export_action_not_view(client):
    town = make_town()
    user = user_with_role(Role.PARTY_WORKER, town.community_b)
    grant(user, Role.MEMBER_SELF, town.town)
    client.force_login(user)

    assert client.get(DASHBOARD, {"org": town.town.pk}).status_code == 200
    assert client.get(EXPORT, {"org": town.town.pk}).status_code == 404
    assert client.get(EXPORT, {"org": town.community_b.pk}).status_code == 200


def test_org_health_page(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    response = client.get(HEALTH, {"org": town.town.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "党组织健康状况" in html
    assert [h.org.name for h in response.context["report"]] == [
        "长乐社区党支部",
        "新华第一党支部",
        "新华第二党支部",
    ]
    assert "党员超过50名" in html
    assert "第二十条" in html
    all_orgs = client.get(HEALTH, {"org": town.town.pk, "all": "1"})
    assert len(all_orgs.context["report"]) == 5


def test_org_health_card_include():
    town = make_town()

    html = Template("{% load stats_tags %}{% org_health_card org %}").render(Context({"org": town.branch_b1}))

    assert "data-org-health" in html
    assert "<strong>31</strong>" in html or "<strong>30</strong>" in html


def test_org_page_shows_org_health(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    html = client.get(reverse("orgs:orgunit_detail", args=[town.branch_b1.pk])).content.decode()

    assert "data-org-health" in html
    assert "党组织健康状况" in html
