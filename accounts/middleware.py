"""Idle session timeout, and the forced password change after an administrator's reset."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

KEY = "last_activity"


class SessionIdleTimeoutMiddleware:
    """A session unused for SESSION_IDLE_TIMEOUT_SECONDS is logged out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(KEY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                request.session_expired = True  # type: ignore[attr-defined]
                messages.info(
                    request, _("Your session expired after a period of inactivity. Please log in again.")
                )
            elif last is None or now - int(last) > 30:
                request.session[KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user with a temporary password sees only the password change page (and may log out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(
                ("/" + settings.STATIC_URL.lstrip("/"), "/api/")
            ):
                return redirect("accounts:password_change")
        return self.get_response(request)
