"""issue_token prints a token that authenticates against the real API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, User
from accounts.roles import Role
from accounts.tests.factories import user_with_role
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


def issue(username: str, *args: str) -> str:
    out = StringIO()
    call_command("issue_token", username, *args, stdout=out)
    return out.getvalue().strip()


def test_issued_token_authenticates_and_is_scoped(client):
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.community_a, username="sync")

    raw = issue("sync", "--description", "nightly sync")
    response = client.get("/api/v1/orgs/", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["items"]} == {
        tree.community_a.pk,
        tree.branch_a1.pk,
        tree.branch_a2.pk,
    }
    token = ApiToken.objects.get()
    assert (token.user, token.description, token.prefix) == (user, "nightly sync", raw[:8])
    assert token.last_used_at is not None


def test_wrong_token_is_401_json(client):
    tree = make_tree()
    user_with_role(Role.PARTY_WORKER, tree.community_a, username="sync")
    issue("sync")

    response = client.get("/api/v1/orgs/", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Authentication required.",
        "field": None,
    }


def test_token_of_a_deactivated_user_stops_working(client):
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.community_a, username="sync")
    raw = issue("sync")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/orgs/", headers=headers).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get("/api/v1/orgs/", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_openapi_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/orgs/" in response.json()["paths"]


def test_unknown_user_is_an_error():
    with pytest.raises(CommandError):
        issue("nobody")
    assert ApiToken.objects.count() == 0
