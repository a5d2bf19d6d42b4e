"""Field encryption at rest (Fernet) and HMAC blind indexes for exact lookup and uniqueness.

Keys come from settings (the environment in production; dev keys generated under var/).
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if not key:
        raise RuntimeError("FIELD_ENCRYPTION_KEY is not configured")
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    if value in (None, ""):
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("cannot decrypt a personal field: wrong FIELD_ENCRYPTION_KEY?") from exc


def blind_index(value: str) -> str | None:
    """HMAC-SHA256 of the normalised value; None for empty values (so uniqueness ignores them)."""
    if value in (None, ""):
        return None
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise RuntimeError("BLIND_INDEX_KEY is not configured")
    return hmac.digest(_encoded(key), value.strip().upper().encode(), "sha256").hex()


@lru_cache(maxsize=4)
def _encoded(key: str) -> bytes:
    return key.encode()


def mask(value: str, keep_start: int, keep_end: int, fill: str = "*") -> str:
    """110105194912310021 -> 110105********0021 with keep_start=6, keep_end=4."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return fill * len(value)
    return value[:keep_start] + fill * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]
