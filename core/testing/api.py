"""Generic API tests, after NetBox's ``APIViewTestCases``: declare a model, its URLs and payloads.

A subclass (named ``Test…`` so pytest collects it) gets list, detail, create and update tests, each
run unauthenticated, without a role, with a view-only role, in scope and out of scope, plus a
query-count baseline for every list endpoint (see ``core.testing.queries``)::

    class TestOrgAPI(APITests):
        model = OrgUnit
        list_url = "/api/v1/orgs/"
        detail_url = "/api/v1/orgs/{pk}"

        def make_orgs(self):                 # (inside, outside): the granted org and a foreign one
            tree = make_tree()
            return tree.street, tree.other_root

        def make_object(self, org):          # an object that belongs to ``org``
            return OrgUnitFactory(parent=org)

        def create_payload(self, org):       # a valid create body for an object under ``org``
            return {"code": "X1", "name": "新支部", "kind": "branch", "parent": org.pk}

        def update_payload(self, obj):       # a valid PATCH body; echoed back in the response
            return {"name": "改名后"}

Expected outcomes: no credentials 401; no role: lists empty, details 404, writes 403 or 404;
view-only role: writes 403; out of scope: 404; in scope: works and writes exactly one audit row.
Refused writes leave the object, the row count and the audit log unchanged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from core import audit
from core.models import AuditEntry
from core.scope import subtree_q
from core.testing.queries import assert_query_baseline


@dataclass
class Scope:
    """The orgs and objects one test works with."""

    inside: Any  # the org the user's role is granted on
    outside: Any  # an org outside that subtree
    obj: models.Model  # an object in scope
    other: models.Model  # an object out of scope


class APIClient:
    """A Django test client that sends JSON with a bearer token of ``user`` (or no credentials).

    The token is created here, so a request's captured queries never include its creation.
    """

    def __init__(self, user: Any = None) -> None:
        self.user = user
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = apps.get_model(settings.API_TOKEN_MODEL).generate(user, description="test")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, params or {}, **self.headers)

    def send(self, method: str, url: str, payload: dict[str, Any]) -> Any:
        call = getattr(self.client, method.lower())
        return call(url, json.dumps(payload), content_type="application/json", **self.headers)


def make_user(role: str | None = None, org: Any = None) -> Any:
    """A new active user, optionally holding ``role`` over ``org``'s subtree."""
    user_model = get_user_model()
    user = user_model._default_manager.create_user(
        username=f"api-{uuid.uuid4().hex[:12]}", password="x-Test-1"
    )
    if role is not None:
        apps.get_model("accounts", "RoleAssignment").unscoped.create(user=user, role=role, org=org)
    return user


