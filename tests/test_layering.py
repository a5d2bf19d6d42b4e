"""The app layers (ARCHITECTURE.md): an app never imports an app above it.

core is below every domain app; accounts and orgs are below members; stats reads everything and
nothing reads stats. Checked on the source with ``ast`` (lazy imports inside functions included), for
every module but the apps' own tests, which may build their fixtures with other apps' factories.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_APPS = {"accounts", "orgs", "members", "stats", "demo"}
FORBIDDEN: dict[str, set[str]] = {
    "core": DOMAIN_APPS,
    "accounts": {"members", "stats", "demo"},
    "orgs": {"members", "stats", "demo"},
    "members": {"stats", "demo"},
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement; relative imports are left out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def app_modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "tests" not in p.relative_to(ROOT).parts)


def violations(app: str) -> list[str]:
    forbidden = FORBIDDEN[app]
    found = []
    for path in app_modules(app):
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_no_app_above_it(app):
    assert app_modules(app), f"no modules found for {app}"
    assert violations(app) == []


def test_the_check_sees_lazy_and_from_imports():
    source = "import os\nfrom stats.selectors import x\n\ndef f():\n    import members.models\n    from . import y\n"

    assert imported_modules(source) == [(1, "os"), (2, "stats.selectors"), (5, "members.models")]
