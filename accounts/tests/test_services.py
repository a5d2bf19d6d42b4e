"""User administration services: scope of a subtree administrator, audit, refusals change nothing."""

from __future__ import annotations

import pytest

from accounts import rules, services
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.selectors import list_manageable_users, list_visible_users
from accounts.tests.factories import SuperUserFactory, UserFactory, grant, user_with_role
from core.exceptions import NotAllowed, OutOfScope, ServiceError
from core.models import AuditAction, AuditEntry
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def admin(tree):
    """Administrator of community A's subtree."""
    return user_with_role(Role.ORG_DEPT_ADMIN, tree.community_a, username="admin_a")


def test_temporary_password_is_mixed():
    password = rules.temporary_password()
    assert len(password) == rules.TEMP_PASSWORD_LENGTH
    assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def test_only_system_admins_assign_system_admin():
    assert Role.SYSTEM_ADMIN not in rules.assignable_roles(is_superuser=False, actor_roles={"org_dept_admin"})
    assert Role.SYSTEM_ADMIN in rules.assignable_roles(is_superuser=False, actor_roles={"system_admin"})
    assert Role.SYSTEM_ADMIN in rules.assignable_roles(is_superuser=True, actor_roles=set())


def test_subtree_admin_sees_users_with_a_role_inside(tree, admin):
    inside = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    both = user_with_role(Role.PARTY_WORKER, tree.branch_a2)
    grant(both, Role.PARTY_WORKER, tree.other_branch)
    outside = user_with_role(Role.PARTY_WORKER, tree.community_b)
    roleless = UserFactory()

    assert set(list_visible_users(admin)) == {admin, inside, both}
    assert set(list_manageable_users(admin)) == {admin, inside}
    assert set(list_visible_users(SuperUserFactory())) >= {admin, inside, both, outside, roleless}


def test_create_user_with_role_inside_subtree(tree, admin):
    user, password = services.create_user(
        actor=admin, username="zhangsan", display_name="张三", role=Role.BRANCH_SECRETARY, org=tree.branch_a1
    )

    assert user.check_password(password)
    assert user.must_change_password is True
    assert list(user.role_assignments.values_list("role", "org")) == [
        (Role.BRANCH_SECRETARY, tree.branch_a1.pk)
    ]
    entries = list(AuditEntry.unscoped.order_by("id").values_list("action", "object_repr", "org"))
    assert entries == [
        (AuditAction.CREATE, "张三", tree.community_a.pk),
        (AuditAction.CREATE, f"张三 · 支部书记 · {tree.branch_a1.name}", tree.branch_a1.pk),
    ]
    user_entry = AuditEntry.unscoped.filter(object_id=str(user.pk), action=AuditAction.CREATE).first()
    assert "password" not in user_entry.changes


def test_create_user_outside_subtree_is_refused_and_creates_nothing(tree, admin):
    count = User.objects.count()
    with pytest.raises(OutOfScope):
        services.create_user(actor=admin, username="lisi", role=Role.PARTY_WORKER, org=tree.community_b)
    with pytest.raises(ServiceError):
        services.create_user(actor=admin, username="lisi")  # no role: the admin could not see the user
    with pytest.raises(NotAllowed):
        services.create_user(actor=admin, username="lisi", role=Role.SYSTEM_ADMIN, org=tree.branch_a1)
    assert User.objects.count() == count
    assert AuditEntry.unscoped.count() == 0


def test_duplicate_username_refused(tree, admin):
    UserFactory(username="wangwu")
    with pytest.raises(ServiceError) as exc:
        services.create_user(actor=admin, username="WangWu", role=Role.PARTY_WORKER, org=tree.branch_a1)
    assert exc.value.field == "username"


def test_update_user_records_only_changed_fields(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1, display_name="旧名", email="a@example.org")

    services.update_user(actor=admin, user=user, display_name="新名", email="a@example.org")

    entry = AuditEntry.unscoped.get()
    assert entry.changes == {"display_name": ["旧名", "新名"]}
    assert entry.org == tree.community_a


