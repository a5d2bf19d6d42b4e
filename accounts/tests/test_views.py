"""User administration pages: 403 without manage_users, 404 out of scope, writes through services."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, UserFactory, grant, user_with_role
from core.models import AuditEntry
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def admin(tree):
    return user_with_role(Role.ORG_DEPT_ADMIN, tree.community_a, username="admin_a")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_pages_need_manage_users(client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.street))

    for url in [
        reverse("accounts:user_list"),
        reverse("accounts:user_add"),
        reverse("accounts:user_detail", args=[user.pk]),
        reverse("accounts:user_edit", args=[user.pk]),
        reverse("accounts:user_password_reset", args=[user.pk]),
        reverse("accounts:roleassignment_add", args=[user.pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_user_list_shows_only_the_subtree_with_filters(admin_client, tree, admin):
    inside = user_with_role(Role.PARTY_WORKER, tree.branch_a1, username="inside")
    secretary = user_with_role(Role.BRANCH_SECRETARY, tree.branch_a2, username="secretary")
    user_with_role(Role.PARTY_WORKER, tree.community_b, username="outside")

    everyone = admin_client.get(reverse("accounts:user_list"))
    secretaries = admin_client.get(reverse("accounts:user_list"), {"role": Role.BRANCH_SECRETARY})
    in_a1 = admin_client.get(reverse("accounts:user_list"), {"org": tree.branch_a1.pk})
    by_name = admin_client.get(reverse("accounts:user_list"), {"q": "insi"})

    assert everyone.status_code == 200
    assert [u.username for u in everyone.context["page_obj"]] == ["admin_a", "inside", "secretary"]
    assert [u.username for u in secretaries.context["page_obj"]] == [secretary.username]
    assert [u.username for u in in_a1.context["page_obj"]] == [inside.username]
    assert [u.username for u in by_name.context["page_obj"]] == [inside.username]
    assert "用户管理" in everyone.content.decode()


def test_user_list_shows_only_roles_inside_the_subtree(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    grant(user, Role.AUDITOR, tree.other_branch)

    html = admin_client.get(reverse("accounts:user_list")).content.decode()

    assert tree.branch_a1.name in html
    assert tree.other_branch.name not in html


def test_user_list_query_count_does_not_grow_with_users(admin_client, tree):
    for _ in range(3):
        user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    admin_client.get(reverse("accounts:user_list"))  # warm up session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("accounts:user_list"))
    for _ in range(5):
        user_with_role(Role.PARTY_WORKER, tree.branch_a2)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("accounts:user_list"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_out_of_scope_user_is_404(admin_client, tree):
    outside = user_with_role(Role.PARTY_WORKER, tree.community_b)
    for name in [
        "accounts:user_detail",
        "accounts:user_edit",
        "accounts:user_password_reset",
        "accounts:roleassignment_add",
    ]:
        assert admin_client.get(reverse(name, args=[outside.pk])).status_code == 404, name
    assert admin_client.post(reverse("accounts:user_deactivate", args=[outside.pk])).status_code == 404
    outside.refresh_from_db()
    assert outside.is_active is True


def test_add_user_shows_the_temporary_password_once(admin_client, tree):
    response = admin_client.post(
        reverse("accounts:user_add"),
        {
            "username": "zhaoliu",
            "display_name": "赵六",
            "email": "",
            "role": Role.PARTY_WORKER,
            "org": tree.branch_a1.pk,
        },
    )

    assert response.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    user = User.objects.get(username="zhaoliu")
    assert user.check_password(password)
    assert user.must_change_password is True
    assert RoleAssignment.unscoped.filter(user=user, org=tree.branch_a1, role=Role.PARTY_WORKER).exists()
    detail = admin_client.get(reverse("accounts:user_detail", args=[user.pk]))
    assert password not in detail.content.decode()


def test_add_user_outside_subtree_is_a_form_error(admin_client, tree):
    response = admin_client.post(
        reverse("accounts:user_add"),
        {"username": "x1", "role": Role.PARTY_WORKER, "org": tree.community_b.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["org"]
    assert not User.objects.filter(username="x1").exists()


def test_edit_user(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1, display_name="旧")

    response = admin_client.post(
        reverse("accounts:user_edit", args=[user.pk]), {"display_name": "新", "email": "x@example.org"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.email) == ("新", "x@example.org")


def test_edit_user_with_roles_elsewhere_is_forbidden(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1, display_name="旧")
    grant(user, Role.PARTY_WORKER, tree.other_branch)

    response = admin_client.post(reverse("accounts:user_edit", args=[user.pk]), {"display_name": "新"})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.display_name == "旧"


def test_password_reset_page(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)

    confirm = admin_client.get(reverse("accounts:user_password_reset", args=[user.pk]))
    done = admin_client.post(reverse("accounts:user_password_reset", args=[user.pk]))

    assert confirm.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', done.content.decode()).group(1)
    user.refresh_from_db()
    assert user.check_password(password) and user.must_change_password


def test_deactivate_and_reactivate_pages(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)

    assert admin_client.get(reverse("accounts:user_deactivate", args=[user.pk])).status_code == 405
    assert admin_client.post(reverse("accounts:user_deactivate", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert admin_client.post(reverse("accounts:user_reactivate", args=[user.pk])).status_code == 302
    user.refresh_from_db()
    assert user.is_active is True


def test_assign_and_remove_role_pages(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)

    form = admin_client.get(reverse("accounts:roleassignment_add", args=[user.pk]))
    org_ids = {org.pk for org in form.context["form"].fields["org"].queryset}
    roles = {value for value, _label in form.context["form"].fields["role"].choices}
    added = admin_client.post(
        reverse("accounts:roleassignment_add", args=[user.pk]),
        {"role": Role.AUDITOR, "org": tree.branch_a2.pk},
    )

    assert org_ids == {tree.community_a.pk, tree.branch_a1.pk, tree.branch_a2.pk}
    assert Role.SYSTEM_ADMIN not in roles
    assert added.status_code == 302
    assignment = RoleAssignment.unscoped.get(user=user, role=Role.AUDITOR)
    assert (
        admin_client.get(reverse("accounts:roleassignment_delete", args=[assignment.pk])).status_code == 200
    )
    removed = admin_client.post(reverse("accounts:roleassignment_delete", args=[assignment.pk]))
    assert removed.status_code == 302
    assert not RoleAssignment.unscoped.filter(pk=assignment.pk).exists()
    assert AuditEntry.unscoped.count() == 2


def test_remove_role_outside_subtree_is_404(admin_client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    elsewhere = grant(user, Role.PARTY_WORKER, tree.other_branch)

    assert (
        admin_client.post(reverse("accounts:roleassignment_delete", args=[elsewhere.pk])).status_code == 404
    )
    assert RoleAssignment.unscoped.filter(pk=elsewhere.pk).exists()


def test_superuser_sees_everyone(client, tree):
    outside = user_with_role(Role.PARTY_WORKER, tree.other_branch)
    inside = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    without_role = UserFactory(username="no_role")
    client.force_login(SuperUserFactory(username="root"))

    listed = client.get(reverse("accounts:user_list"))
    detail = client.get(reverse("accounts:user_detail", args=[outside.pk]))

    assert {u.username for u in listed.context["page_obj"]} == {
        outside.username,
        inside.username,
        without_role.username,
        "root",
    }
    assert (detail.status_code, detail.context["object"]) == (200, outside)


def test_system_menu_for_admins_only(client, tree, admin):
    client.force_login(admin)
    assert reverse("accounts:user_list") in client.get(reverse("core:home")).content.decode()
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.street))
    assert reverse("accounts:user_list") not in client.get(reverse("core:home")).content.decode()
