"""Language: Chinese unless the user picked another language.

Party-affairs offices often run English-language browsers, so pages ignore the browser's
Accept-Language: they are Chinese by default and change only through the language switcher
(Django's set_language cookie). API clients (paths under /api/) are programs that ask on purpose:
there an explicit Accept-Language header is honoured, after the cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

API_PREFIX = "/api/"


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code and translation.check_for_language(code) and code in dict(settings.LANGUAGES):
        return code
    if request.path.startswith(API_PREFIX) and request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class DefaultLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
