"""The member import: refused files, every accepted date format, numbers as ID numbers, headers,
all or nothing, re-import updates with audit, relation transfers, the command and the template."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core import crypto
from core.exceptions import NotAllowed
from core.importing.testing import (
    bomb_xlsx_bytes,
    csv_bytes,
    encrypted_xlsx_bytes,
    ole2_bytes,
    xlsx_bytes,
)
from core.models import AuditBatch, AuditEntry
from members.importers import MemberImporter, import_members
from members.models import Member
from members.services import create_member, member_data, personal_values
from members.tests.factories import MemberFactory, make_id_number
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "学历",
    "人员类别",
    "所在党组织",
    "加入党组织日期",
    "转为正式党员日期",
    "工作岗位",
    "手机号码",
    "是否流动党员",
    "是否离退休",
    "是否困难党员",
]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def tree():
    return make_tree()


def person(n: int, org_code: str, **changes: Any) -> list[Any]:
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n * 41)
    values = {
        "姓名": f"党员{n}",
        "性别": "男",
        "民族": "汉族",
        "公民身份号码": make_id_number(born, n),
        "出生日期": born.isoformat(),
        "学历": "大学本科毕业",
        "人员类别": "正式党员",
        "所在党组织": org_code,
        "加入党组织日期": "2001-07-01",
        "转为正式党员日期": "2002-07-01",
        "工作岗位": "工人（工勤技能人员）" if n % 2 else "企事业单位、社会组织专业技术人员",
        "手机号码": f"1380000{n:04d}",
        "是否流动党员": "否",
        "是否离退休": "否",
        "是否困难党员": "否",
    }
    if "公民身份号码" in changes and "出生日期" not in changes:
        values["出生日期"] = ""  # derived from the given number
    values.update(changes)
    return [values[h] for h in HEADER]


def sheet(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> io.BytesIO:
    return io.BytesIO(xlsx_bytes([list(header), *rows]))


def counts() -> tuple[int, int]:
    return Member.unscoped.count(), AuditEntry.unscoped.count()


def run(source: Any, org: Any, *, dry_run: bool = False, actor: Any = None):
    return import_members(actor=actor, org=org, source=source, dry_run=dry_run)


def problems(result) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in result.errors]


# -- refused files: the message, and the database unchanged ---------------------------------------


def assert_refused(source: Any, org: Any, message: str) -> None:
    MemberFactory(org=org)
    before = counts()
    result = run(source, org)
    assert result.refused == message
    assert (result.applied, result.created, result.updated) == (False, 0, 0)
    assert counts() == before


def test_refuses_an_empty_file(tree):
    assert_refused(io.BytesIO(b""), tree.branch_a1, "文件是空的。")


def test_refuses_a_file_of_the_wrong_type(tree):
    assert_refused(
        io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        tree.branch_a1,
        "文件类型不正确：只能导入 Excel 工作簿（.xlsx）或 CSV 文件。",
    )


def test_refuses_an_old_xls_file(tree):
    assert_refused(
        io.BytesIO(ole2_bytes("Workbook")),
        tree.branch_a1,
        "这是旧版 Excel 97-2003 文件（.xls）。请用 Excel 打开，另存为“Excel 工作簿（.xlsx）”后再导入。",
    )


def test_refuses_a_password_protected_file(tree):
    data = encrypted_xlsx_bytes(xlsx_bytes([HEADER, person(1, tree.branch_a1.code)]))
    assert_refused(
        io.BytesIO(data),
        tree.branch_a1,
        "文件设有打开密码，无法读取。请在 Excel 中取消密码后保存，再重新导入。",
    )


def test_refuses_missing_required_columns(tree):
    header = [h for h in HEADER if h not in ("姓名", "公民身份号码")]
    row = [v for h, v in zip(HEADER, person(1, tree.branch_a1.code), strict=True) if h in header]
    assert_refused(sheet([row], header), tree.branch_a1, "缺少必填列：姓名、公民身份号码。")


def test_refuses_a_file_over_the_size_limit(tree, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = xlsx_bytes([HEADER, person(1, tree.branch_a1.code)])
    assert_refused(
        io.BytesIO(data),
        tree.branch_a1,
        f"文件大小为 {len(data) / 1024:.1f}\xa0KB，超过了 1000\xa0字节 的上限。",
    )


def test_refuses_a_file_over_the_row_limit(tree, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [person(n, tree.branch_a1.code) for n in range(3)]
    assert_refused(
        sheet(rows), tree.branch_a1, "文件有 3 行数据，超过了 2 行的上限，请拆分成几个文件分别导入。"
    )


def test_refuses_a_decompression_bomb(tree, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = bomb_xlsx_bytes(HEADER, 2 * 1024 * 1024)
    assert_refused(io.BytesIO(data), tree.branch_a1, "文件解压后会超过 1.0\xa0MB，存在安全风险，已拒绝。")


def test_refuses_duplicate_id_numbers_in_the_file(tree):
    MemberFactory(org=tree.branch_a1)
    before = counts()
    first = person(1, tree.branch_a1.code)
    twin = person(2, tree.branch_a1.code, 公民身份号码=first[3].lower())
    result = run(sheet([first, person(3, tree.branch_a1.code), twin]), tree.branch_a1)
    assert problems(result) == [(4, "公民身份号码", "文件中重复：与第 2 行相同。")]
    assert counts() == before


def test_refuses_an_unknown_org(tree):
    MemberFactory(org=tree.branch_a1)
    before = counts()
    result = run(sheet([person(1, "NOPE"), person(2, tree.other_branch.code)]), tree.street)
    assert problems(result) == [
        (2, "所在党组织", "东城街道党工委 中没有编码或名称为 NOPE 的党组织。"),
        (3, "所在党组织", f"东城街道党工委 中没有编码或名称为 {tree.other_branch.code} 的党组织。"),
    ]
    assert counts() == before


def test_refuses_id_numbers_stored_as_numbers(tree):
    before = counts()
    good = person(1, tree.branch_a1.code)
    as_float = person(2, tree.branch_a1.code, 公民身份号码=110105194912310021)
    as_text_scientific = person(3, tree.branch_a1.code, 公民身份号码="1.10105E+17")
    result = run(sheet([good, as_float, as_text_scientific]), tree.branch_a1)
    assert problems(result) == [
        (
            3,
            "公民身份号码",
            "以数字形式保存，位数已丢失（Excel 只保留 15 位）。请把该列设置为文本格式后重新输入。",
        ),
        (
            4,
            "公民身份号码",
            "以科学计数法书写（1.10105E+17），位数已丢失。请把该列设置为文本格式后重新输入。",
        ),
    ]
    assert counts() == before


# -- what is accepted -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "joined",
    ["2001-07-01", "2001/7/1", "2001.7.1", "20010701", "2001年7月1日", 37073, dt.date(2001, 7, 1)],
)
def test_dates_in_every_accepted_format(tree, joined):
    result = run(sheet([person(1, tree.branch_a1.code, 加入党组织日期=joined)]), tree.branch_a1)
    assert (result.ok, result.created) == (True, 1)
    assert Member.unscoped.get().joined_on == dt.date(2001, 7, 1)


def test_headers_by_synonym_in_any_order_with_unknown_columns_reported(tree):
    born = dt.date(1985, 3, 4)
    number = make_id_number(born, 7, female=True)
    header = [
        "备注",
        "身份证号",
        "入党时间",
        "转正日期",
        "党员姓名",
        "联系电话",
        "所在支部",
        "文化程度",
        "职业",
    ]
    row = [
        "x",
        number,
        "2010-05-04",
        "2011-05-04",
        "王芳",
        "13912345678",
        tree.branch_a2.name,
        "大专",
        "学生",
    ]
    result = run(sheet([row], header), tree.community_a)
    assert (result.ok, result.created) == (True, 1)
    assert [(p.row, p.column, p.message, p.level) for p in result.problems] == [
        (1, "备注", "无法识别的列，已忽略。", "warning")
    ]
    member = Member.unscoped.get()
    assert (
        member.name,
        member.gender,
        member.birth_date,
        member.org,
        member.education,
        member.occupation,
    ) == (
        "王芳",
        "F",
        born,
        tree.branch_a2,
        "31",
        "student",
    )
    assert member.id_number_index == crypto.blind_index(number)
    assert crypto.decrypt(member.phone_encrypted) == "13912345678"
    assert (member.joined_on, member.confirmed_on) == (dt.date(2010, 5, 4), dt.date(2011, 5, 4))


def test_csv_in_gbk_imports(tree):
    data = csv_bytes([HEADER, person(1, tree.branch_a1.code)], encoding="gbk")
    result = run(io.BytesIO(data), tree.branch_a1)
    assert (result.ok, result.created) == (True, 1)
    assert Member.unscoped.get().name == "党员1"


def test_dry_run_reports_what_would_happen_and_changes_nothing(tree):
    existing = MemberFactory(org=tree.branch_a1, name="老党员")
    rows = [
        person(1, tree.branch_a1.code),
        person(2, tree.branch_a1.code, 公民身份号码=existing_id(existing), 姓名="老党员改名"),
    ]
    before = counts()
    result = run(sheet(rows), tree.branch_a1, dry_run=True)
    assert counts() == before
    assert (result.ok, result.applied, result.created, result.updated, result.unchanged) == (
        True,
        False,
        1,
        1,
        0,
    )


def existing_id(member: Member) -> str:
    return crypto.decrypt(member.id_number_encrypted)


# -- all or nothing, updates and audit ------------------------------------------------------------


def test_one_bad_row_among_good_ones_creates_nothing(tree):
    rows = [person(n, tree.branch_a1.code) for n in range(1, 6)]
    bad_id = rows[0][3][:17] + ("0" if rows[0][3][17] != "0" else "1")
    rows.append(person(9, tree.branch_a1.code, 公民身份号码=bad_id))
    result = run(sheet(rows), tree.branch_a1)
    assert problems(result) == [(7, "公民身份号码", "身份证号码的校验位不正确。")]
    assert (result.applied, result.batch_id) == (False, None)
    assert counts() == (0, 0)
    assert AuditBatch.unscoped.count() == 0


def test_import_creates_members_with_one_audit_batch(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.street)
    result = run(sheet([person(n, tree.branch_a1.code) for n in range(1, 4)]), tree.street, actor=user)
    assert (result.ok, result.applied, result.created) == (True, True, 3)
    batch = AuditBatch.unscoped.get()
    assert (batch.row_count, batch.org, batch.actor, batch.description) == (
        3,
        tree.street,
        user,
        "导入党员到 东城街道党工委",
    )
    entry = AuditEntry.unscoped.filter(batch=batch).order_by("id").first()
    member = Member.unscoped.get(name="党员1")
    assert (entry.action, entry.object_id, entry.org, entry.actor) == (
        "create",
        str(member.pk),
        tree.branch_a1,
        user,
    )
    assert entry.changes["id_number"] == [
        None,
        existing_id(member)[:6] + "********" + existing_id(member)[-4:],
    ]
    assert entry.changes["name"] == [None, "党员1"]
    assert (member.created_by, member.name_pinyin, member.category, member.is_mobile, member.occupation) == (
        user,
        "dangyuan",
        "full",
        False,
        "worker",
    )


def test_an_imported_member_is_stored_as_the_create_service_stores_it(tree):
    user = user_with_role(Role.PARTY_WORKER, tree.street)
    row = person(
        7, tree.branch_a1.code, 是否流动党员="是", 是否离退休="是", 人员类别="预备党员", 转为正式党员日期=""
    )
    run(sheet([row]), tree.branch_a1, actor=user)
    imported = Member.unscoped.get()
    data = member_data(imported)
    Member.unscoped.all().delete()

    created = create_member(actor=user, org=tree.branch_a1, **data)

    created.refresh_from_db()
    skip = {"id", "created_at", "updated_at", "id_number_encrypted", "phone_encrypted"}
    fields = [f.attname for f in Member._meta.concrete_fields if f.attname not in skip]
    assert {f: getattr(imported, f) for f in fields} == {f: getattr(created, f) for f in fields}
    assert personal_values(imported) == personal_values(created)
    assert (imported.is_mobile, imported.is_retired, imported.category, imported.confirmed_on) == (
        True,
        True,
        "probationary",
        None,
    )


def test_reimport_updates_by_id_number_and_audits_only_changed_fields(tree):
    rows = [person(n, tree.branch_a1.code) for n in range(1, 4)]
    run(sheet(rows), tree.branch_a1)
    rows[0] = person(1, tree.branch_a1.code, 是否困难党员="是", 手机号码="13900000000")
    rows[1] = person(2, tree.branch_a1.code, 姓名="新名字")
    entries_before = AuditEntry.unscoped.count()
    result = run(sheet(rows), tree.branch_a1)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 2, 1)
    assert Member.unscoped.count() == 3
    new = AuditEntry.unscoped.order_by("id")[entries_before:]
    changes = {e.object_repr: (e.action, e.changes) for e in new}
    assert changes == {
        "党员1": ("update", {"in_hardship": [False, True], "phone": ["138****0001", "139****0000"]}),
        "新名字": (
            "update",
            {
                "name": ["党员2", "新名字"],
                "name_initials": ["dy", "xmz"],
                "name_pinyin": ["dangyuan", "xinmingzi"],
            },
        ),
    }
    member = Member.unscoped.get(name="党员1")
    assert (member.in_hardship, crypto.decrypt(member.phone_encrypted)) == (True, "13900000000")


def test_the_create_audit_names_the_birth_date_and_gender_derived_from_the_id_number(tree):
    born = dt.date(1980, 5, 17)
    number = make_id_number(born, 3)
    header = ["姓名", "公民身份号码"]
    result = run(sheet([["党员3", number]], header=header), tree.branch_a1)
    assert (result.ok, result.created) == (True, 1)
    member = Member.unscoped.get()
    assert (member.birth_date, member.gender) == (born, "M")
    entry = AuditEntry.unscoped.get(object_id=str(member.pk))
    assert entry.changes == {
        "name": [None, "党员3"],
        "id_number": [None, number[:6] + "********" + number[-4:]],
        "birth_date": [None, "1980-05-17"],
        "gender": [None, "M"],
        "org": [None, tree.branch_a1.pk],
    }


def test_a_reimported_date_must_agree_with_the_stored_ones(tree):
    member = MemberFactory(
        org=tree.branch_a1, joined_on=dt.date(2001, 7, 1), confirmed_on=dt.date(2002, 7, 1)
    )
    before = counts()
    header = ["姓名", "公民身份号码", "转为正式党员日期"]
    result = run(sheet([[member.name, existing_id(member), "2000-01-01"]], header=header), tree.branch_a1)
    assert problems(result) == [(2, "转为正式党员日期", "转正日期早于入党日期。")]
    assert (result.applied, result.updated) == (False, 0)
    assert counts() == before
    assert Member.unscoped.get().confirmed_on == dt.date(2002, 7, 1)


def test_a_person_registered_in_another_org_needs_a_relation_transfer(tree):
    other = MemberFactory(org=tree.branch_b1)
    before = counts()
    row = person(1, tree.branch_a1.code, 公民身份号码=existing_id(other))
    user = user_with_role(Role.PARTY_WORKER, tree.community_a)
    result = run(sheet([row]), tree.community_a, actor=user)
    assert problems(result) == [(2, "公民身份号码", "此人已在其他党组织登记，需要办理组织关系转接。")]
    assert counts() == before
    assert Member.unscoped.get().org == tree.branch_b1


def test_an_actor_without_import_permission_is_refused(tree):
    user = user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1)
    with pytest.raises(NotAllowed):
        run(sheet([person(1, tree.branch_a1.code)]), tree.branch_a1, actor=user)
    assert counts() == (0, 0)


# -- the command and the template -----------------------------------------------------------------


def test_command_imports_and_prints_the_summary(tree, tmp_path, capsys):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, person(1, tree.branch_a1.code), person(2, tree.branch_a1.code)]))
    call_command("import_members", str(path), "--org", tree.branch_a1.code)
    out = capsys.readouterr().out
    assert "新增 2 人，更新 0 人，无变化 0 人" in out
    assert Member.unscoped.count() == 2


def test_command_exits_non_zero_on_errors_and_writes_the_marked_file(tree, tmp_path, capsys):
    path = tmp_path / "members.xlsx"
    bad = person(2, tree.branch_a1.code, 加入党组织日期="去年")
    path.write_bytes(xlsx_bytes([HEADER, person(1, tree.branch_a1.code), bad]))
    with pytest.raises(SystemExit) as info:
        call_command("import_members", str(path), "--org", tree.branch_a1.code)
    assert info.value.code == 1
    out = capsys.readouterr().out
    marked = tmp_path / "members.marked.xlsx"
    assert f"已标注问题的文件：{marked}" in out
    assert "第 3 行 加入党组织日期：去年 不是日期。" in out
    assert counts() == (0, 0)
    rows = list(openpyxl.load_workbook(marked).active.iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明"
    assert rows[2][-1].startswith("加入党组织日期：去年 不是日期。")


def test_command_dry_run_changes_nothing(tree, tmp_path, capsys):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, person(1, tree.branch_a1.code)]))
    call_command("import_members", str(path), "--org", tree.branch_a1.code, "--dry-run")
    assert "试导入：新增 1 人，更新 0 人，无变化 0 人" in capsys.readouterr().out
    assert counts() == (0, 0)


def test_template_has_the_headers_and_a_dropdown_for_every_coded_column(tree, tmp_path):
    target = tmp_path / "template.xlsx"
    MemberImporter(actor=None, org=tree.branch_a1).build_template(str(target))
    book = openpyxl.load_workbook(target)
    data = book.worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers[:4] == ["姓名*", "性别", "民族", "公民身份号码*"]
    validated = {}
    for validation in data.data_validations.dataValidation:
        column = next(iter(validation.sqref.ranges)).min_col
        validated[headers[column - 1]] = validation.formula1
    assert set(validated) == {
        "性别",
        "民族",
        "学历",
        "全日制学历",
        "学位",
        "人员类别",
        "工作岗位",
        "是否流动党员",
        "是否离退休",
        "是否困难党员",
        "是否失联党员",
        "是否口袋党员",
        "是否到社区报到",
        "党籍状态",
        "进入支部类型",
    }
    assert validated["性别"] == '"男,女"'
    assert validated["民族"].startswith("'代码表'!$")
    lists = book["代码表"]
    assert lists.sheet_state == "hidden"
    ethnicity_column = [c.value for c in next(col for col in lists.iter_cols() if col[0].value == "民族")]
    assert ethnicity_column[1:3] == ["汉族", "蒙古族"]
    assert data.column_dimensions["D"].number_format == "@"
