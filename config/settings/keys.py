"""Development keys for field encryption, generated once under var/ and never committed."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any


def ensure_dev_keys(settings: dict[str, Any]) -> None:
    """Fill FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY from var/dev-keys.json when not set by the environment."""
    if settings.get("FIELD_ENCRYPTION_KEY") and settings.get("BLIND_INDEX_KEY"):
        return
    path = Path(settings["VAR_DIR"]) / "dev-keys.json"
    if path.exists():
        keys = json.loads(path.read_text())
    else:
        keys = {
            "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "BLIND_INDEX_KEY": secrets.token_hex(32),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(keys, fh)
    for name, value in keys.items():
        if not settings.get(name):
            settings[name] = value
