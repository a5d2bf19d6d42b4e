"""Generic view tests after NetBox's ``ViewTestCases``: a model's test declares a few hooks and gets
list, detail, add, edit, delete and export tests, each with no permission (403), a view-only role
(403 for writes and export), in scope (works, exactly one audit row per write) and out of scope
(404; lists show only the subtree), plus a query-count baseline per list view.

    class TestOrgUnitViews(ObjectViewTests):
        model = OrgUnit

        def create_object(self, org):
            return OrgUnitFactory(parent=org)

        def form_data(self, org):            # add: a new object under/in ``org``
            return {"parent": org.code, "code": "N1", "name": "新支部", "kind": "branch", ...}

        def edit_data(self, obj):            # edit: the posted form, some fields changed
            return {..., "name": "改名"}

URL names default to ``<app>:<model>_<view>``; views not in ``views`` are skipped. The world is
the tree built by ``settings.TESTING_TREE_FACTORY`` (``orgs.tests.factories.make_tree``, named in
the test settings so core imports no domain app): the user's grant is on ``world.org`` (community A) and
out-of-scope objects live under ``world.other_org`` (another root, or the sibling community with
``other = "community_b"``). Override ``build_world`` to change it. List query counts are compared
with ``tests/query_counts.json`` (core.testing.queries). Pages not built on the generic views
override ``listed_pks``, ``shown_object`` and ``filter_org_of``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.conf import settings
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string

from core import audit
from core.exporters import XLSX_CONTENT_TYPE
from core.models import AuditEntry

from .api import make_user
from .queries import check_query_baseline, format_queries

# -- the world the tests run in --------------------------------------------------------------------


@dataclass
class World:
    tree: Any
    #: the in-scope user's grant; in-scope objects are created in its subtree
    org: Any
    #: an org outside that subtree
    other_org: Any


class ObjectViewTests:
    """Base of a model's view tests; see the module docstring."""

    pytestmark: ClassVar[list[Any]] = [pytest.mark.django_db]

    model: ClassVar[type[models.Model]]
    #: ``"<app>:<model>"``; the views are ``<url_base>_list``, ``_detail``, ...
    url_base: ClassVar[str] = ""
    views: ClassVar[tuple[str, ...]] = ("list", "detail", "add", "edit", "delete", "export")
    #: the role granted on ``world.org`` for the in-scope tests (must allow every tested action)
    role: ClassVar[str] = "org_dept_admin"
    #: a role that may view but not write nor export
    view_only_role: ClassVar[str] = "member_self"
    #: export through ``?export=xlsx`` on the list (True) or through the ``_export`` URL (False)
    export_via_list: ClassVar[bool] = True
    #: the ``make_tree()`` org the out-of-scope objects live in: "other_root" (another street) or
    #: "community_b" (a sibling of the granted community under the same street)
    other: ClassVar[str] = "other_root"

    # -- hooks -------------------------------------------------------------------------------------
    def build_world(self) -> World:
        tree = import_string(settings.TESTING_TREE_FACTORY)()
        return World(tree=tree, org=tree.community_a, other_org=getattr(tree, self.other))

    def make_user(self, role: str | None = None, org: Any = None) -> Any:
        return make_user(role, org)

    def create_object(self, org: Any) -> models.Model:
        """A new object in ``org``'s subtree."""
        raise NotImplementedError

    def form_data(self, org: Any) -> dict[str, Any]:
        """POST data of the add form, for a new object in ``org``."""
        raise NotImplementedError

    def add_url(self, org: Any) -> str:
        return reverse(self.url_name("add"))

    def edit_data(self, obj: models.Model) -> dict[str, Any]:
        """POST data of the edit form for ``obj``, with at least one field changed."""
        raise NotImplementedError

    def object_count(self) -> int:
        return self.model._base_manager.count()

    def listed_pks(self, response: Any) -> set[Any]:
        """The primary keys a list page shows (pages not built on ObjectListView override this)."""
        return {row["object"].pk for row in response.context["rows"]}

    def shown_object(self, response: Any) -> Any:
        """The object a detail page shows."""
        return response.context["object"]

    def filter_org_of(self, response: Any) -> Any:
        """The org a list was narrowed to by ``?org=`` (None: not narrowed)."""
        return response.context["filter_org"]

    # -- helpers -----------------------------------------------------------------------------------
    def url_name(self, view: str) -> str:
        base = self.url_base or f"{self.model._meta.app_label}:{self.model._meta.model_name}"
        return f"{base}_{view}"

    def url(self, view: str, obj: models.Model | None = None) -> str:
        return reverse(self.url_name(view), args=[obj.pk] if obj is not None else [])

    def export_url(self) -> str:
        if self.export_via_list:
            return self.url("list") + "?export=xlsx"
        return self.url("export")

    def require(self, view: str) -> None:
        if view not in self.views:
            pytest.skip(f"{self.model.__name__} has no {view} view")

    def client_for(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    @pytest.fixture
    def world(self) -> World:
        return self.build_world()

    @pytest.fixture
    def member(self, world: World) -> Any:
        """In scope: ``role`` on ``world.org``."""
        return self.make_user(self.role, world.org)

    @pytest.fixture
    def nobody(self, world: World) -> Any:
        """Logged in, without any role."""
        return self.make_user()

    @pytest.fixture
    def viewer(self, world: World) -> Any:
        return self.make_user(self.view_only_role, world.org)

    # -- list --------------------------------------------------------------------------------------
    def test_list_anonymous_goes_to_login(self, world: World) -> None:
        self.require("list")
        response = Client().get(self.url("list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))

    def test_list_without_permission_is_403(self, nobody: Any) -> None:
        self.require("list")
        assert self.client_for(nobody).get(self.url("list")).status_code == 403

    def test_list_shows_only_the_subtree(self, world: World, member: Any) -> None:
        self.require("list")
        inside = self.create_object(world.org)
        outside = self.create_object(world.other_org)
        response = self.client_for(member).get(self.url("list"), {"per_page": 200})
        assert response.status_code == 200
        shown = self.listed_pks(response)
        assert inside.pk in shown
        assert outside.pk not in shown

    def test_list_org_filter_out_of_scope_is_ignored(self, world: World, member: Any) -> None:
        self.require("list")
        inside = self.create_object(world.org)
        outside = self.create_object(world.other_org)
        response = self.client_for(member).get(self.url("list"), {"org": world.other_org.pk, "per_page": 200})
        assert response.status_code == 200
        assert self.filter_org_of(response) is None
        shown = self.listed_pks(response)
        assert inside.pk in shown
        assert outside.pk not in shown

    def test_list_query_count(self, world: World, member: Any, request: pytest.FixtureRequest) -> None:
        """Constant in the number of rows, and equal to the stored baseline."""
        self.require("list")
        client = self.client_for(member)
        for _ in range(2):
            self.create_object(world.org)
        client.get(self.url("list"))  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as few:
            assert client.get(self.url("list")).status_code == 200
        for _ in range(3):
            self.create_object(world.org)
        with CaptureQueriesContext(connection) as more:
            assert client.get(self.url("list")).status_code == 200
        assert len(more.captured_queries) == len(few.captured_queries), (
            "the list runs more queries with more rows (N+1):\n" + format_queries(more)
        )
        check_query_baseline(request.node.nodeid, more)

    # -- detail ------------------------------------------------------------------------------------
    def test_detail_without_permission_is_403(self, world: World, nobody: Any) -> None:
        self.require("detail")
        obj = self.create_object(world.org)
        assert self.client_for(nobody).get(self.url("detail", obj)).status_code == 403

    def test_detail_in_scope(self, world: World, member: Any) -> None:
        self.require("detail")
        obj = self.create_object(world.org)
        response = self.client_for(member).get(self.url("detail", obj))
        assert response.status_code == 200
        assert self.shown_object(response).pk == obj.pk

    def test_detail_out_of_scope_is_404(self, world: World, member: Any) -> None:
        self.require("detail")
        obj = self.create_object(world.other_org)
        assert self.client_for(member).get(self.url("detail", obj)).status_code == 404

    # -- add ---------------------------------------------------------------------------------------
    def test_add_without_permission_is_403(self, world: World, nobody: Any, viewer: Any) -> None:
        self.require("add")
        before = self.object_count()
        for user in (nobody, viewer):
            client = self.client_for(user)
            assert client.get(self.add_url(world.org)).status_code == 403
            assert client.post(self.add_url(world.org), self.form_data(world.org)).status_code == 403
        assert self.object_count() == before

    def test_add_in_scope_writes_one_audit_row(self, world: World, member: Any) -> None:
        self.require("add")
        client = self.client_for(member)
        assert client.get(self.add_url(world.org)).status_code == 200
        before, audits = self.object_count(), AuditEntry.unscoped.count()
        response = client.post(self.add_url(world.org), self.form_data(world.org))
        errors = response.context["form"].errors if response.status_code == 200 else None
        assert response.status_code == 302, errors
        assert self.object_count() == before + 1
        assert AuditEntry.unscoped.count() == audits + 1

    def test_add_out_of_scope_is_refused(self, world: World, member: Any) -> None:
        self.require("add")
        before, audits = self.object_count(), AuditEntry.unscoped.count()
        response = self.client_for(member).post(
            self.add_url(world.other_org), self.form_data(world.other_org)
        )
        assert response.status_code in (200, 404)
        assert self.object_count() == before
        assert AuditEntry.unscoped.count() == audits

    # -- edit --------------------------------------------------------------------------------------
    def test_edit_without_permission_is_403(self, world: World, nobody: Any, viewer: Any) -> None:
        self.require("edit")
        obj = self.create_object(world.org)
        snapshot = audit.snapshot(obj)
        for user in (nobody, viewer):
            client = self.client_for(user)
            assert client.get(self.url("edit", obj)).status_code == 403
            assert client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 403
        obj.refresh_from_db()
        assert audit.snapshot(obj) == snapshot

    def test_edit_in_scope_writes_one_audit_row(self, world: World, member: Any) -> None:
        self.require("edit")
        obj = self.create_object(world.org)
        client = self.client_for(member)
        assert client.get(self.url("edit", obj)).status_code == 200
        data = self.edit_data(obj)
        audits = AuditEntry.unscoped.count()
        response = client.post(self.url("edit", obj), data)
        errors = response.context["form"].errors if response.status_code == 200 else None
        assert response.status_code == 302, errors
        assert AuditEntry.unscoped.count() == audits + 1
        obj.refresh_from_db()
        for name, value in data.items():
            field = next((f for f in obj._meta.concrete_fields if f.name == name), None)
            if field is not None and not field.is_relation and value not in ("", None):
                assert str(field.value_from_object(obj)) == str(value), name

    def test_edit_out_of_scope_is_404(self, world: World, member: Any) -> None:
        self.require("edit")
        obj = self.create_object(world.other_org)
        snapshot, audits = audit.snapshot(obj), AuditEntry.unscoped.count()
        client = self.client_for(member)
        assert client.get(self.url("edit", obj)).status_code == 404
        assert client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 404
        obj.refresh_from_db()
        assert audit.snapshot(obj) == snapshot
        assert AuditEntry.unscoped.count() == audits

    # -- delete ------------------------------------------------------------------------------------
    def test_delete_without_permission_is_403(self, world: World, nobody: Any, viewer: Any) -> None:
        self.require("delete")
        obj = self.create_object(world.org)
        for user in (nobody, viewer):
            client = self.client_for(user)
            assert client.get(self.url("delete", obj)).status_code == 403
            assert client.post(self.url("delete", obj)).status_code == 403
        assert self.model._base_manager.filter(pk=obj.pk).exists()

    def test_delete_in_scope_writes_one_audit_row(self, world: World, member: Any) -> None:
        self.require("delete")
        obj = self.create_object(world.org)
        client = self.client_for(member)
        assert client.get(self.url("delete", obj)).status_code == 200
        audits = AuditEntry.unscoped.count()
        response = client.post(self.url("delete", obj))
        assert response.status_code == 302, response.context and response.context.get("error")
        assert not self.model._base_manager.filter(pk=obj.pk).exists()
        assert AuditEntry.unscoped.count() == audits + 1

    def test_delete_out_of_scope_is_404(self, world: World, member: Any) -> None:
        self.require("delete")
        obj = self.create_object(world.other_org)
        audits = AuditEntry.unscoped.count()
        client = self.client_for(member)
        assert client.get(self.url("delete", obj)).status_code == 404
        assert client.post(self.url("delete", obj)).status_code == 404
        assert self.model._base_manager.filter(pk=obj.pk).exists()
        assert AuditEntry.unscoped.count() == audits

    # -- export ------------------------------------------------------------------------------------
    def test_export_without_permission_is_403(self, world: World, nobody: Any, viewer: Any) -> None:
        self.require("export")
        for user in (nobody, viewer):
            assert self.client_for(user).get(self.export_url()).status_code == 403

    def test_export_in_scope_has_only_the_subtree(self, world: World, member: Any) -> None:
        self.require("export")
        import openpyxl

        self.create_object(world.org)
        self.create_object(world.other_org)
        response = self.client_for(member).get(self.export_url())
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        expected = self.model.objects.for_user(member, "export").count()  # type: ignore[attr-defined]
        assert len(rows) - 1 == expected
        assert expected < self.object_count()
