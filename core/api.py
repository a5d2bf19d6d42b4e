"""API base: one NinjaAPI at /api/v1/, bearer-token or session auth, JSON errors {code, message, field}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from .exceptions import NotAllowed, OutOfScope, ServiceError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.apps import apps

        token_model = apps.get_model("accounts", "ApiToken")
        from accounts.models import hash_token  # accounts is the auth provider, configured in settings

        row = (
            token_model.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if row is None or (row.expires_at and row.expires_at < timezone.now()):
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 60:
            token_model.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods need the CSRF token as Django forms do."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


api = NinjaAPI(
    title="Grassroots API",
    version="1",
    description="基层党建综合管理平台 API. Errors are JSON objects {code, message, field}.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def _json_error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, field), status=status)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    message = first.get("msg", "invalid input")
    return api.create_response(
        request,
        {**error_body("invalid", message, ".".join(loc) or None), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(ServiceError)
def _service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if isinstance(exc, OutOfScope):
        return _json_error(request, 404, "not_found", exc.message)
    if isinstance(exc, NotAllowed):
        return _json_error(request, 403, "permission_denied", exc.message)
    return _json_error(request, 400, exc.code, exc.message, exc.field)


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return _json_error(
            request,
            400,
            "invalid",
            "; ".join(e.messages[0] for e in errors),
            None if field == "__all__" else field,
        )
    return _json_error(request, 400, "invalid", "; ".join(exc.messages))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json_error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return _json_error(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json_error(request, 403, "permission_denied", str(exc) or "Permission denied.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _json_error(request, 401, "unauthenticated", "Authentication required.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "invalid",
        401: "unauthenticated",
        403: "permission_denied",
        404: "not_found",
        409: "conflict",
    }
    return _json_error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("grassroots.api").exception("API error")
    return _json_error(request, 500, "server_error", "Internal error.")
