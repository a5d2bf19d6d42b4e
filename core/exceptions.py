"""Errors services raise; views and the API turn them into messages and JSON errors."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused business operation: what is wrong, and which field, for the user."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class OutOfScope(ServiceError):
    """The actor may not act on this object; callers show it as not found."""

    code = "not_found"


class NotAllowed(ServiceError):
    code = "permission_denied"
