"""GET /api/v1/stats/members: scoping (404 JSON), defaults and the JSON shape."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, UserFactory, user_with_role
from stats.tests.factories import AS_OF, make_town

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/members"


def test_member_stats_json(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    response = client.get(URL, {"org": town.town.pk, "as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    body = response.json()
    assert body["org"] == {
        "id": town.town.pk,
        "code": town.town.code,
        "name": "长乐镇党委",
        "kind": "town_committee",
    }
    assert body["as_of"] == "2024-06-30"
    assert (body["total"], body["women"], body["women_pct"]) == (121, 34, 28.1)
    assert (body["hardship_pct"], body["mobile_pct"], body["retired_pct"]) == (16.53, 3.31, 7.44)
    assert body["average_age"] == 44.0
    assert [(e["key"], e["count"], e["pct"]) for e in body["education"]["town_bands"]] == [
        ("primary", 57, 47.11),
        ("junior", 31, 25.62),
        ("senior_or_secondary", 12, 9.92),
        ("college_or_above", 21, 17.36),
    ]
    assert body["age_bands"][0] == {"key": "le30", "label": "30岁及以下", "count": 4, "pct": 3.31}
    assert [c["org"]["name"] for c in body["children"]] == ["长乐社区党支部", "新华社区党委"]
    assert set(body["children"][0]) == set(body) - {"as_of", "children", "direct_total"}


def test_defaults_to_top_granted_org_and_today(client):
    town = make_town()
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, town.community_b))

    body = client.get(URL).json()

    assert body["org"]["id"] == town.community_b.pk
    assert body["as_of"] == timezone.localdate().isoformat()
    assert body["total"] == 50  # 51 at AS_OF; one stopped since


def test_superuser_defaults_to_first_root(client):
    town = make_town()
    client.force_login(SuperUserFactory())

    assert client.get(URL).json()["org"]["id"] == town.town.pk


def test_out_of_scope_org_is_404_json(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.community_b))

    response = client.get(URL, {"org": town.community_a.pk})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "党组织不存在。", "field": "org"}
    assert client.get(URL, {"org": 999999}).status_code == 404


def test_no_grant_is_404_and_anonymous_is_401(client):
    make_town()
    assert client.get(URL).status_code == 401
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_bad_date_is_422(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.town))

    response = client.get(URL, {"as_of": "2024-13-01"})

    assert response.status_code == 422
    assert response.json()["field"] == "as_of"


def test_openapi_documents_the_schema(client):
    client.force_login(SuperUserFactory())
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/stats/members"]["get"]
    assert set(operation["responses"]) == {"200", "401", "404", "422"}
    assert "MemberStatsOut" in schema["components"]["schemas"]


def test_org_health_json(client):
    town = make_town()
    client.force_login(user_with_role(Role.PARTY_WORKER, town.community_b))

    response = client.get("/api/v1/stats/org-health", {"only_issues": "true"})

    assert response.status_code == 200
    body = response.json()
    assert [(h["org"]["name"], h["total"]) for h in body] == [
        ("新华第一党支部", 31),
        ("新华第二党支部", 19),
    ]  # one stopped since AS_OF
    assert body[0]["issues"][0]["code"] == "needs_branch_committee"
    assert body[0]["issues"][0]["source"] == "《中国共产党支部工作条例（试行）》2018 第二十条"
    assert client.get("/api/v1/stats/org-health", {"org": town.community_a.pk}).status_code == 404