class APITests:
    """Base of a model's API tests; not collected itself (its name does not start with Test)."""

    model: ClassVar[type[models.Model]]
    list_url: ClassVar[str]
    detail_url: ClassVar[str]  # with a "{pk}" placeholder
    create_method: ClassVar[str] = "post"
    update_method: ClassVar[str] = "patch"
    role: ClassVar[str] = "org_dept_admin"  # may view, add and change in its subtree
    view_only_role: ClassVar[str] = "auditor"  # may view, not write
    extra_rows: ClassVar[int] = 3  # rows added to check that list queries do not grow per row

    # -- hooks a subclass declares ---------------------------------------------------------------
    def make_orgs(self) -> tuple[Any, Any]:
        raise NotImplementedError

    def make_object(self, org: Any) -> models.Model:
        raise NotImplementedError

    def create_payload(self, org: Any) -> dict[str, Any]:
        raise NotImplementedError

    def update_payload(self, obj: models.Model) -> dict[str, Any]:
        raise NotImplementedError

    def list_endpoints(self, scope: Scope) -> dict[str, str]:
        """Every list endpoint, by name; each gets a query-count baseline."""
        return {"list": self.list_url}

    # -- helpers ---------------------------------------------------------------------------------
    def url(self, obj: models.Model) -> str:
        return self.detail_url.format(pk=obj.pk)

    def expected_ids(self, scope: Scope) -> set[Any]:
        """Every object of the model in the granted subtree: what the list must show."""
        manager = getattr(self.model, "unscoped", self.model._default_manager)
        scope_field = self.model.scope_field  # type: ignore[attr-defined]
        return set(manager.filter(subtree_q(scope_field, [scope.inside.path])).values_list("pk", flat=True))

    def state(self, obj: models.Model | None = None) -> tuple[Any, ...]:
        """What a refused write must not change: row count, audit count, the object's fields."""
        rows = self.model._default_manager.count()
        audits = AuditEntry.unscoped.count()
        if obj is None:
            return (rows, audits)
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        return (rows, audits, audit.snapshot(fresh))

    @staticmethod
    def assert_error(response: Any, status: int, code: str) -> None:
        assert response.status_code == status, response.content
        body = response.json()
        assert body["code"] == code
        assert set(body) >= {"code", "message", "field"}

    # -- fixtures --------------------------------------------------------------------------------
    @pytest.fixture
    def scope(self, db: None) -> Scope:
        inside, outside = self.make_orgs()
        return Scope(inside, outside, self.make_object(inside), self.make_object(outside))

    @pytest.fixture
    def admin(self, scope: Scope) -> APIClient:
        return APIClient(make_user(self.role, scope.inside))

    @pytest.fixture
    def viewer(self, scope: Scope) -> APIClient:
        return APIClient(make_user(self.view_only_role, scope.inside))

    @pytest.fixture
    def stranger(self, scope: Scope) -> APIClient:
        return APIClient(make_user())

    # -- list --------------------------------------------------------------------------------------
    def test_list_requires_authentication(self, scope: Scope) -> None:
        self.assert_error(APIClient().get(self.list_url), 401, "unauthenticated")

    def test_list_without_role_is_empty(self, scope: Scope, stranger: APIClient) -> None:
        response = stranger.get(self.list_url)

        assert response.status_code == 200
        assert response.json() == {"count": 0, "items": []}

    def test_list_shows_only_the_subtree(self, scope: Scope, admin: APIClient) -> None:
        response = admin.get(self.list_url, {"limit": 1000})

        assert response.status_code == 200
        body = response.json()
        ids = {item["id"] for item in body["items"]}
        assert ids == self.expected_ids(scope)
        assert body["count"] == len(ids)
        assert scope.obj.pk in ids
        assert scope.other.pk not in ids

    def test_list_paginates(self, scope: Scope, admin: APIClient) -> None:
        everything = admin.get(self.list_url, {"limit": 1000}).json()["items"]

        page = admin.get(self.list_url, {"limit": 1, "offset": 1}).json()

        assert page == {"count": len(everything), "items": everything[1:2]}

    def test_list_query_counts(self, scope: Scope, request: pytest.FixtureRequest) -> None:
        user = make_user(self.role, scope.inside)
        for name, url in self.list_endpoints(scope).items():
            client = APIClient(user)  # a fresh token each time: its first use is recorded
            with assert_query_baseline(f"{request.node.nodeid}[{name}]") as first:
                response = client.get(url)
            assert response.status_code == 200, response.content
            for _ in range(self.extra_rows):
                self.make_object(scope.inside)
            client = APIClient(user)
            with assert_query_baseline(f"{request.node.nodeid}[{name}]") as second:
                assert client.get(url).status_code == 200
            assert len(second) == len(first), f"{name}: queries grow with rows"

    # -- detail ----------------------------------------------------------------------------------
    def test_detail_in_scope(self, scope: Scope, admin: APIClient) -> None:
        response = admin.get(self.url(scope.obj))

        assert response.status_code == 200
        assert response.json()["id"] == scope.obj.pk

    def test_detail_out_of_scope_is_not_found(self, scope: Scope, admin: APIClient) -> None:
        self.assert_error(admin.get(self.url(scope.other)), 404, "not_found")

    def test_detail_without_role_is_not_found(self, scope: Scope, stranger: APIClient) -> None:
        self.assert_error(stranger.get(self.url(scope.obj)), 404, "not_found")

    # -- create ----------------------------------------------------------------------------------
    def test_create_in_scope(self, scope: Scope, admin: APIClient) -> None:
        rows, audits = self.state()

        response = admin.send(self.create_method, self.list_url, self.create_payload(scope.inside))

        assert response.status_code == 201, response.content
        created = self.model._default_manager.get(pk=response.json()["id"])
        assert self.model._default_manager.count() == rows + 1
        entries = AuditEntry.unscoped.filter(object_id=str(created.pk))
        assert AuditEntry.unscoped.count() == audits + 1
        assert [(e.action, e.actor_id) for e in entries] == [("create", admin.user.pk)]

    def test_create_out_of_scope_is_not_found(self, scope: Scope, admin: APIClient) -> None:
        before = self.state()

        response = admin.send(self.create_method, self.list_url, self.create_payload(scope.outside))

        self.assert_error(response, 404, "not_found")
        assert self.state() == before

    def test_create_without_permission_is_forbidden(self, scope: Scope, viewer: APIClient) -> None:
        before = self.state()

        response = viewer.send(self.create_method, self.list_url, self.create_payload(scope.inside))

        self.assert_error(response, 403, "permission_denied")
        assert self.state() == before

    def test_create_without_role_is_refused(self, scope: Scope, stranger: APIClient) -> None:
        before = self.state()

        response = stranger.send(self.create_method, self.list_url, self.create_payload(scope.inside))

        assert response.status_code in (403, 404), response.content
        assert self.state() == before

    # -- update ----------------------------------------------------------------------------------
    def test_update_in_scope(self, scope: Scope, admin: APIClient) -> None:
        payload = self.update_payload(scope.obj)
        rows, audits = self.state()

        response = admin.send(self.update_method, self.url(scope.obj), payload)

        assert response.status_code == 200, response.content
        body = response.json()
        assert {k: body[k] for k in payload} == payload
        assert self.model._default_manager.count() == rows
        assert AuditEntry.unscoped.count() == audits + 1
        entry = AuditEntry.unscoped.get(object_id=str(scope.obj.pk), action="update")
        assert entry.actor_id == admin.user.pk
        assert set(entry.changes) == set(payload)

    def test_update_out_of_scope_is_not_found(self, scope: Scope, admin: APIClient) -> None:
        before = self.state(scope.other)

        response = admin.send(self.update_method, self.url(scope.other), self.update_payload(scope.other))

        self.assert_error(response, 404, "not_found")
        assert self.state(scope.other) == before

    def test_update_without_permission_is_forbidden(self, scope: Scope, viewer: APIClient) -> None:
        before = self.state(scope.obj)

        response = viewer.send(self.update_method, self.url(scope.obj), self.update_payload(scope.obj))

        self.assert_error(response, 403, "permission_denied")
        assert self.state(scope.obj) == before

    def test_update_without_role_is_not_found(self, scope: Scope, stranger: APIClient) -> None:
        before = self.state(scope.obj)

        response = stranger.send(self.update_method, self.url(scope.obj), self.update_payload(scope.obj))

        self.assert_error(response, 404, "not_found")
        assert self.state(scope.obj) == before
