"""The member import: the Chinese headers party workers already use, on the core import machinery.

Headers (any order; synonyms accepted): 姓名, 性别, 民族, 公民身份号码, 出生日期, 学历, 人员类别,
所在党组织 (org code or name, inside the target org's subtree), 党小组 (party group code, or name
under the member's org), 加入党组织日期, 转为正式党员日期, 工作岗位 / 职业, 手机号码, 是否流动党员,
是否离退休, 是否困难党员, and the other record fields.

Re-importing a person updates the record found by the ID number's blind index and audits the changed
fields only. A person registered in a different org is refused ("needs a relation transfer"), never
moved. A column present in the file is authoritative: a blank cell clears the field; a column absent
from the file leaves the field as it is. Except 党小组: a blank cell leaves the party group as it is
(the group is usually kept in the system, not in the register).

Validation is ``members.rules.validate_member_data`` and field preparation (encryption, blind index,
pinyin) is ``members.services.prepare_member_fields``: the same path as the form and the API.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, crypto, jobs
from core.db import BulkInserter
from core.exceptions import NotAllowed, OutOfScope
from core.importing import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Column,
    Importer,
    ImportResult,
    Row,
    choice_parser,
    mapping_resolver,
    parse_bool,
    parse_code_text,
    parse_date,
)
from core.models import AuditAction, Job
from core.scope import user_can
from orgs.choices import OrgKind, OrgStatus
from orgs.models import OrgUnit

from .choices import AddedHow, Category, Degree, Gender, MembershipStatus, Occupation
from .codes import (
    EDUCATIONS,
    ETHNICITY_CHOICES,
    OCCUPATION_NAMES,
    resolve_education,
    resolve_ethnicity,
    resolve_occupation,
)
from .models import Member
from .rules import check_id_number, mask_id_number, mask_phone, normalize_phone, validate_member_data
from .services import EDITABLE_FIELDS, MEMBER_HOLDING_KINDS, needs_transfer, prepare_member_fields

# Labels in the file are the words party workers write (data, like the headers).
GENDER_LABELS = {"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE}
CATEGORY_LABELS = {
    "正式党员": Category.FULL,
    "正式": Category.FULL,
    "预备党员": Category.PROBATIONARY,
    "预备": Category.PROBATIONARY,
}
STATUS_LABELS = {
    "正常": MembershipStatus.NORMAL,
    "停止党籍": MembershipStatus.STOPPED,
    "恢复党籍": MembershipStatus.RESTORED,
    "出党": MembershipStatus.REMOVED,
    "死亡": MembershipStatus.DECEASED,
    "去世": MembershipStatus.DECEASED,
    "退党": MembershipStatus.LEFT,
}
DEGREE_LABELS = {"无": Degree.NONE, "学士": Degree.BACHELOR, "硕士": Degree.MASTER, "博士": Degree.DOCTOR}
ADDED_HOW_LABELS = {
    "发展": AddedHow.DEVELOPED,
    "新发展": AddedHow.DEVELOPED,
    "转入": AddedHow.TRANSFERRED_IN,
    "组织关系转入": AddedHow.TRANSFERRED_IN,
    "恢复党籍": AddedHow.RESTORED,
    "其他": AddedHow.OTHER,
}


def _labels(mapping: dict[str, Any]) -> tuple[str, ...]:
    """The first label of each value, in order: the dropdown of the template."""
    seen: dict[Any, str] = {}
    for label, value in mapping.items():
        seen.setdefault(value, label)
    return tuple(seen.values())


def _choice(mapping: dict[str, Any]) -> Any:
    return choice_parser(mapping_resolver(mapping), _labels(mapping))


ETHNICITY_LABELS = tuple(name for _code, name in ETHNICITY_CHOICES)
EDUCATION_LABELS = tuple(EDUCATIONS.values())
OCCUPATION_LABELS = tuple(OCCUPATION_NAMES[o] for o in Occupation)

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", synonyms=("党员姓名",), required=True, width=10, example="张三"),
    Column(
        "gender",
        "性别",
        parser=_choice(GENDER_LABELS),
        choices=("男", "女"),
        width=6,
        note="男 / 女；不填时按公民身份号码推算。",
    ),
    Column(
        "ethnicity",
        "民族",
        parser=choice_parser(resolve_ethnicity, ETHNICITY_LABELS),
        choices=ETHNICITY_LABELS,
        width=8,
        example="汉族",
        note="GB/T 3304 民族名称，带不带“族”字均可，也可填代码。",
    ),
    Column(
        "id_number",
        "公民身份号码",
        synonyms=("身份证号码", "身份证号", "身份证", "公民身份证号码", "公民身份证号", "证件号码"),
        required=True,
        parser=parse_code_text,
        text=True,
        width=22,
        example="11010519491231002X",
        note="18 位，末位可为 X。此列必须设置为文本格式，否则 Excel 会丢失位数。",
    ),
    Column(
        "birth_date",
        "出生日期",
        synonyms=("出生年月日", "生日"),
        parser=parse_date,
        width=12,
        note="不填时按公民身份号码推算。",
        example="1949-12-31",
    ),
    Column(
        "education",
        "学历",
        synonyms=("最高学历", "文化程度"),
        parser=choice_parser(resolve_education, EDUCATION_LABELS),
        choices=EDUCATION_LABELS,
        width=14,
        example="大学本科毕业",
        note="GB/T 4658-2006 学历名称或代码，也可填“本科”“大专”“高中”等常用说法。",
    ),
    Column(
        "fulltime_education",
        "全日制学历",
        synonyms=("全日制教育学历",),
        parser=choice_parser(resolve_education, EDUCATION_LABELS),
        choices=EDUCATION_LABELS,
        width=14,
    ),
    Column("degree", "学位", parser=_choice(DEGREE_LABELS), choices=_labels(DEGREE_LABELS), width=8),
    Column(
        "category",
        "人员类别",
        synonyms=("党员类别", "类别"),
        parser=_choice(CATEGORY_LABELS),
        choices=("正式党员", "预备党员"),
        width=10,
        example="正式党员",
        note="正式党员 / 预备党员；不填按正式党员。",
    ),
    Column(
        "org",
        "所在党组织",
        synonyms=(
            "党组织",
            "所在支部",
            "党支部",
            "所在党支部",
            "党组织名称",
            "党组织编码",
            "组织关系所在党组织",
        ),
        width=24,
        note="党组织编码或全称，须在导入的党组织之内；不填则为导入的党组织。",
    ),
    Column(
        "party_group",
        "党小组",
        synonyms=("所在党小组",),
        width=16,
        note="党小组编码，或所在党组织下的党小组名称；不填则不改变。",
    ),
    Column(
        "joined_on",
        "加入党组织日期",
        synonyms=("入党日期", "入党时间", "加入中国共产党日期"),
        parser=parse_date,
        width=14,
        example="2001-07-01",
    ),
    Column(
        "confirmed_on",
        "转为正式党员日期",
        synonyms=("转正日期", "转正时间"),
        parser=parse_date,
        width=16,
        example="2002-07-01",
    ),
    Column(
        "occupation",
        "工作岗位",
        synonyms=("职业", "岗位类别"),
        parser=choice_parser(resolve_occupation, OCCUPATION_LABELS),
        choices=OCCUPATION_LABELS,
        width=24,
        note="党内统计的职业分类。",
    ),
    Column("post", "职务", synonyms=("现任职务", "工作职务"), width=12),
    Column("work_unit", "工作单位", synonyms=("单位", "工作单位名称"), width=20),
    Column(
        "phone",
        "手机号码",
        synonyms=("联系电话", "手机", "电话", "联系方式", "手机号"),
        text=True,
        width=14,
        example="13800138000",
    ),
    Column("is_mobile", "是否流动党员", parser=parse_bool, choices=("是", "否"), width=8),
    Column("mobile_since", "外出流动日期", synonyms=("流动日期",), parser=parse_date, width=12),
    Column(
        "is_retired",
        "是否离退休",
        synonyms=("是否离退休党员",),
        parser=parse_bool,
        choices=("是", "否"),
        width=8,
    ),
    Column("retired_on", "离退休日期", synonyms=("退休日期",), parser=parse_date, width=12),
    Column(
        "in_hardship",
        "是否困难党员",
        synonyms=("是否生活困难党员",),
        parser=parse_bool,
        choices=("是", "否"),
        width=8,
    ),
    Column("hardship_since", "困难党员认定日期", parser=parse_date, width=12),
    Column(
        "is_lost_contact",
        "是否失联党员",
        synonyms=("是否失联",),
        parser=parse_bool,
        choices=("是", "否"),
        width=8,
    ),
    Column("lost_contact_since", "失联日期", parser=parse_date, width=12),
    Column("is_pocket", "是否口袋党员", parser=parse_bool, choices=("是", "否"), width=8),
    Column("pocket_since", "口袋党员认定日期", parser=parse_date, width=12),
    Column(
        "is_reported_to_community",
        "是否到社区报到",
        synonyms=("是否在职党员到社区报到", "是否报到"),
        parser=parse_bool,
        choices=("是", "否"),
        width=8,
    ),
    Column("reported_community", "报到社区", width=14),
    Column("reported_on", "报到日期", parser=parse_date, width=12),
    Column("former_name", "曾用名", width=10),
    Column("native_place", "籍贯", width=12),
    Column("address", "家庭住址", synonyms=("住址", "现居住地址", "家庭地址"), width=24),
    Column("residence_community", "居住社区", synonyms=("现居住社区",), width=14),
    Column(
        "status",
        "党籍状态",
        parser=_choice(STATUS_LABELS),
        choices=_labels(STATUS_LABELS),
        width=10,
        note="不填为正常。",
    ),
    Column("status_date", "党籍状态日期", parser=parse_date, width=12),
    Column("application_date", "申请入党日期", synonyms=("递交入党申请书日期",), parser=parse_date, width=12),
    Column(
        "activist_date",
        "确定为入党积极分子日期",
        synonyms=("列为入党积极分子日期", "积极分子日期"),
        parser=parse_date,
        width=12,
    ),
    Column(
        "candidate_date",
        "确定为发展对象日期",
        synonyms=("列为发展对象日期", "发展对象日期"),
        parser=parse_date,
        width=12,
    ),
    Column(
        "added_how",
        "进入支部类型",
        synonyms=("加入方式",),
        parser=_choice(ADDED_HOW_LABELS),
        choices=_labels(ADDED_HOW_LABELS),
        width=10,
    ),
    Column("added_on", "进入支部日期", parser=parse_date, width=12),
)

# Columns resolved to orgs of the tree rather than parsed into the member's data.
ORG_COLUMNS = frozenset({"org", "party_group"})
# Fields the import may write, besides the personal ones and ``org``.
DATA_FIELDS = tuple(c.name for c in COLUMNS if c.name not in ("org",))
# Member fields whose values are never shown in the audit (ciphertexts and their lookup parts).
HIDDEN_FIELDS = frozenset(
    {"id_number_encrypted", "id_number_index", "id_number_head", "id_number_tail"}
    | {"phone_encrypted", "phone_index", "phone_head", "phone_tail"}
)
BOOLEAN_FIELDS = frozenset(c.name for c in COLUMNS if c.parser is parse_bool)
# Audit diffs name foreign keys by field name, as ``core.audit.snapshot`` does for the services.
AUDIT_NAMES = {"party_group_id": "party_group"}


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


class MemberImporter(Importer):
    columns = COLUMNS
    key = "id_number"
    model = Member
    # Measured: 2,000 rows a batch is ~5 % faster than 1,000 on PostgreSQL (Python heap 14 -> 21 MiB);
    # 5,000 is faster again but holds 42 MiB of rows in flight.
    batch_size = 2000

    def __init__(self, *, actor: Any, org: OrgUnit) -> None:
        super().__init__(actor=actor, org=org)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self._orgs_by_code: dict[str, OrgUnit] = {}
        self._orgs_by_name: dict[str, list[OrgUnit]] = {}
        self._groups_by_code: dict[str, OrgUnit] = {}
        self._groups_by_name: dict[tuple[int, str], list[OrgUnit]] = {}
        self._inserter: BulkInserter | None = None

    @property
    def sheet_title(self) -> str:  # type: ignore[override]
        return _("Members")

    @property
    def notes(self) -> list[str]:  # type: ignore[override]
        return [
            _("One row per member; the first row holds the headers. Columns marked * are required."),
            _("Columns may be in any order; columns that are not needed may be deleted."),
            _(
                "Re-importing a member updates the record with the same ID number; a member registered "
                "in another organisation needs a relation transfer and is refused."
            ),
            _("Dates: 2021-07-01, 2021/7/1, 2021.7.1, 20210701 or 2021年7月1日. Yes/no: 是 or 否."),
        ]

    def audit_description(self) -> str:
        return _("Member import into %(org)s") % {"org": self.org.name}

    # -- hooks ------------------------------------------------------------------------------------
    def prepare(self) -> None:
        self._orgs_by_code = {}
        self._orgs_by_name = {}
        self._groups_by_code = {}
        self._groups_by_name = {}
        by_path: dict[str, OrgUnit] = {}
        groups: list[OrgUnit] = []
        for org in OrgUnit.unscoped.filter(path__startswith=self.org.path).only(
            "pk", "code", "name", "short_name", "path", "kind", "status"
        ):
            by_path[org.path] = org
            self._orgs_by_code[org.code.upper()] = org
            for name in {org.name, org.short_name} - {""}:
                self._orgs_by_name.setdefault(name, []).append(org)
            if org.kind == OrgKind.PARTY_GROUP:
                groups.append(org)
        # The same query gives the party groups of the subtree, indexed by code and by (parent, name).
        for group in groups:
            self._groups_by_code[group.code.upper()] = group
            parent = by_path.get(group.path[: -OrgUnit.steplen])
            if parent is None:
                continue  # the target org itself is a group: it has no parent inside the subtree
            for name in {group.name, group.short_name} - {""}:
                self._groups_by_name.setdefault((parent.pk, name), []).append(group)

    def _resolve_org(self, row: Row) -> OrgUnit | None:
        text = row.values.get("org")
        if text is None:
            org = self.org
        else:
            org = self._orgs_by_code.get(text.upper())
            if org is None:
                matches = self._orgs_by_name.get(text, [])
                if len(matches) > 1:
                    row.error("org", _("Several organisations have this name; write the org code instead."))
                    return None
                org = matches[0] if matches else None
            if org is None:
                row.error(
                    "org",
                    _("No organisation with the code or name %(value)s inside %(org)s.")
                    % {"value": text, "org": self.org.name},
                )
                return None
        if org.status != OrgStatus.ACTIVE:
            row.error("org", _("%(org)s is dissolved.") % {"org": org.name})
            return None
        if org.kind not in MEMBER_HOLDING_KINDS:
            row.error("org", _("%(org)s is a party group; write its branch.") % {"org": org.name})
            return None
        return org

    def _resolve_party_group(self, row: Row, org: OrgUnit) -> OrgUnit | None:
        """The party group of the ``党小组`` cell: by code inside ``org``, else by name under ``org``."""
        text = row.values["party_group"]
        group = self._groups_by_code.get(text.upper())
        if group is not None and group.path.startswith(org.path):
            return group
        matches = self._groups_by_name.get((org.pk, text), [])
        if len(matches) > 1:
            row.error("party_group", _("Several party groups have this name; write the group code instead."))
            return None
        if not matches:
            row.error(
                "party_group",
                _("No party group with the code or name %(value)s in %(org)s.")
                % {"value": text, "org": org.name},
            )
            return None
        return matches[0]

    def validate_row(self, row: Row) -> None:
        data = {k: v for k, v in row.values.items() if k not in ORG_COLUMNS}
        for name in BOOLEAN_FIELDS & data.keys():
            data[name] = bool(data[name])
        if data.get("id_number"):
            data["id_number"] = data["id_number"].upper()
        # Without a usable ID number, the birth date and gender it would give are not known either:
        # their "required" errors would only repeat the ID number's.
        derived = {"birth_date", "gender"} if row.bad("id_number") else set()
        check = check_id_number(data["id_number"], today=self.today) if data.get("id_number") else None
        row.data["id_check"] = check
        for problem in validate_member_data(data, today=self.today, id_check=check):
            if problem.field in derived and data.get(problem.field) is None:
                continue
            if problem.is_error:
                row.error(problem.field, problem.message)
            elif not row.bad(problem.field):
                row.warn(problem.field, problem.message)
        row.data["member"] = data
        org = row.data["org"] = self._resolve_org(row)
        if org is not None and row.values.get("party_group") is not None:
            group = self._resolve_party_group(row, org)
            if group is not None:
                data["party_group"] = group.pk  # stored as party_group_id by prepare_member_fields

    def key_of(self, row: Row) -> Any:
        value = row.values.get("id_number")
        return value.upper() if value else None

    def plan(self, rows: list[Row]) -> None:
        by_index = {crypto.blind_index(row.key): row for row in rows}
        existing = Member.unscoped.filter(id_number_index__in=list(by_index)).select_related("org")
        if not transaction.get_autocommit():
            # Applying: lock the rows as update_member does, or bulk_update (which writes every
            # changed field of the batch to every changed row) could overwrite a concurrent edit.
            existing = existing.select_for_update(of=("self",))
        found = {m.id_number_index: m for m in existing}
        for index, row in by_index.items():
            row.data["index"] = index
            org: OrgUnit = row.data["org"]
            member = found.get(index)
            if member is None:
                row.action = CREATE
                continue
            if member.org_id != org.pk:
                row.error("id_number", needs_transfer(self.actor, member.org).message)
                continue
            if not self._valid_with_stored(member, row):
                continue
            row.target = member
            row.changes = self._changes(member, row)
            row.action = UPDATE if row.changes else UNCHANGED

    def _valid_with_stored(self, member: Member, row: Row) -> bool:
        """The cross-field rules over the stored record with the file's columns applied, as
        ``update_member`` validates the merged record: a column absent from the file keeps its
        stored value, which a new date or category must agree with. Errors only (the row's own
        warnings were given by ``validate_row``)."""
        data = row.data["member"]
        kept = {k: getattr(member, k) for k in EDITABLE_FIELDS if k not in data and k != "party_group"}
        if not kept:
            return True  # every field is in the file: validate_row checked the whole record
        merged = {**kept, **data}
        for problem in validate_member_data(merged, today=self.today, id_check=row.data["id_check"]):
            if problem.is_error:
                row.error(problem.field, problem.message)
        return not row.has_errors

    def _changes(self, member: Member, row: Row) -> dict[str, list[Any]]:
        """{field: [old, new]} of the plain fields, and masked personal values, that would change."""
        data = dict(row.data["member"])
        data.pop("id_number", None)  # the key: the same person, the same number
        phone = data.pop("phone", None) if "phone" in data else ...
        values = {k: v for k, v in prepare_member_fields(data).items() if k not in HIDDEN_FIELDS}
        if "birth_date" in values and values["birth_date"] is None:
            values.pop("birth_date")  # derived from the ID number, which does not change
        if "gender" in values and not values["gender"]:
            values.pop("gender")
        if "category" in values and not values["category"]:
            values["category"] = Category.FULL
        if "status" in values and not values["status"]:
            values["status"] = MembershipStatus.NORMAL
        if "ethnicity" in values and not values["ethnicity"]:
            values.pop("ethnicity")
        changes = {
            AUDIT_NAMES.get(name, name): [_json(getattr(member, name)), _json(value)]
            for name, value in values.items()
            if getattr(member, name) != value
        }
        row.data["update"] = values
        if phone is not ...:
            new_phone = normalize_phone(phone or "")
            if crypto.blind_index(new_phone) != member.phone_index:
                old_phone = crypto.decrypt(member.phone_encrypted)
                changes["phone"] = [mask_phone(old_phone), mask_phone(new_phone)]
                row.data["update"]["phone"] = new_phone
        return changes

    def apply(self, rows: list[Row]) -> Iterable[audit.BulkRow]:
        actor = self.actor if getattr(self.actor, "pk", None) else None
        actor_id = actor.pk if actor is not None else None
        new_rows = [row for row in rows if row.action == CREATE]
        records: list[dict[str, Any]] = []

        def prepared() -> Iterator[dict[str, Any]]:
            # Made one by one as the COPY sends them: the server stores a row while the next
            # is encrypted.
            for row in new_rows:
                fields = prepare_member_fields(row.data["member"], id_check=row.data["id_check"])
                for name in ("category", "status", "ethnicity", "gender"):
                    if not fields.get(name):
                        fields.pop(name, None)  # the model's default
                fields["org_id"] = row.data["org"].pk
                fields["created_by_id"] = fields["updated_by_id"] = actor_id
                records.append(fields)
                yield fields

        if self._inserter is None:
            self._inserter = BulkInserter(Member)
        pks = self._inserter.insert(prepared(), returning_ids=True, count=len(new_rows))
        changed: list[Member] = []
        update_fields: set[str] = set()
        for row in rows:
            if row.action != UPDATE:
                continue
            member: Member = row.target
            values = dict(row.data["update"])
            if "phone" in values:
                values.update(prepare_member_fields({"phone": values.pop("phone")}))
            for name, value in values.items():
                setattr(member, name, value)
            member.updated_by = actor
            member.updated_at = self.now
            update_fields.update(values)
            changed.append(member)
        if changed:
            Member.unscoped.bulk_update(
                changed, sorted(update_fields | {"updated_by", "updated_at"}), batch_size=self.batch_size
            )
        for pk, fields, row in zip(pks, records, new_rows, strict=True):
            yield audit.BulkRow(
                pk, fields["name"], AuditAction.CREATE, self._created(row, fields), fields["org_id"]
            )
        for row in rows:
            if row.action == UPDATE:
                yield audit.BulkRow(
                    row.target.pk, row.target.name, AuditAction.UPDATE, row.changes, row.target.org_id
                )

    @staticmethod
    def _created(row: Row, fields: dict[str, Any]) -> dict[str, list[Any]]:
        """The imported values of a new member (personal ones masked), compact: no empty values.

        ``fields``: the stored values, for the birth date and gender derived from the ID number.
        """
        changes: dict[str, list[Any]] = {}
        for name, value in row.data["member"].items():
            if value in (None, "", False):
                continue
            if name == "id_number":
                value = mask_id_number(value)
            elif name == "phone":
                value = mask_phone(normalize_phone(value))
            changes[name] = [None, _json(value)]
        for name in ("birth_date", "gender"):
            if name not in changes and fields.get(name):
                changes[name] = [None, _json(fields[name])]
        changes["org"] = [None, row.data["org"].pk]
        return changes


def check_import_allowed(actor: Any, org: OrgUnit) -> None:
    """Scope check for an import into ``org``; ``actor`` None is the system (management command)."""
    if actor is None:
        return
    if not user_can(actor, "view", org):
        raise OutOfScope(_("Organisation not found."))
    if not user_can(actor, "import", org):
        raise NotAllowed(_("You may not import members into this organisation."))


def import_members(
    *,
    actor: Any,
    org: OrgUnit,
    source: str | IO[bytes],
    dry_run: bool = False,
    progress: Any = None,
) -> ImportResult:
    """Check (``dry_run``) or import a member file into ``org``: all or nothing."""
    check_import_allowed(actor, org)
    return MemberImporter(actor=actor, org=org).run(source, dry_run=dry_run, progress=progress)


# -- the background job -----------------------------------------------------------------------------

JOB_KIND = "members.import"
JOB_LOG_PROBLEMS = 200


def result_summary(result: ImportResult) -> dict[str, Any]:
    """What the job page shows: labelled counts in the user's language."""
    if result.refused:
        return {_("Refused"): result.refused}
    return {
        _("Rows"): result.rows,
        _("Created"): result.created if result.applied else 0,
        _("Updated"): result.updated if result.applied else 0,
        _("Unchanged"): result.unchanged,
        _("Errors"): result.error_count,
        _("Warnings"): len(result.problems) - result.error_count,
    }


