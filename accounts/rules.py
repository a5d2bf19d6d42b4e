"""Pure rules of user administration: which roles an administrator may hand out, temporary passwords."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from .roles import Role

# No 0/O, 1/l/I: a temporary password is read from the screen and typed by hand.
TEMP_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
TEMP_PASSWORD_LENGTH = 12


def assignable_roles(*, is_superuser: bool, actor_roles: Iterable[str]) -> list[str]:
    """Roles an administrator may assign: only system administrators make system administrators."""
    if is_superuser or Role.SYSTEM_ADMIN in set(actor_roles):
        return [r.value for r in Role]
    return [r.value for r in Role if r != Role.SYSTEM_ADMIN]


def path_inside(path: str, paths: list[str] | None) -> bool:
    """Whether an org path lies in one of the granted subtrees (None: everywhere)."""
    return paths is None or any(path.startswith(p) for p in paths)


def temporary_password() -> str:
    """A random password with upper and lower letters and digits, never all digits."""
    while True:
        candidate = "".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(TEMP_PASSWORD_LENGTH))
        if (
            any(c.isdigit() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.islower() for c in candidate)
        ):
            return candidate


def lockout_due(failures: int, max_failures: int) -> bool:
    """Whether ``failures`` consecutive failed logins lock the account (LOGIN_MAX_FAILURES, configurable)."""
    return max_failures > 0 and failures >= max_failures
