"""The demo members: deterministic, valid, and with the intended mix."""

from __future__ import annotations

import pytest
from django.db.models import Avg, Count, Q

from core.models import AuditBatch, AuditEntry
from members import demo
from members.models import Member
from members.rules import age_on, check_id_number
from orgs.demo import build_demo_tree
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


class _System:
    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def get_scope_paths(self, action):
        return None


def test_demo_members_mix_and_audit():
    tree = build_demo_tree(actor=_System())
    street = tree.street

    count = demo.build_demo_members(street)

    today = demo._reference_today()
    members = Member.unscoped.all()
    assert members.count() == count
    assert 3000 <= count <= 4000
    ages = [age_on(b, today) for b in members.values_list("birth_date", flat=True)]
    average = sum(ages) / len(ages)
    share = members.aggregate(
        women=Count("id", filter=Q(gender="F")),
        retired=Count("id", filter=Q(is_retired=True)),
        minority=Count("id", filter=~Q(ethnicity="01")),
        probationary=Count("id", filter=Q(category="probationary")),
        mobile=Count("id", filter=Q(is_mobile=True)),
    )
    under_35 = sum(1 for a in ages if a < 35) / count
    assert 47 <= average <= 53
    assert 0.10 <= under_35 <= 0.20
    assert 0.28 <= share["women"] / count <= 0.35
    assert 0.20 <= share["retired"] / count <= 0.32
    assert 0.01 <= share["minority"] / count <= 0.06
    assert share["probationary"] > 0
    assert share["mobile"] > 0
    assert OrgUnit.unscoped.filter(pk__in=members.values("org_id"), kind__in=["party_group"]).count() == 0
    batch = AuditBatch.unscoped.get()
    assert batch.row_count == count
    assert AuditEntry.unscoped.filter(batch=batch).count() == count
    # every stored ID number is valid; the same seed builds nothing twice
    sample = members.order_by("id")[:20]
    from core import crypto

    assert all(check_id_number(crypto.decrypt(m.id_number_encrypted)).errors == [] for m in sample)
    assert demo.build_demo_members(street) == 0
    assert members.aggregate(a=Avg("id"))["a"] is not None


def test_demo_rows_are_deterministic():
    tree = build_demo_tree(actor=_System())
    today = demo._reference_today()

    first = [d["id_number"] for _o, d in demo._member_rows(tree.street, 7, today)][:50]
    second = [d["id_number"] for _o, d in demo._member_rows(tree.street, 7, today)][:50]

    assert first == second
