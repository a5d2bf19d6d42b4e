"""Screenshots of browser test steps at the office screen size, for people to look at.

They go to $BROWSER_SHOTS_DIR (default /tmp/browser_shots); a failing test's screenshot is taken
separately by conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SHOTS_DIR = Path(os.environ.get("BROWSER_SHOTS_DIR", "/tmp/browser_shots"))
VIEWPORT = {"width": 1366, "height": 768}


def shot(page_or_locator: Any, name: str) -> Path:
    """A PNG of the whole page (or of one element) named ``name``."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    target = SHOTS_DIR / f"{name}.png"
    if hasattr(page_or_locator, "set_viewport_size"):
        page_or_locator.screenshot(path=str(target), full_page=True)
    else:
        page_or_locator.screenshot(path=str(target))
    return target
