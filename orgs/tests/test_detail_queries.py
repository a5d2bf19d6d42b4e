"""The org detail page reads its history in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from orgs import services
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


def _detail_queries(client, changes: int) -> int:
    tree = make_tree()
    admin = user_with_role(Role.ORG_DEPT_ADMIN, tree.street)
    for i in range(changes):
        services.update_org(actor=admin, org=tree.street, name=f"Street {i}")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:orgunit_detail", args=[tree.street.pk]))
    assert response.status_code == 200
    assert len(response.context["history"]) == changes
    return len(ctx.captured_queries)


def test_detail_history_does_not_query_per_entry(client):
    assert _detail_queries(client, 1) == _detail_queries(client, 12)
