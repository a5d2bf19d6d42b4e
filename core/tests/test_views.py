"""Core pages (home, audit log), the export writer, and the rule that views only read scoped data."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, UserFactory, logged_in_client, user_with_role
from core import audit
from core.exporters import write_xlsx
from core.models import AuditAction
from core.tables import Column
from core.testing.queries import check_query_baseline
from orgs import services
from orgs.tests.factories import make_tree

# -- views read only scoped data ------------------------------------------------------------------


def view_modules() -> list[Path]:
    """views.py, *_views.py and views/ packages of every project app."""
    base = Path(settings.BASE_DIR).resolve()
    found: list[Path] = []
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if base not in root.parents or ".venv" in root.parts:
            continue
        found += [p for p in root.glob("*views.py")]
        found += sorted((root / "views").glob("*.py")) if (root / "views").is_dir() else []
    return sorted(found)


def bare_manager_uses(source: str) -> list[int]:
    """Lines where ``X.objects`` is used other than as ``X.objects.for_user(...)``, or ``.unscoped``.

    ``.none()`` (an empty placeholder queryset, e.g. a form field's before ``__init__`` scopes it)
    reads nothing and is allowed, and so is ``ContentType.objects.get_for_model`` (framework metadata,
    cached, no user data)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "unscoped", "_default_manager"):
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr == "none":
                continue
            if node.attr == "objects" and isinstance(parent, ast.Attribute) and parent.attr == "for_user":
                continue
            if (
                node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id == "ContentType"
                and isinstance(parent, ast.Attribute)
                and parent.attr == "get_for_model"
            ):
                continue
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scanner_finds_bare_querysets():
    source = (
        "a = Org.objects.for_user(u, 'view')\nb = Org.objects.filter(x=1)\nc = Org.unscoped.all()\n"
        "d = Org.unscoped.none()\ne = Org.objects\nf = ContentType.objects.get_for_model(Org)\n"
        "g = ContentType.objects.all()\n"
    )
    assert bare_manager_uses(source) == [2, 3, 5, 7]


def test_view_modules_only_use_scoped_querysets():
    modules = view_modules()
    assert Path(settings.BASE_DIR, "orgs", "views.py").resolve() in modules
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): lines
        for path in modules
        if (lines := bare_manager_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "use Model.objects.for_user(request.user, action) in views"


# -- home -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_lists_the_users_granted_orgs():
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    response = logged_in_client(user).get(reverse("core:home"))
    assert response.status_code == 200
    assert response.context["my_orgs"] == [tree.community_a]
    assert "东风社区党委" in response.content.decode()


@pytest.mark.django_db
def test_home_of_a_superuser_lists_the_roots():
    tree = make_tree()
    response = logged_in_client(SuperUserFactory()).get(reverse("core:home"))
    assert response.context["my_orgs"] == [tree.street, tree.other_root]


@pytest.mark.django_db
def test_home_without_login_goes_to_login():
    response = Client().get(reverse("core:home"))
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={reverse('core:home')}",
    )


@pytest.mark.django_db
def test_pages_are_in_chinese_by_default():
    make_tree()
    html = logged_in_client(SuperUserFactory()).get(reverse("orgs:orgunit_list")).content.decode()
    assert "基层党建综合管理平台" in html
    assert "审计日志" in html
    assert "导出 Excel" in html


# -- audit log --------------------------------------------------------------------------------------


def rename(actor, org, name):
    return services.update_org(actor=actor, org=org, name=name)


@pytest.fixture
def audited():
    tree = make_tree()
    admin = SuperUserFactory(display_name="管理员")
    rename(admin, tree.branch_a1, "东风一支部")
    rename(admin, tree.other_branch, "南山一支部")
    return tree, admin


@pytest.mark.django_db
def test_audit_list_is_scoped_to_the_subtree(audited):
    tree, _admin = audited
    worker = user_with_role(Role.PARTY_WORKER, tree.community_a)
    response = logged_in_client(worker).get(reverse("core:audit_list"))
    assert response.status_code == 200
    assert [row["object"].object_repr for row in response.context["rows"]] == ["东风一支部"]