def run_import_job(job: Job, progress: jobs.Progress) -> None:
    """The runner of a confirmed import: all or nothing; on errors the marked file is the result."""
    org = OrgUnit.unscoped.get(pk=job.params["org"])
    actor = job.created_by
    check_import_allowed(actor, org)
    importer = MemberImporter(actor=actor, org=org)
    with job.input_file.open("rb") as handle:
        result = importer.run(handle, progress=progress)
    job.result = result_summary(result)
    if result.refused:
        progress.append(_("Refused: %(reason)s") % {"reason": result.refused})
        return
    if result.error_count:
        for problem in result.errors[:JOB_LOG_PROBLEMS]:
            progress.append(
                _("Row %(row)s %(column)s: %(message)s")
                % {"row": problem.row, "column": problem.column, "message": problem.message}
            )
        progress.append(
            _(
                "Nothing was imported: %(errors)d errors. Download the marked file, correct it and import it again."
            )
            % {"errors": result.error_count}
        )
        output = io.BytesIO()
        with job.input_file.open("rb") as handle:
            importer.write_marked(handle, result, output)
        job.result_file.save(f"marked_{job.pk}.xlsx", ContentFile(output.getvalue()), save=False)
        return
    progress.append(
        _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    )


def register_jobs() -> None:
    jobs.register(JOB_KIND, run_import_job, label=gettext_lazy("Member import"))