def test_subtree_admin_cannot_change_a_user_who_also_acts_elsewhere(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1, display_name="甲")
    grant(user, Role.PARTY_WORKER, tree.other_branch)
    password_hash = user.password

    with pytest.raises(NotAllowed):
        services.update_user(actor=admin, user=user, display_name="乙")
    with pytest.raises(NotAllowed):
        services.reset_password(actor=admin, user=user)
    with pytest.raises(NotAllowed):
        services.set_user_active(actor=admin, user=user, active=False)

    user.refresh_from_db()
    assert (user.display_name, user.password, user.is_active) == ("甲", password_hash, True)
    assert AuditEntry.unscoped.count() == 0


def test_out_of_scope_user_is_not_found(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.community_b)
    display_name = user.display_name
    with pytest.raises(OutOfScope):
        services.update_user(actor=admin, user=user, display_name="x")

    user.refresh_from_db()
    assert user.display_name == display_name != "x"
    assert AuditEntry.unscoped.count() == 0


def test_reset_password_unlocks_and_forces_change(tree, admin):
    from django.utils import timezone

    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    User.objects.filter(pk=user.pk).update(failed_logins=3, locked_until=timezone.now())

    password = services.reset_password(actor=admin, user=user)

    user.refresh_from_db()
    assert user.check_password(password)
    assert (user.must_change_password, user.failed_logins, user.locked_until) == (True, 0, None)
    entry = AuditEntry.unscoped.get()
    assert entry.changes == {"must_change_password": [False, True], "password": ["***", "***"]}
    assert password not in str(entry.changes)


def test_deactivate_and_reactivate(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)

    services.set_user_active(actor=admin, user=user, active=False)
    user.refresh_from_db()
    assert user.is_active is False
    services.set_user_active(actor=admin, user=user, active=True)
    user.refresh_from_db()
    assert user.is_active is True
    assert list(AuditEntry.unscoped.order_by("id").values_list("changes", flat=True)) == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_cannot_deactivate_self(admin):
    with pytest.raises(ServiceError):
        services.set_user_active(actor=admin, user=admin, active=False)
    admin.refresh_from_db()
    assert admin.is_active is True


def test_assign_role_inside_only(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)

    assignment = services.assign_role(actor=admin, user=user, role=Role.AUDITOR, org=tree.branch_a2)
    assert assignment.org == tree.branch_a2
    with pytest.raises(OutOfScope):
        services.assign_role(actor=admin, user=user, role=Role.AUDITOR, org=tree.other_branch)
    with pytest.raises(ServiceError):
        services.assign_role(actor=admin, user=user, role=Role.AUDITOR, org=tree.branch_a2)  # duplicate

    assert RoleAssignment.unscoped.filter(user=user).count() == 2
    assert AuditEntry.unscoped.count() == 1


def test_remove_role(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    assignment = RoleAssignment.unscoped.get(user=user)

    services.remove_role(actor=admin, assignment=assignment)

    assert not RoleAssignment.unscoped.filter(pk=assignment.pk).exists()
    entry = AuditEntry.unscoped.get()
    assert (entry.action, entry.org) == (AuditAction.DELETE, tree.branch_a1)
    assert entry.changes == {
        "org": [tree.branch_a1.pk, None],
        "role": [Role.PARTY_WORKER, None],
        "user": [user.pk, None],
    }


def test_remove_role_outside_subtree_refused(tree, admin):
    user = user_with_role(Role.PARTY_WORKER, tree.branch_a1)
    elsewhere = grant(user, Role.PARTY_WORKER, tree.other_branch)

    with pytest.raises(OutOfScope):
        services.remove_role(actor=admin, assignment=elsewhere)
    assert RoleAssignment.unscoped.filter(pk=elsewhere.pk).exists()


def test_non_admin_may_not_manage(tree):
    worker = user_with_role(Role.PARTY_WORKER, tree.community_a)
    with pytest.raises(NotAllowed):
        services.create_user(actor=worker, username="x", role=Role.PARTY_WORKER, org=tree.branch_a1)
    assert not User.objects.filter(username="x").exists()


def test_issue_token_stores_only_the_hash(tree):
    from accounts.models import ApiToken, hash_token

    user = UserFactory()
    token, raw = services.issue_token(actor=None, user=user, description="sync")

    assert ApiToken.objects.get().key_hash == hash_token(raw)
    assert raw not in str(AuditEntry.unscoped.get().changes)
    assert token.prefix == raw[:8]
