"""Every scoped model runs the generic scope tests: a new model without them fails the suite.

A model is scoped when it declares ``scope_field`` or its default manager gives a ScopedQuerySet.
It is covered when a collected test class (named ``Test…``) derived from the generic view tests
(core.testing.views.ObjectViewTests) or the generic API tests (core.testing.api.APITests) declares
it as ``model``. Test modules of every project app are imported here, so the check does not depend
on which files pytest was asked to run.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from core.scope import ScopedQuerySet
from core.testing.api import APITests
from core.testing.views import ObjectViewTests

from .test_views import view_modules

#: scoped models that no page or endpoint serves, with the reason; the test checks the claim
NOT_SERVED: dict[str, str] = {
    "core.AuditBatch": "read only through its entries (AuditEntry.batch), which are covered",
}


def is_scoped(model: type[models.Model]) -> bool:
    if getattr(model, "scope_field", None) is not None:
        return True
    return isinstance(model._default_manager.get_queryset(), ScopedQuerySet)


def scoped_models() -> set[str]:
    return {model._meta.label for model in apps.get_models() if is_scoped(model)}


def project_apps() -> list[object]:
    base = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if base in Path(config.path).resolve().parents and ".venv" not in Path(config.path).parts
    ]


def import_test_modules() -> list[str]:
    """Import ``<app>.tests.test_*`` of every project app; returns the module names."""
    names = []
    for config in project_apps():
        package = f"{config.name}.tests"
        if not (Path(config.path) / "tests" / "__init__.py").exists():
            continue
        tests = importlib.import_module(package)
        for info in pkgutil.walk_packages(tests.__path__, prefix=f"{package}."):
            if info.name.rsplit(".", 1)[-1].startswith("test_"):
                importlib.import_module(info.name)
                names.append(info.name)
    return names


def subclasses(base: type) -> set[type]:
    found: set[type] = set()
    todo = [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def covered_models(base: type | None = None) -> dict[str, list[str]]:
    """Model label -> the collected generic test classes (derived from ``base``, or either) declaring it."""
    import_test_modules()
    covered: dict[str, list[str]] = {}
    bases = [base] if base is not None else [ObjectViewTests, APITests]
    for cls in set().union(*(subclasses(b) for b in bases)):
        model = getattr(cls, "model", None)
        if cls.__name__.startswith("Test") and model is not None:
            covered.setdefault(model._meta.label, []).append(f"{cls.__module__}.{cls.__qualname__}")
    return covered


def api_modules() -> list[Path]:
    return [Path(c.path) / "api.py" for c in project_apps() if (Path(c.path) / "api.py").exists()]


def served_by(model_name: str, modules: list[Path] | None = None) -> list[str]:
    """Page and API modules (or ``modules``) whose source names the model class."""
    base = Path(settings.BASE_DIR)
    modules = view_modules() + api_modules() if modules is None else modules
    word = re.compile(rf"\b{re.escape(model_name)}\b")
    return sorted(
        str(path.relative_to(base))
        for path in modules
        if path.exists() and word.search(path.read_text(encoding="utf-8"))
    )


def test_every_scoped_model_has_generic_scope_tests():
    covered = covered_models()

    missing = scoped_models() - set(covered) - set(NOT_SERVED)

    assert missing == set(), (
        "scoped models without a Test… class derived from ObjectViewTests or APITests "
        "(list only the subtree; 404 out of scope): " + ", ".join(sorted(missing))
    )


def test_models_named_by_pages_have_view_tests_and_by_the_api_api_tests():
    """A scoped model a page module names needs ObjectViewTests; one an api.py names, APITests."""
    views, api = covered_models(ObjectViewTests), covered_models(APITests)
    missing = []
    for label in sorted(scoped_models()):
        name = apps.get_model(label).__name__
        if served_by(name, view_modules()) and label not in views:
            missing.append(f"{label}: pages, no ObjectViewTests")
        if served_by(name, api_modules()) and label not in api:
            missing.append(f"{label}: API, no APITests")
    assert missing == []


def test_the_known_scoped_models_are_found():
    """Guards the discovery itself: these models and their test classes must be seen."""
    covered = covered_models()

    assert {
        "orgs.OrgUnit",
        "members.Member",
        "accounts.RoleAssignment",
        "core.Job",
        "core.AuditEntry",
    } <= set(covered)
    assert scoped_models() >= set(covered) - {"accounts.User"} | set(NOT_SERVED)
    assert "orgs.tests.test_views.TestOrgUnitViews" in covered["orgs.OrgUnit"]
    assert "orgs.tests.test_api.TestOrgAPI" in covered["orgs.OrgUnit"]
    assert "members.tests.test_scoped_views.TestMemberViews" in covered["members.Member"]
    assert served_by("Member", api_modules()) != []


def test_models_left_out_are_scoped_and_not_served():
    for label in NOT_SERVED:
        model = apps.get_model(label)
        assert is_scoped(model), label
        assert served_by(model.__name__) == [], f"{label} is served now: give it generic scope tests"