@pytest.mark.django_db
def test_audit_list_shows_changed_fields_before_and_after(audited):
    tree, admin = audited
    response = logged_in_client(admin).get(reverse("core:audit_list"), {"org": tree.street.pk})
    html = response.content.decode()
    assert [row["object"].object_repr for row in response.context["rows"]] == ["东风一支部"]
    assert '<span class="before">东风社区第一党支部</span> → <span class="after">东风一支部</span>' in html


@pytest.mark.django_db
def test_audit_list_filters(audited):
    tree, admin = audited
    client = logged_in_client(admin)

    def reprs(**params) -> list[str]:
        return [
            row["object"].object_repr
            for row in client.get(reverse("core:audit_list"), params).context["rows"]
        ]

    assert reprs(actor="管理员") == ["南山一支部", "东风一支部"]
    assert reprs(actor="nobody") == []
    assert reprs(action="create") == []
    assert reprs(action="update", q="南山") == ["南山一支部"]
    today = timezone.localdate()
    assert reprs(date_from=today.isoformat(), date_to=today.isoformat()) == ["南山一支部", "东风一支部"]
    assert reprs(date_to=(today - dt.timedelta(days=1)).isoformat()) == []


@pytest.mark.django_db
def test_audit_list_without_permission_is_403(audited):
    assert logged_in_client(UserFactory()).get(reverse("core:audit_list")).status_code == 403


@pytest.mark.django_db
def test_audit_export_has_the_scoped_rows_with_changes(audited):
    tree, _admin = audited
    auditor = user_with_role(Role.AUDITOR, tree.street)
    response = logged_in_client(auditor).get(reverse("core:audit_list"), {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("时间", "操作人", "操作", "对象类型", "对象", "党组织", "变更内容", "说明")
    assert [r[1:7] for r in rows[1:]] == [
        ("管理员", "修改", "党组织", "东风一支部", "东风一支部", "名称: 东风社区第一党支部 → 东风一支部")
    ]


@pytest.mark.django_db
def test_audit_list_query_count(audited, request):
    tree, admin = audited
    worker = user_with_role(Role.PARTY_WORKER, tree.street)
    client = logged_in_client(worker)
    client.get(reverse("core:audit_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:audit_list"))
    with transaction.atomic():
        for i in range(5):
            audit.record(actor=admin, action=AuditAction.OTHER, obj=tree.branch_b1, message=f"m{i}")
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("core:audit_list"))
    assert len(response.context["rows"]) == 6
    assert len(more) == len(few)
    check_query_baseline(request.node.nodeid, more)


# -- xlsx writer --------------------------------------------------------------------------------------


def test_write_xlsx_types_and_header(tmp_path):
    target = tmp_path / "out.xlsx"
    columns = [Column("a", "名称"), Column("b", "日期"), Column("c", "数量"), Column("d", "是否")]
    count = write_xlsx(
        str(target),
        title="测试/导出:*",
        columns=columns,
        rows=iter([["甲", dt.date(2024, 7, 1), 3, True], [None, None, 2.5, False]]),
    )
    assert count == 2
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.title == "测试导出"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "日期", "数量", "是否"],
        ["甲", dt.datetime(2024, 7, 1), 3, "是"],
        [None, None, 2.5, "否"],
    ]


@pytest.mark.django_db
def test_audit_object_types_leave_out_the_audit_models_and_are_all_in_chinese():
    make_tree()
    client = logged_in_client(SuperUserFactory())

    response = client.get(reverse("core:audit_list"))

    choices = response.context["filter_form"].fields["object_type"].choices[1:]
    audit_types = {
        str(ct.pk)
        for ct in ContentType.objects.filter(app_label="core", model__in=["auditbatch", "auditentry"])
    }
    assert len(audit_types) == 2
    assert [pk for pk, _label in choices if pk in audit_types] == []
    assert [
        str(label) for _pk, label in choices if not any("\u4e00" <= c <= "\u9fff" for c in str(label))
    ] == []
