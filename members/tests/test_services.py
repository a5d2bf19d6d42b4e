"""Member services: create, update, duplicates, moves, reveal, audit and masking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core import crypto
from core.exceptions import NotAllowed, OutOfScope, ServiceError
from core.models import AuditAction, AuditEntry
from members.models import Member
from members.services import (
    MemberInvalid,
    NeedsTransfer,
    create_member,
    move_member,
    prepare_member_fields,
    reveal_personal,
    update_member,
)
from members.tests.factories import MemberFactory
from orgs.choices import OrgKind
from orgs.tests.factories import OrgUnitFactory, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def worker(tree):
    return user_with_role(Role.PARTY_WORKER, tree.street)


def data(**overrides):
    values = {
        "name": "曾小明",
        "id_number": "360426199101010071",
        "phone": "13812345678",
        "ethnicity": "01",
        "education": "21",
        "category": "full",
        "joined_on": dt.date(2014, 7, 1),
        "confirmed_on": dt.date(2015, 7, 1),
    }
    values.update(overrides)
    return values


def test_prepare_member_fields_encrypts_indexes_and_derives():
    fields = prepare_member_fields(
        {"name": "曾小明", "id_number": "11010519491231002x", "phone": "138 1234 5678"}
    )

    assert crypto.decrypt(fields["id_number_encrypted"]) == "11010519491231002X"
    assert fields["id_number_index"] == crypto.blind_index("11010519491231002X")
    assert (fields["id_number_head"], fields["id_number_tail"]) == ("110105", "002X")
    assert crypto.decrypt(fields["phone_encrypted"]) == "13812345678"
    assert (fields["phone_head"], fields["phone_tail"]) == ("138", "5678")
    assert (fields["name_pinyin"], fields["name_initials"]) == ("zengxiaoming", "zxm")
    assert (fields["birth_date"], fields["gender"]) == (dt.date(1949, 12, 31), "F")


def test_create_member_stores_encrypted_and_audits_masked(tree, worker):
    member = create_member(actor=worker, org=tree.branch_a1, **data())

    member.refresh_from_db()
    assert (member.name, member.org_id, member.gender, member.birth_date) == (
        "曾小明",
        tree.branch_a1.pk,
        "M",
        dt.date(1991, 1, 1),
    )
    assert member.id_number_masked == "360426********0071"
    assert member.phone_masked == "138****5678"
    assert "360426199101010071" not in member.id_number_encrypted
    assert member.created_by == worker
    entry = AuditEntry.unscoped.get(object_id=str(member.pk))
    assert (entry.action, entry.actor, entry.org) == (AuditAction.CREATE, worker, tree.branch_a1)
    assert entry.changes["id_number"] == ["", "360426********0071"]
    assert entry.changes["phone"] == ["", "138****5678"]
    assert entry.changes["name"] == [None, "曾小明"]
    assert "id_number_encrypted" not in entry.changes
    assert "360426199101010071" not in str(entry.changes)


def test_create_with_invalid_data_is_refused_and_nothing_changes(tree, worker):
    with pytest.raises(MemberInvalid) as exc:
        create_member(actor=worker, org=tree.branch_a1, **data(id_number="360426199101010072"))

    assert exc.value.message == "The ID number's check character is wrong."
    assert exc.value.field == "id_number"
    assert Member.unscoped.count() == 0
    assert AuditEntry.unscoped.count() == 0


def test_duplicate_id_in_another_org_needs_a_transfer(tree, worker):
    MemberFactory(org=tree.branch_b1, name="李四", id_number="360426199101010071")
    before = list(Member.unscoped.values_list("pk", "org_id", "name"))

    with pytest.raises(NeedsTransfer) as exc:
        create_member(actor=worker, org=tree.branch_a1, **data())

    assert exc.value.message == (
        "This person is already registered in 西湖社区党支部: this needs a relation transfer."
    )
    assert exc.value.field == "id_number"
    assert list(Member.unscoped.values_list("pk", "org_id", "name")) == before
    assert AuditEntry.unscoped.count() == 0


def test_duplicate_out_of_scope_does_not_name_the_org(tree, worker):
    MemberFactory(org=tree.other_branch, id_number="360426199101010071")

    with pytest.raises(NeedsTransfer) as exc:
        create_member(actor=worker, org=tree.branch_a1, **data())

    assert exc.value.message == (
        "This person is already registered in another organisation: this needs a relation transfer."
    )
    assert Member.unscoped.count() == 1


def test_duplicate_in_lowercase_is_the_same_person(tree, worker):
    MemberFactory(
        org=tree.branch_b1, id_number="11010519491231002X", gender="F", birth_date=dt.date(1949, 12, 31)
    )

    member = MemberFactory(org=tree.branch_a1)
    before = Member.unscoped.values().get(pk=member.pk)
    audit_count = AuditEntry.unscoped.count()

    with pytest.raises(NeedsTransfer) as exc:
        update_member(
            actor=worker,
            member=member,
            id_number="11010519491231002x",
            gender="F",
            birth_date=dt.date(1949, 12, 31),
        )

    assert exc.value.message == (
        f"This person is already registered in {tree.branch_b1.name}: this needs a relation transfer."
    )
    assert Member.unscoped.values().get(pk=member.pk) == before
    assert AuditEntry.unscoped.count() == audit_count


def test_duplicate_in_same_org(tree, worker):
    MemberFactory(org=tree.branch_a1, id_number="360426199101010071")

    with pytest.raises(ServiceError) as exc:
        create_member(actor=worker, org=tree.branch_a1, **data())

    assert (exc.value.code, exc.value.message) == (
        "duplicate",
        "This person is already registered in this organisation.",
    )


def test_create_out_of_scope_and_without_permission(tree, worker):
    secretary = user_with_role(Role.AUDITOR, tree.street)

    with pytest.raises(OutOfScope):
        create_member(actor=worker, org=tree.other_branch, **data())
    with pytest.raises(NotAllowed):
        create_member(actor=secretary, org=tree.branch_a1, **data())
    assert Member.unscoped.count() == 0


def test_party_group_cannot_hold_members(tree, worker):
    group = OrgUnitFactory(parent=tree.branch_a1, kind=OrgKind.PARTY_GROUP)

    with pytest.raises(ServiceError) as exc:
        create_member(actor=worker, org=group, **data())

    assert exc.value.field == "org"
    assert Member.unscoped.count() == 0


def test_update_audits_changed_fields_only(tree, worker):
    member = MemberFactory(org=tree.branch_a1, phone="13800000001")

    update_member(
        actor=worker, member=member, work_unit="区人民医院", phone="13912345678", id_number=member_id(member)
    )

    member.refresh_from_db()
    assert member.work_unit == "区人民医院"
    assert member.phone_masked == "139****5678"
    entry = AuditEntry.unscoped.get(object_id=str(member.pk), action=AuditAction.UPDATE)
    assert entry.changes == {"phone": ["138****0001", "139****5678"], "work_unit": ["", "区人民医院"]}


def member_id(member):
    return crypto.decrypt(member.id_number_encrypted)


def test_update_without_change_writes_no_audit(tree, worker):
    member = MemberFactory(org=tree.branch_a1)
    encrypted = member.id_number_encrypted

    update_member(actor=worker, member=member, name=member.name, id_number=member_id(member).lower())

    member.refresh_from_db()
    assert member.id_number_encrypted == encrypted
    assert AuditEntry.unscoped.count() == 0


def test_update_refused_keeps_the_record(tree, worker):
    member = MemberFactory(org=tree.branch_a1, name="王五")

    with pytest.raises(MemberInvalid) as exc:
        update_member(actor=worker, member=member, name="王六", confirmed_on=dt.date(2099, 1, 1))

    assert (exc.value.field, exc.value.message) == ("confirmed_on", "The date is in the future.")
    member.refresh_from_db()
    assert member.name == "王五"
    assert AuditEntry.unscoped.count() == 0


def test_update_out_of_scope(tree, worker):
    member = MemberFactory(org=tree.other_branch, name="王五")

    with pytest.raises(OutOfScope):
        update_member(actor=worker, member=member, name="王六")

    member.refresh_from_db()
    assert member.name == "王五"


def test_move_member_is_audited_as_a_move(tree, worker):
    member = MemberFactory(org=tree.branch_a1)

    move_member(actor=worker, member=member, org=tree.branch_b1, on=dt.date(2026, 1, 5))

    member.refresh_from_db()
    assert (member.org_id, member.added_on) == (tree.branch_b1.pk, dt.date(2026, 1, 5))
    entry = AuditEntry.unscoped.get(action=AuditAction.MOVE)
    assert entry.changes == {
        "org": [tree.branch_a1.pk, tree.branch_b1.pk],
        "org_name": ["东风社区第一党支部", "西湖社区党支部"],
    }


def test_reveal_personal_returns_clear_value_and_audits(tree, worker):
    member = MemberFactory(org=tree.branch_a1, id_number="360426199101010071", phone="13812345678")

    assert reveal_personal(actor=worker, member=member, field="id_number") == "360426199101010071"
    assert reveal_personal(actor=worker, member=member, field="phone") == "13812345678"

    entries = list(AuditEntry.unscoped.filter(action=AuditAction.VIEW_PERSONAL).order_by("id"))
    assert [(e.actor, e.changes, e.org) for e in entries] == [
        (worker, {"field": "id_number"}, tree.branch_a1),
        (worker, {"field": "phone"}, tree.branch_a1),
    ]


def test_reveal_refused_without_view_personal_or_out_of_scope(tree, worker):
    secretary = user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1)
    member = MemberFactory(org=tree.branch_a1)
    outside = MemberFactory(org=tree.other_branch)

    with pytest.raises(NotAllowed):
        reveal_personal(actor=secretary, member=member, field="id_number")
    with pytest.raises(OutOfScope):
        reveal_personal(actor=worker, member=outside, field="id_number")
    assert AuditEntry.unscoped.count() == 0
