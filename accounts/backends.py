"""Authentication with failed-login lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from . import services


class AccountLocked(Exception):
    pass


def is_locked(user: Any) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


class LockoutModelBackend(ModelBackend):
    """Counts failures per account; after LOGIN_MAX_FAILURES the account is locked for a while."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            user_model().set_password(password)  # same cost as a real check
            return None
        if is_locked(user):
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            return None
        if password is not None and user.check_password(password) and self.user_can_authenticate(user):
            services.record_login_success(user=user)
            return user
        if services.record_login_failure(user=user) and request is not None:
            request.login_locked = True  # type: ignore[attr-defined]
        return None
