"""Idle session timeout: a session unused for SESSION_IDLE_TIMEOUT_SECONDS is logged out."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

KEY = "last_activity"


class SessionIdleTimeoutMiddleware:
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
            elif last is None or now - int(last) > 30:
                request.session[KEY] = now
        return self.get_response(request)
