"""The generic view tests for members: list, detail, add, edit and export, scoped to one community.

Out-of-scope members belong to a branch of the sibling community (``other = "community_b"``); the
generic API tests run again with the same two communities.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.views import ObjectViewTests
from members.models import Member
from members.tests import test_api
from members.tests.factories import MemberFactory
from members.tests.test_api import branch_in
from members.tests.test_views import form_data
from orgs.models import OrgUnit
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


class TestMemberViews(ObjectViewTests):
    model = Member
    views = ("list", "detail", "add", "edit", "export")
    export_via_list = False
    other = "community_b"

    def create_object(self, org: Any) -> Member:
        return MemberFactory(org=branch_in(org))

    def form_data(self, org: Any) -> dict[str, Any]:
        return form_data(branch_in(org))

    def edit_data(self, obj: Any) -> dict[str, Any]:
        # personal fields left empty keep their stored values
        return {
            **self.form_data(obj.org),
            "org": obj.org_id,
            "name": "改名后的党员",
            "id_number": "",
            "phone": "",
            "ethnicity": obj.ethnicity,
            "education": obj.education,
            "category": obj.category,
            "status": obj.status,
            "joined_on": obj.joined_on.isoformat(),
            "confirmed_on": obj.confirmed_on.isoformat() if obj.confirmed_on else "",
        }


class TestMemberAPIInACommunity(test_api.TestMemberAPI):
    def make_orgs(self) -> tuple[OrgUnit, OrgUnit]:
        tree = make_tree()
        return tree.community_a, tree.community_b
