"""Authentication with failed-login lockout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone


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
            if user.failed_logins or user.locked_until:
                user_model._default_manager.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        failures = user.failed_logins + 1
        update: dict[str, Any] = {"failed_logins": failures}
        if failures >= settings.LOGIN_MAX_FAILURES:
            update = {
                "failed_logins": 0,
                "locked_until": timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES),
            }
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
        user_model._default_manager.filter(pk=user.pk).update(**update)
        return None
