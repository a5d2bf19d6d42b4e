"""The project's docs/glossary.md and docs/rules.md stay in step with the shared originals.

The shared documents sit beside the repository (../shared) on development machines and in CI; the
project copies may add to them but may not drop or change a line of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.mark.parametrize(
    ("shared_name", "copy_name"), [("GLOSSARY.md", "glossary.md"), ("RULES.md", "rules.md")]
)
def test_project_copy_contains_every_line_of_the_shared_document(shared_name, copy_name):
    shared = SHARED / shared_name
    if not shared.exists():
        pytest.skip(f"{shared} is not beside this checkout")
    copy_lines = set((REPO / "docs" / copy_name).read_text(encoding="utf-8").splitlines())
    missing = [
        line
        for line in shared.read_text(encoding="utf-8").splitlines()
        if line.strip() and line not in copy_lines
    ]
    assert missing == []


def test_architecture_and_performance_docs_exist():
    for name in ("architecture.md", "glossary.md", "rules.md", "performance.md"):
        assert (REPO / "docs" / name).read_text(encoding="utf-8").startswith("# ")
