"""The audit log names the orgs a change points to, in one query, and only those the user may see."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import logged_in_client, user_with_role
from core.models import AuditAction, AuditEntry
from core.views import AuditListView, attach_related_names, describe_changes
from members.models import Member
from orgs.tests.factories import make_tree


def _move(tree, before, after):
    return AuditEntry.unscoped.create(
        action=AuditAction.MOVE,
        content_type=ContentType.objects.get_for_model(Member),
        object_id="1",
        object_repr="张三",
        org=tree.branch_a1,
        changes={"org": [before.pk, after.pk]},
    )


@pytest.mark.django_db
def test_foreign_keys_show_names_the_user_may_see_and_ids_otherwise():
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    inside = _move(tree, tree.branch_a2, tree.branch_a1)
    outside = _move(tree, tree.branch_b1, tree.branch_a1)

    entries = attach_related_names([inside, outside], user)

    assert describe_changes(entries[0])[0][1:] == ("东风社区第二党支部", "东风社区第一党支部")
    assert describe_changes(entries[1])[0][1:] == (tree.branch_b1.pk, "东风社区第一党支部")


@pytest.mark.django_db
def test_names_cost_one_query_per_related_model_whatever_the_number_of_entries():
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.street)
    entries = [_move(tree, tree.branch_a2, tree.branch_a1) for _ in range(3)] + [
        _move(tree, tree.branch_b1, tree.branch_a2) for _ in range(3)
    ]
    user.get_scope_paths("view")  # the grant lookup is cached per request

    with CaptureQueriesContext(connection) as queries:
        attach_related_names(entries, user)

    assert len(queries) == 1


@pytest.mark.django_db
def test_audit_list_page_shows_org_names():
    tree = make_tree()
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    _move(tree, tree.branch_a2, tree.branch_a1)

    page = logged_in_client(user).get(reverse("core:audit_list")).content.decode()

    assert "东风社区第二党支部" in page
    assert "东风社区第一党支部" in page


@pytest.mark.django_db
def test_booleans_read_as_yes_and_no():
    tree = make_tree()
    entry = AuditEntry.unscoped.create(
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(Member),
        object_id="1",
        org=tree.branch_a1,
        changes={"is_mobile": [False, True]},
    )

    assert describe_changes(entry) == [("流动党员", "否", "是")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.MEMBER_SELF, 403),
        (Role.BRANCH_SECRETARY, 403),
        (Role.AUDITOR, 200),
        (Role.PARTY_WORKER, 200),
        (Role.ORG_DEPT_ADMIN, 200),
    ],
)
def test_only_roles_with_view_audit_read_the_audit_log(role, status):
    tree = make_tree()
    _move(tree, tree.branch_a2, tree.branch_a1)
    client = logged_in_client(user_with_role(role, tree.community_a))

    assert client.get(reverse("core:audit_list")).status_code == status
    assert client.get(reverse("core:audit_list"), {"export": "xlsx"}).status_code == status


@pytest.mark.django_db
def test_the_audit_export_needs_view_audit_as_well_as_export():
    tree = make_tree()
    entry = _move(tree, tree.branch_a2, tree.branch_a1)
    auditor = user_with_role(Role.AUDITOR, tree.street)  # view_audit and export
    secretary = user_with_role(Role.BRANCH_SECRETARY, tree.street)  # export, no view_audit

    def exported(user):
        view = AuditListView()
        view.request = RequestFactory().get("/")
        view.request.user = user
        return list(view.get_base_queryset("export"))

    assert exported(auditor) == [entry]
    assert exported(secretary) == []
