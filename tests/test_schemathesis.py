"""Property-based API tests: schemathesis walks every operation of /api/v1/openapi.json in-process.

The app is Django's WSGI handler under the test settings, so requests hit the test database inside
each test's transaction. A real bearer token of an org-department administrator over a small tree
authenticates every call. Each operation gets a bounded, derandomized run; the checks are: no 5xx,
documented status codes and content types, and responses that match their schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from accounts.roles import Role
from accounts.tests.factories import user_with_role
from orgs.tests.factories import make_tree

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: keep the test's connection (and its transaction) across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Caller:
    token: str
    org_ids: list[int]  # the small tree: granted street first, then the out-of-scope town


@pytest.fixture
def caller(db: None) -> Caller:
    tree = make_tree()
    user = user_with_role(Role.ORG_DEPT_ADMIN, tree.street)
    _token, raw = ApiToken.generate(user, description="schemathesis")
    return Caller(raw, [getattr(tree, name).pk for name in tree.__dataclass_fields__])


#: Parameters that name an org; random ids would almost never hit one.
ORG_PATH_PARAMETERS = ("org_id",)
ORG_QUERY_PARAMETERS = ("ancestor", "org")
ORG_BODY_FIELDS = ("parent", "org")


def point_at_real_orgs(case: schemathesis.Case, org_ids: list[int]) -> None:
    """Map three in four valid generated org ids onto orgs of the tree (in and out of scope)."""

    def pick(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1 and value % 4:
            return org_ids[value % len(org_ids)]
        return value

    for params, names in (
        (case.path_parameters, ORG_PATH_PARAMETERS),
        (case.query, ORG_QUERY_PARAMETERS),
        (case.body, ORG_BODY_FIELDS),
    ):
        if isinstance(params, dict):
            for name in names:
                if name in params:
                    params[name] = pick(params[name])


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=MAX_EXAMPLES, deterministic=True, database="none"
)
# The coverage phase sends every boundary and invalid value of every field: hundreds of requests for
# a wide body, unbounded by max_examples. The bounded fuzzing phase (valid and invalid data) stays.
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: schemathesis.Case, caller: Caller) -> None:
    point_at_real_orgs(case, caller.org_ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {caller.token}"}, checks=CHECKS)
