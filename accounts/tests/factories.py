"""User factories and role grants for tests of every app."""

from __future__ import annotations

from typing import Any

import factory
from django.test import Client

from accounts.models import RoleAssignment, User
from accounts.roles import Role

PASSWORD = "Test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    """A plain active user without any role; log in with ``PASSWORD`` or ``client.force_login``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class SuperUserFactory(UserFactory):
    is_superuser = True
    is_staff = True


def grant(user: User, role: str | Role, org: Any) -> RoleAssignment:
    """Give ``user`` ``role`` over ``org``'s subtree and forget the user's cached scope."""
    assignment = RoleAssignment.unscoped.create(user=user, role=role, org=org)
    user.clear_scope_cache()
    return assignment


def user_with_role(role: str | Role, org: Any, **kwargs: Any) -> User:
    """A new user holding ``role`` over ``org``."""
    user = UserFactory(**kwargs)
    grant(user, role, org)
    return user


def logged_in_client(user: User) -> Client:
    """A test client with ``user`` logged in."""
    client = Client()
    client.force_login(user)
    return client
