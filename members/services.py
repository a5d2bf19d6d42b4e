"""Every write to the member registry: create, update, move, and the audited view of personal data.

One person, one record: the ID number's blind index is unique across the database. Creating a person
already registered elsewhere is refused ("needs a relation transfer"), never moved silently.

Which orgs may hold members: branch kinds (orgs.choices.BRANCH_KINDS), general branches and
committees (members directly under a committee, e.g. a community committee without branches, are
real). Party groups never hold the relation: a party group is set with ``party_group``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, crypto
from core.exceptions import NotAllowed, OutOfScope, ServiceError
from core.models import AuditAction
from core.scope import user_can
from orgs.choices import OrgKind, OrgStatus
from orgs.models import OrgUnit

from .models import Member
from .rules import (
    IdCheck,
    Problem,
    check_id_number,
    mask_id_number,
    mask_phone,
    name_initials,
    name_pinyin,
    normalize_phone,
    validate_member_data,
)

PERSONAL_FIELDS = ("id_number", "phone")
# Plain fields a caller may set (besides the personal ones and ``org``).
EDITABLE_FIELDS = (
    "name",
    "former_name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "fulltime_education",
    "degree",
    "occupation",
    "work_unit",
    "post",
    "address",
    "residence_community",
    "category",
    "status",
    "status_date",
    "party_group",
    "application_date",
    "activist_date",
    "candidate_date",
    "joined_on",
    "confirmed_on",
    "added_how",
    "added_on",
    "removed_how",
    "removed_on",
    "is_mobile",
    "mobile_since",
    "is_lost_contact",
    "lost_contact_since",
    "is_retired",
    "retired_on",
    "in_hardship",
    "hardship_since",
    "is_pocket",
    "pocket_since",
    "is_reported_to_community",
    "reported_community",
    "reported_on",
)
INPUT_FIELDS = EDITABLE_FIELDS + PERSONAL_FIELDS
# Orgs that may hold members' relations: party groups may not (see the module docstring).
MEMBER_HOLDING_KINDS = frozenset(OrgKind) - {OrgKind.PARTY_GROUP}


class MemberInvalid(ServiceError):
    """The data has errors; ``problems`` holds every one (errors and warnings) for the form or API."""

    code = "invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        first = errors[0]
        super().__init__(first.message, field=first.field)
        self.problems = problems


class NeedsTransfer(ServiceError):
    code = "needs_transfer"


# -- preparing field values (shared with the import) --------------------------------------------


def prepare_member_fields(data: Mapping[str, Any], *, id_check: IdCheck | None = None) -> dict[str, Any]:
    """Validated plain data -> Member field values.

    Encrypts ``id_number`` and ``phone`` and fills their blind indexes and visible parts, computes
    pinyin and initials from ``name``, derives ``birth_date`` and ``gender`` from the ID number when
    they are not given, and turns None into "" for text fields. Only the keys present are returned
    (plus the derived ones), so it serves updates too. Pure apart from the keys in settings.
    ``id_check``: the valid ``check_id_number`` result of ``data["id_number"]`` when the caller
    already has it (the import), so the number is not checked twice.
    """
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _PLAIN_FIELDS:
            continue
        if key == "party_group" and not (value is None or isinstance(value, OrgUnit)):
            fields["party_group_id"] = value or None
        elif value is None:
            fields[key] = "" if key in _TEXT_FIELDS else None
        else:
            fields[key] = value.strip() if isinstance(value, str) else value
    if "name" in fields:
        fields["name_pinyin"] = name_pinyin(fields["name"])
        fields["name_initials"] = name_initials(fields["name"])
    if "id_number" in data:
        check = (
            id_check
            if id_check and id_check.ok
            else check_id_number(data["id_number"] or "", convert_15=True)
        )
        number = check.normalized or str(data["id_number"] or "").strip().upper()
        fields["id_number_encrypted"] = crypto.encrypt(number)
        fields["id_number_index"] = crypto.blind_index(number)
        fields["id_number_head"] = number[:6]
        fields["id_number_tail"] = number[-4:] if number else ""
        if check.birth_date and not data.get("birth_date"):
            fields["birth_date"] = check.birth_date
        if check.gender and not data.get("gender"):
            fields["gender"] = check.gender
    if "phone" in data:
        phone = normalize_phone(data["phone"] or "")
        fields["phone_encrypted"] = crypto.encrypt(phone)
        fields["phone_index"] = crypto.blind_index(phone)
        fields["phone_head"] = phone[:3] if len(phone) > 7 else ""
        fields["phone_tail"] = phone[-4:] if phone else ""
    return fields


_PLAIN_FIELDS = frozenset(EDITABLE_FIELDS) - frozenset(PERSONAL_FIELDS)
_TEXT_FIELDS = frozenset(
    f.name
    for f in Member._meta.concrete_fields
    if f.get_internal_type() in ("CharField", "TextField") and not f.null
)


def id_number_index(value: str) -> str | None:
    """The blind index of an ID number as stored (15-digit numbers converted)."""
    check = check_id_number(value or "", convert_15=True)
    return crypto.blind_index(check.normalized or str(value or "").strip().upper())


def personal_values(member: Member) -> dict[str, str]:
    """The clear ID number and phone (for validation and reveal; never shown without an audit)."""
    return {
        "id_number": crypto.decrypt(member.id_number_encrypted),
        "phone": crypto.decrypt(member.phone_encrypted),
    }


def member_data(member: Member) -> dict[str, Any]:
    """The plain input data of a stored member (the shape ``validate_member_data`` takes)."""
    data: dict[str, Any] = {key: getattr(member, key) for key in EDITABLE_FIELDS if key != "party_group"}
    data["party_group"] = member.party_group_id
    data.update(personal_values(member))
    return data


# -- checks ---------------------------------------------------------------------------------------


def _check(actor: Any, action: str, org: OrgUnit) -> None:
    if not user_can(actor, "view", org):
        raise OutOfScope(_("Organisation not found."))
    if not user_can(actor, action, org):
        raise NotAllowed(_("You may not do this for this organisation."))


def _check_org(org: OrgUnit) -> None:
    if org.status != OrgStatus.ACTIVE:
        raise ServiceError(_("The organisation is dissolved."), field="org")
    if org.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(
            _("A party group does not hold members' relations: choose its branch."), field="org"
        )


def _party_group(value: Any, org: OrgUnit) -> OrgUnit | None:
    if value in (None, ""):
        return None
    group = value if isinstance(value, OrgUnit) else OrgUnit.unscoped.filter(pk=value).first()
    if group is None or group.kind != OrgKind.PARTY_GROUP or not group.path.startswith(org.path):
        raise ServiceError(_("Choose a party group of the member's organisation."), field="party_group")
    return group


def _validate(data: Mapping[str, Any]) -> list[Problem]:
    problems = validate_member_data(data, today=timezone.localdate())
    if any(p.is_error for p in problems):
        raise MemberInvalid(problems)
    return problems


def _refuse_duplicate(actor: Any, index: str | None, exclude_pk: int | None, org: OrgUnit) -> None:
    if not index:
        return
    other = (
        Member.unscoped.filter(id_number_index=index)
        .exclude(pk=exclude_pk)
        .select_related("org")
        .only("pk", "org__name", "org__path", "org_id")
        .first()
    )
    if other is None:
        return
    if other.org_id == org.pk:
        raise ServiceError(
            _("This person is already registered in this organisation."), field="id_number", code="duplicate"
        )
    raise needs_transfer(actor, other.org)


def needs_transfer(actor: Any, registered_in: OrgUnit) -> NeedsTransfer:
    """The refusal for a person already registered in ``registered_in`` (named only when in scope).

    Shared with the import, which reports it on the row instead of raising it.
    """
    where = registered_in.name if user_can(actor, "view", registered_in) else _("another organisation")
    return NeedsTransfer(
        _("This person is already registered in %(org)s: this needs a relation transfer.") % {"org": where},
        field="id_number",
    )


def _personal_changes(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    masks = {"id_number": mask_id_number, "phone": mask_phone}
    return {
        key: [masks[key](before.get(key) or ""), masks[key](after.get(key) or "")]
        for key in PERSONAL_FIELDS
        if (before.get(key) or "") != (after.get(key) or "")
    }


def _unknown(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(INPUT_FIELDS)
    if unknown:
        raise ServiceError(f"unknown fields: {sorted(unknown)}")


def _normalized_personal(data: Mapping[str, Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    if "id_number" in data:
        check = check_id_number(data["id_number"] or "", convert_15=True)
        result["id_number"] = check.normalized or str(data["id_number"] or "").strip().upper()
    if "phone" in data:
        result["phone"] = normalize_phone(data["phone"] or "")
    return result


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# -- services -------------------------------------------------------------------------------------


@transaction.atomic
def create_member(*, actor: Any, org: OrgUnit, **data: Any) -> Member:
    """Register a person in ``org``. Raises MemberInvalid, NeedsTransfer or a scope error."""
    _unknown(data)
    org = OrgUnit.unscoped.select_for_update().get(pk=org.pk)
    _check(actor, "add", org)
    _check_org(org)
    _validate(data)
    data = dict(data)
    data["party_group"] = _party_group(data.get("party_group"), org)
    fields = prepare_member_fields(data)
    _refuse_duplicate(actor, fields.get("id_number_index"), None, org)
    member = Member(**fields, org=org, created_by=_actor(actor), updated_by=_actor(actor))
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent registration of the same person
        _refuse_duplicate(actor, fields.get("id_number_index"), None, org)
        raise
    changes = audit.diff({}, audit.snapshot(member))
    changes.update(_personal_changes({}, _normalized_personal(data)))
    changes.pop("id_number_encrypted", None)
    changes.pop("phone_encrypted", None)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=member, changes=changes, org=org)
    return member


@transaction.atomic
def update_member(*, actor: Any, member: Member, **data: Any) -> Member:
    """Change the given fields; unchanged personal fields keep their ciphertext (no false change)."""
    _unknown(data)
    member = Member.unscoped.select_for_update().select_related("org").get(pk=member.pk)
    _check(actor, "change", member.org)
    current = member_data(member)
    old_personal = {k: current[k] for k in PERSONAL_FIELDS}
    new_personal = _normalized_personal(data)
    data = {
        k: v for k, v in data.items() if not (k in PERSONAL_FIELDS and new_personal[k] == old_personal[k])
    }
    merged = {**current, **data}
    derived = check_id_number(merged["id_number"] or "", convert_15=True)
    for key in ("birth_date", "gender"):
        if key in data and not data[key]:
            data[key] = merged[key] = getattr(derived, key)
    _validate(merged)
    if "party_group" in data:
        data["party_group"] = _party_group(data["party_group"], member.org)
    fields = prepare_member_fields(data)
    if "id_number_index" in fields:
        _refuse_duplicate(actor, fields["id_number_index"], member.pk, member.org)
    before = audit.snapshot(member)
    for key, value in fields.items():
        setattr(member, key, value)
    member.updated_by = _actor(actor)
    member.save()
    changes = audit.diff(before, audit.snapshot(member))
    changes.pop("id_number_encrypted", None)
    changes.pop("phone_encrypted", None)
    changes.update(_personal_changes(old_personal, {**old_personal, **new_personal}))
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=member, changes=changes)
    return member


@transaction.atomic
def move_member(*, actor: Any, member: Member, org: OrgUnit, on: dt.date | None = None) -> Member:
    """Correct the org holding the relation inside the actor's scope (a move, audited as such).

    A transfer between orgs with a transfer letter is a different process (relation transfer).
    """
    member = Member.unscoped.select_for_update().select_related("org").get(pk=member.pk)
    org = OrgUnit.unscoped.get(pk=org.pk)
    _check(actor, "change", member.org)
    _check(actor, "change", org)
    _check_org(org)
    if org.pk == member.org_id:
        return member
    old = member.org
    member.org = org
    member.party_group = None
    member.added_on = on or timezone.localdate()
    member.updated_by = _actor(actor)
    member.save(update_fields=["org", "party_group", "added_on", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.MOVE,
        obj=member,
        changes={"org": [old.pk, org.pk], "org_name": [old.name, org.name]},
        org=org,
    )
    return member


@transaction.atomic
def reveal_personal(*, actor: Any, member: Member, field: str) -> str:
    """The full ID number or phone, for a user with ``view_personal``; every call is audited."""
    if field not in PERSONAL_FIELDS:
        raise ServiceError(f"not a personal field: {field}", field="field")
    member = Member.unscoped.select_related("org").get(pk=member.pk)
    if not user_can(actor, "view", member.org):
        raise OutOfScope(_("Member not found."))
    if not user_can(actor, "view_personal", member.org):
        raise NotAllowed(_("You may not see personal data in full."))
    audit.record(
        actor=actor,
        action=AuditAction.VIEW_PERSONAL,
        obj=member,
        changes={"field": field},
        message=field,
    )
    return personal_values(member)[field]


def may_reveal(user: Any, member: Member) -> bool:
    return user_can(user, "view_personal", member)
