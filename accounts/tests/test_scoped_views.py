"""The generic view tests for user administration: users and their role assignments.

A subtree administrator (org_dept_admin on community A) manages the users holding a role inside
community A; users and assignments of the sibling community B are a 404 (``other = "community_b"``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.tests.factories import grant, user_with_role
from core.models import AuditEntry
from core.testing.views import ObjectViewTests, World

pytestmark = pytest.mark.django_db


class TestUserViews(ObjectViewTests):
    model = User
    url_base = "accounts:user"
    # add answers 200 with the one-time password, not a redirect: tested below
    views = ("list", "detail", "edit")
    other = "community_b"

    def create_object(self, org: Any) -> User:
        return user_with_role(Role.PARTY_WORKER, org)

    def form_data(self, org: Any) -> dict[str, Any]:
        return {"username": "new-user", "display_name": "新用户", "role": Role.PARTY_WORKER, "org": org.pk}

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"display_name": "改名后的用户", "email": "renamed@example.org"}

    def listed_pks(self, response: Any) -> set[Any]:
        return {user.pk for user in response.context["page_obj"]}

    def filter_org_of(self, response: Any) -> Any:
        return response.context["filter_form"].filters().get("org")

    # -- add -----------------------------------------------------------------------------------------
    def test_add_in_scope_creates_the_user_and_its_role(self, world: World, member: Any) -> None:
        client = self.client_for(member)
        audits = AuditEntry.unscoped.count()

        response = client.post(self.add_url(world.org), self.form_data(world.org))

        assert response.status_code == 200
        user = User.objects.get(username="new-user")
        assert response.context["object"] == user
        assert list(RoleAssignment.unscoped.filter(user=user).values_list("role", "org")) == [
            (Role.PARTY_WORKER, world.org.pk)
        ]
        # one entry for the user, one for the role assignment
        assert AuditEntry.unscoped.count() == audits + 2

    def test_add_without_permission_is_403(self, world: World, nobody: Any, viewer: Any) -> None:
        before, audits = self.object_count(), AuditEntry.unscoped.count()
        for user in (nobody, viewer):
            client = self.client_for(user)
            assert client.get(self.add_url(world.org)).status_code == 403
            assert client.post(self.add_url(world.org), self.form_data(world.org)).status_code == 403
        assert (self.object_count(), AuditEntry.unscoped.count()) == (before, audits)

    def test_add_out_of_scope_is_refused(self, world: World, member: Any) -> None:
        before, audits = self.object_count(), AuditEntry.unscoped.count()

        response = self.client_for(member).post(
            self.add_url(world.other_org), self.form_data(world.other_org)
        )

        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["org"]
        assert (self.object_count(), AuditEntry.unscoped.count()) == (before, audits)

    # -- the other one-object pages --------------------------------------------------------------------
    @pytest.mark.parametrize("view", ["password_reset", "deactivate", "reactivate"])
    def test_user_actions_out_of_scope_are_404(self, world: World, member: Any, view: str) -> None:
        user = self.create_object(world.other_org)
        audits = AuditEntry.unscoped.count()

        response = self.client_for(member).post(self.url(view, user))

        assert response.status_code == 404
        user.refresh_from_db()
        assert user.is_active is True
        assert AuditEntry.unscoped.count() == audits


class TestRoleAssignmentViews(ObjectViewTests):
    """Assignments are listed on the user page; adding one is a page of its user."""

    model = RoleAssignment
    url_base = "accounts:roleassignment"
    views = ("add", "delete")
    other = "community_b"

    def build_world(self) -> World:
        world = super().build_world()
        # the users roles are added to, made before the tests count rows
        self.holders = {
            org.pk: user_with_role(Role.PARTY_WORKER, org) for org in (world.org, world.other_org)
        }
        return world

    def create_object(self, org: Any) -> RoleAssignment:
        return user_with_role(Role.PARTY_WORKER, org).role_assignments.get()

    def add_url(self, org: Any) -> str:
        return reverse(self.url_name("add"), args=[self.holders[org.pk].pk])

    def form_data(self, org: Any) -> dict[str, Any]:
        return {"role": Role.AUDITOR, "org": org.pk}

    def test_add_to_an_in_scope_user_on_an_org_out_of_scope_is_refused(
        self, world: World, member: Any
    ) -> None:
        before, audits = self.object_count(), AuditEntry.unscoped.count()

        response = self.client_for(member).post(self.add_url(world.org), self.form_data(world.other_org))

        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["org"]
        assert (self.object_count(), AuditEntry.unscoped.count()) == (before, audits)

    def test_user_page_lists_only_the_assignments_in_scope(self, world: World, member: Any) -> None:
        user = user_with_role(Role.PARTY_WORKER, world.tree.branch_a1)
        inside = user.role_assignments.get()
        outside = grant(user, Role.AUDITOR, world.other_org)

        response = self.client_for(member).get(reverse("accounts:user_detail", args=[user.pk]))

        assert response.status_code == 200
        assert [a.pk for a in response.context["assignments"]] == [inside.pk]
        assert reverse(self.url_name("delete"), args=[outside.pk]) not in response.content.decode()
