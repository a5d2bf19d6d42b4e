"""The 党小组 column of the member import: by code or by name under the member's org, errors with
row, column and reason (nothing written), a blank cell keeps the group, and a change is audited."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from members.importers import MemberImporter
from members.models import Member
from members.tests.test_imports import (  # _chinese: the autouse fixture, messages in Chinese
    HEADER,
    _chinese,  # noqa: F401
    counts,
    person,
    problems,
    run,
    sheet,
)
from orgs.choices import OrgKind
from orgs.tests.factories import OrgUnitFactory, make_tree

pytestmark = pytest.mark.django_db

GROUP_HEADER = [*HEADER, "党小组"]


@pytest.fixture
def tree():
    tree = make_tree()
    tree.group_a1 = OrgUnitFactory(
        parent=tree.branch_a1, kind=OrgKind.PARTY_GROUP, code="G-A1-1", name="第一党小组"
    )
    tree.group_a1_2 = OrgUnitFactory(
        parent=tree.branch_a1, kind=OrgKind.PARTY_GROUP, code="G-A1-2", name="第二党小组"
    )
    tree.group_a2 = OrgUnitFactory(
        parent=tree.branch_a2, kind=OrgKind.PARTY_GROUP, code="G-A2-1", name="第一党小组"
    )
    return tree


def grouped(n: int, org_code: str, group: str, **changes: Any) -> list[Any]:
    return [*person(n, org_code, **changes), group]


def group_sheet(rows: list[list[Any]]) -> Any:
    return sheet(rows, GROUP_HEADER)


def test_creates_members_with_a_group_by_code_and_by_name(tree):
    rows = [
        grouped(1, tree.branch_a1.code, "g-a1-1"),
        grouped(2, tree.branch_a1.code, "第二党小组"),
        grouped(3, tree.branch_a2.code, "第一党小组"),
        grouped(4, tree.branch_a1.code, ""),
    ]
    result = run(group_sheet(rows), tree.street)
    assert (result.ok, result.applied, result.created) == (True, True, 4)
    stored = dict(Member.unscoped.values_list("name", "party_group_id"))
    assert stored == {
        "党员1": tree.group_a1.pk,
        "党员2": tree.group_a1_2.pk,
        "党员3": tree.group_a2.pk,
        "党员4": None,
    }
    created = AuditEntry.unscoped.get(object_repr="党员2")
    assert created.changes["party_group"] == [None, tree.group_a1_2.pk]


def test_the_groups_are_loaded_once_not_per_row(tree):
    rows = [grouped(n, tree.branch_a1.code, "第一党小组") for n in range(1, 4)]
    with CaptureQueriesContext(connection) as three:
        run(group_sheet(rows), tree.street)
    Member.unscoped.all().delete()
    rows = [grouped(n, tree.branch_a1.code, "第一党小组") for n in range(1, 13)]
    with CaptureQueriesContext(connection) as twelve:
        run(group_sheet(rows), tree.street)
    assert len(twelve) == len(three)
    assert Member.unscoped.filter(party_group=tree.group_a1).count() == 12


def test_an_unknown_group_is_an_error_and_nothing_is_written(tree):
    rows = [grouped(1, tree.branch_a1.code, "第一党小组"), grouped(2, tree.branch_a1.code, "第九党小组")]
    result = run(group_sheet(rows), tree.street)
    assert problems(result) == [(3, "党小组", "东风社区第一党支部 中没有编码或名称为 第九党小组 的党小组。")]
    assert (result.applied, result.batch_id) == (False, None)
    assert counts() == (0, 0)


def test_a_group_of_another_org_is_an_error(tree):
    rows = [
        grouped(1, tree.branch_a1.code, tree.group_a2.code),
        grouped(2, tree.branch_b1.code, "第一党小组"),
    ]
    result = run(group_sheet(rows), tree.street)
    assert problems(result) == [
        (2, "党小组", "东风社区第一党支部 中没有编码或名称为 G-A2-1 的党小组。"),
        (3, "党小组", "西湖社区党支部 中没有编码或名称为 第一党小组 的党小组。"),
    ]
    assert counts() == (0, 0)


def test_a_name_of_several_groups_asks_for_the_code(tree):
    OrgUnitFactory(parent=tree.branch_a1, kind=OrgKind.PARTY_GROUP, code="G-A1-3", name="第一党小组")
    result = run(group_sheet([grouped(1, tree.branch_a1.code, "第一党小组")]), tree.street)
    assert problems(result) == [(2, "党小组", "有多个党小组使用此名称，请改填党小组编码。")]
    assert counts() == (0, 0)


def test_reimport_changes_the_group_and_audits_it_and_a_blank_cell_keeps_it(tree):
    run(
        group_sheet([grouped(1, tree.branch_a1.code, "第一党小组"), grouped(2, tree.branch_a1.code, "")]),
        tree.street,
    )
    entries_before = AuditEntry.unscoped.count()
    rows = [grouped(1, tree.branch_a1.code, "G-A1-2"), grouped(2, tree.branch_a1.code, "第一党小组")]
    result = run(group_sheet(rows), tree.street)
    assert (result.ok, result.created, result.updated) == (True, 0, 2)
    new = AuditEntry.unscoped.order_by("id")[entries_before:]
    assert {e.object_repr: (e.action, e.changes) for e in new} == {
        "党员1": ("update", {"party_group": [tree.group_a1.pk, tree.group_a1_2.pk]}),
        "党员2": ("update", {"party_group": [None, tree.group_a1.pk]}),
    }
    assert dict(Member.unscoped.values_list("name", "party_group_id")) == {
        "党员1": tree.group_a1_2.pk,
        "党员2": tree.group_a1.pk,
    }

    entries_before = AuditEntry.unscoped.count()
    rows = [grouped(1, tree.branch_a1.code, ""), grouped(2, tree.branch_a1.code, "第一党小组")]
    result = run(group_sheet(rows), tree.street)
    assert (result.ok, result.updated, result.unchanged) == (True, 0, 2)
    assert AuditEntry.unscoped.count() == entries_before
    assert Member.unscoped.get(name="党员1").party_group == tree.group_a1_2


def test_the_template_has_the_group_column_without_a_dropdown(tree, tmp_path):
    target = tmp_path / "template.xlsx"
    MemberImporter(actor=None, org=tree.branch_a1).build_template(str(target))
    data = openpyxl.load_workbook(target).worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers[headers.index("所在党组织") + 1] == "党小组"
    validated = {next(iter(v.sqref.ranges)).min_col for v in data.data_validations.dataValidation}
    assert headers.index("党小组") + 1 not in validated
