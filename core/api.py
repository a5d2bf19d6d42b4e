"""API base: one NinjaAPI at /api/v1/, bearer-token or session auth, JSON errors {code, message, field}."""

from __future__ import annotations

import copy
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import AfterValidator, create_model

from .exceptions import NotAllowed, OutOfScope, ServiceError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token_model = apps.get_model(settings.API_TOKEN_MODEL)  # the auth provider, named in settings
        row = (
            token_model.objects.select_related("user")
            .filter(key_hash=token_model.key_hash_of(token), user__is_active=True)
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


# -- schemas shared by every router -----------------------------------------------------------------


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """Every error response: a machine code, a message for people, and the offending field if any."""

    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] | None = Field(None, description="Schema errors (422 only).")


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: Out, **error_responses(400, 404)}``; 401 and 422 are always documented."""
    return dict.fromkeys(sorted({401, 422, *statuses}), ErrorOut)


MAX_ID = 2**63 - 1  # BigAutoField; larger numbers would overflow the database driver
MAX_OFFSET = 2**31 - 1

#: A primary key in a path, query or body: positive and within the database's integer range.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text and no database stores a lone surrogate (only JSON can carry
    # one); other C0 controls except tab and newlines are never valid input either.
    if any((ord(c) < 32 and c not in "\t\n\r") or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValueError("control characters are not allowed")
    return value


#: Refuses control characters in a string field. Put it after the length limits so their messages
#: stay "String should have at most N characters":
#: ``name: Annotated[str, Field(max_length=200), NoControlCharacters]``.
NoControlCharacters = AfterValidator(_no_control_characters)

#: A string from a client without a length limit, without control characters.
Text = Annotated[str, NoControlCharacters]


def partial_schema(
    schema: type[Schema], name: str, *, exclude: set[str] | frozenset[str] = frozenset()
) -> type[Schema]:
    """A PATCH body: ``schema``'s fields, each optional; read the sent ones with ``exclude_unset``."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        if field_name in exclude:
            continue
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    return create_model(name, __base__=Schema, __doc__=f"Any fields of {schema.__name__}.", **fields)


# -- pagination -------------------------------------------------------------------------------------


class LimitOffset(LimitOffsetPagination):
    """``?limit=&offset=`` -> ``{"count": n, "items": [...]}``: one count query and one page query."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=1000, description="Page size, at most 1000.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=1000, **kwargs)


def paged(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a list endpoint that returns a queryset: ``@router.get(..., response=list[Out])``."""
    return paginate(LimitOffset)(func)


def sent_fields(payload: Schema, *, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields the client sent (PATCH semantics), enums as their values, ready for a service."""
    fields = payload.model_dump(exclude_unset=True, exclude=set(exclude))
    return {k: v.value if isinstance(v, Enum) else v for k, v in fields.items()}


def request_user(request: HttpRequest) -> Any:
    """The authenticated user (bearer token or session); every route runs after authentication."""
    return request.auth  # type: ignore[attr-defined]


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as itself, not as \\uXXXX escapes: readable with curl and in logs."""

    json_dumps_params = {"ensure_ascii": False}


class GrassrootsAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the 401 and 422 error bodies on every operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        ref_template = "#/components/schemas/{model}"
        error_schema = ErrorOut.model_json_schema(ref_template=ref_template)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components.setdefault("ErrorOut", error_schema)
        error = {"content": {"application/json": {"schema": {"$ref": ref_template.format(model="ErrorOut")}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault(401, {"description": "Unauthorized", **error})
                responses.setdefault(422, {"description": "Unprocessable Content", **error})
        return schema


api = GrassrootsAPI(
    title="Grassroots API",
    version="1",
    description="基层党建综合管理平台 API. Errors are JSON objects {code, message, field}.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    renderer=Utf8JSONRenderer(),
)


def _json_error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, field), status=status)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
        if isinstance(e, dict)
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid input"}
    sources = ("body", "query", "path", "payload", "filters", "pagination")
    loc = [str(p) for p in first["loc"] if p not in sources]
    return api.create_response(
        request, {**error_body("invalid", first["msg"], ".".join(loc) or None), "errors": errors}, status=422
    )


@api.exception_handler(ServiceError)
def _service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if isinstance(exc, OutOfScope):
        return _json_error(request, 404, "not_found", exc.message, exc.field)
    if isinstance(exc, NotAllowed):
        return _json_error(request, 403, "permission_denied", exc.message, exc.field)
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
