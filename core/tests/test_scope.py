"""Scoping: minimal paths, for_user by granted subtrees and actions, superusers, user_can."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, UserFactory, grant, user_with_role
from core.scope import minimal_paths, subtree_q, user_can
from orgs.models import OrgUnit
from orgs.tests.factories import make_tree


def test_minimal_paths_drops_nested_and_duplicate_paths():
    assert minimal_paths(["00010002", "0001", "0002", "0001", "000100020003"]) == ["0001", "0002"]
    assert minimal_paths([]) == []


def test_minimal_paths_keeps_siblings_with_a_common_prefix_of_other_length():
    assert minimal_paths(["00010001", "00010002"]) == ["00010001", "00010002"]


@pytest.mark.django_db
def test_subtree_q_without_paths_selects_nothing():
    make_tree()
    assert OrgUnit.unscoped.filter(subtree_q("", [])).count() == 0


@pytest.fixture
def tree(db):
    return make_tree()


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_no_grant_sees_nothing(tree):
    assert OrgUnit.objects.for_user(UserFactory(), "view").count() == 0


def test_anonymous_and_inactive_see_nothing(tree):
    inactive = user_with_role(Role.SYSTEM_ADMIN, tree.street, is_active=False)
    assert OrgUnit.objects.for_user(AnonymousUser(), "view").count() == 0
    assert OrgUnit.objects.for_user(inactive, "view").count() == 0


def test_subtree_grant_sees_the_subtree_only(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    assert names(OrgUnit.objects.for_user(user, "view")) == {
        tree.community_a.name,
        tree.branch_a1.name,
        tree.branch_a2.name,
    }


def test_two_grants_add_up_and_nested_grants_do_not_duplicate(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    grant(user, Role.PARTY_WORKER, tree.branch_a1)
    grant(user, Role.PARTY_WORKER, tree.other_branch)
    qs = OrgUnit.objects.for_user(user, "view")
    assert qs.count() == 4
    assert names(qs) == {
        tree.community_a.name,
        tree.branch_a1.name,
        tree.branch_a2.name,
        tree.other_branch.name,
    }


def test_superuser_sees_everything(tree):
    assert OrgUnit.objects.for_user(SuperUserFactory(), "delete").count() == OrgUnit.unscoped.count() == 8


def test_actions_follow_the_role(tree):
    auditor = user_with_role(Role.AUDITOR, tree.street)
    assert OrgUnit.objects.for_user(auditor, "view").count() == 6
    assert OrgUnit.objects.for_user(auditor, "change").count() == 0
    assert user_can(auditor, "view", tree.branch_a1) is True
    assert user_can(auditor, "change", tree.branch_a1) is False


def test_action_specific_grants_per_subtree(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    grant(user, Role.AUDITOR, tree.community_b)
    assert names(OrgUnit.objects.for_user(user, "change")) == {
        tree.community_a.name,
        tree.branch_a1.name,
        tree.branch_a2.name,
    }
    assert OrgUnit.objects.for_user(user, "view").count() == 5


def test_unknown_action_is_an_error(tree):
    with pytest.raises(ValueError, match="fly"):
        OrgUnit.objects.for_user(UserFactory(), "fly")


def test_grants_on_dissolved_orgs_give_nothing(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.community_b)
    OrgUnit.unscoped.filter(pk=tree.community_b.pk).update(status="dissolved", dissolved_on="2024-01-01")
    user.clear_scope_cache()
    assert OrgUnit.objects.for_user(user, "view").count() == 0


def test_user_can_at_a_path_and_anywhere(tree):
    user = user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1)
    assert user_can(user, "approve", org_path=tree.branch_a1.path) is True
    assert user_can(user, "approve", org_path=tree.branch_a2.path) is False
    assert user_can(user, "approve") is True
    assert user_can(user, "delete") is False
    assert user_can(SuperUserFactory(), "delete", tree.other_branch) is True


def test_in_subtree(tree):
    assert names(OrgUnit.unscoped.get_queryset().in_subtree(tree.community_b.path)) == {
        tree.community_b.name,
        tree.branch_b1.name,
    }
