from __future__ import annotations

import io
import sys
import types

import pytest
from django.core.management import call_command

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core.models import AuditAction, AuditEntry
from demo.loader import demo_accounts, load_demo
from orgs.choices import EstablishedHow, OrgKind
from orgs.demo import STREET_CODE, STREET_NAME
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_demo_members(monkeypatch):
    """Keep the members app's demo members out of these tree tests (they are tested in members)."""
    monkeypatch.setattr("demo.loader._members_hook", lambda: None)


def test_load_demo_builds_the_street_and_a_second_run_changes_nothing(no_demo_members):
    first = load_demo()
    orgs = list(OrgUnit.unscoped.order_by("path").values_list("path", "code", "name", "kind"))
    audit_count = AuditEntry.unscoped.count()
    users = list(User.objects.order_by("username").values_list("username", "password"))

    second = load_demo()

    assert first.orgs_created == len(orgs)
    assert first.users_created == ["admin", "worker", "community", "secretary", "auditor"]
    assert second.orgs_created == 0
    assert second.users_created == []
    assert list(OrgUnit.unscoped.order_by("path").values_list("path", "code", "name", "kind")) == orgs
    assert AuditEntry.unscoped.count() == audit_count
    assert list(User.objects.order_by("username").values_list("username", "password")) == users


def test_demo_street_shape(no_demo_members):
    load_demo()
    street = OrgUnit.unscoped.get(code=STREET_CODE)
    assert street.name == STREET_NAME
    assert street.depth == 1
    communities = OrgUnit.unscoped.filter(kind=OrgKind.COMMUNITY_COMMITTEE)
    assert communities.count() == 10
    assert all(c.path[: -OrgUnit.steplen] == street.path for c in communities)
    assert set(OrgUnit.unscoped.values_list("kind", flat=True)) == {
        OrgKind.STREET_COMMITTEE,
        OrgKind.COMMUNITY_COMMITTEE,
        OrgKind.PRIMARY_COMMITTEE,
        OrgKind.GENERAL_BRANCH,
        OrgKind.BRANCH,
        OrgKind.JOINT_BRANCH,
        OrgKind.SECOND_LEVEL_BRANCH,
        OrgKind.COMPOUND_ORG,
        OrgKind.PARTY_GROUP,
    }
    joint = OrgUnit.unscoped.filter(kind=OrgKind.JOINT_BRANCH).order_by("code")
    assert [j.name for j in joint] == ["东城金融大厦联合党支部", "东城创业园联合党支部"]
    assert all(j.established_how == EstablishedHow.JOINT for j in joint)
    assert [len(j.units_covered.splitlines()) for j in joint] == [4, 5]
    assert OrgUnit.unscoped.filter(name="东城街道中心小学党支部", unit_type="school").count() == 1
    assert OrgUnit.unscoped.filter(name="东城街道社区卫生服务中心党支部", unit_type="hospital").count() == 1


def test_every_child_is_established_after_its_parent_with_a_document(no_demo_members):
    load_demo()
    by_path = {o.path: o for o in OrgUnit.unscoped.all()}
    for org in by_path.values():
        if org.depth > 1:
            parent = by_path[org.path[: -OrgUnit.steplen]]
            assert org.established_on > parent.established_on, org.code
            assert org.code.startswith(parent.code), org.code
        if org.kind != OrgKind.PARTY_GROUP:
            assert org.establishment_doc.startswith(f"东党工〔{org.established_on.year}〕"), org.code


def test_demo_tree_is_deterministic(no_demo_members):
    load_demo(seed=7)
    first = list(
        OrgUnit.unscoped.order_by("path").values_list("code", "name", "secretary_name", "established_on")
    )
    RoleAssignment.unscoped.all().delete()
    User.objects.all().delete()
    AuditEntry.unscoped.all().delete()
    OrgUnit.unscoped.all().delete()

    load_demo(seed=7)

    assert (
        list(
            OrgUnit.unscoped.order_by("path").values_list("code", "name", "secretary_name", "established_on")
        )
        == first
    )


def test_each_org_is_created_through_the_service_with_one_audit_row(no_demo_members):
    load_demo()
    assert (
        AuditEntry.unscoped.filter(action=AuditAction.CREATE, actor=None).count() == OrgUnit.unscoped.count()
    )


def test_demo_accounts_log_in_and_see_their_subtree(client, no_demo_members):
    load_demo()
    street = OrgUnit.unscoped.get(code=STREET_CODE)
    community = OrgUnit.unscoped.get(code="DC01")
    branch = OrgUnit.unscoped.get(code="DC010101")
    for account in demo_accounts():
        assert client.login(username=account.username, password=account.password), account.username
        client.logout()

    def visible(username: str) -> set[str]:
        user = User.objects.get(username=username)
        return set(OrgUnit.objects.for_user(user).values_list("path", flat=True))

    street_paths = set(OrgUnit.unscoped.filter(path__startswith=street.path).values_list("path", flat=True))
    assert visible("admin") == street_paths
    assert visible("worker") == street_paths
    assert visible("auditor") == street_paths
    assert visible("community") == set(
        OrgUnit.unscoped.filter(path__startswith=community.path).values_list("path", flat=True)
    )
    assert visible("secretary") == set(
        OrgUnit.unscoped.filter(path__startswith=branch.path).values_list("path", flat=True)
    )
    assert RoleAssignment.unscoped.get(user__username="admin").role == Role.SYSTEM_ADMIN
    assert User.objects.get(username="admin").is_superuser is False


def test_members_hook_gets_the_street_and_seed_on_every_run(monkeypatch):
    calls: list[tuple[str, int]] = []

    def build_demo_members(street, seed):
        calls.append((street.code, seed))
        return 0 if len(calls) > 1 else 3

    module = types.ModuleType("members.demo")
    module.build_demo_members = build_demo_members  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "members.demo", module)

    first = load_demo(seed=11)
    second = load_demo(seed=11)

    assert calls == [(STREET_CODE, 11), (STREET_CODE, 11)]
    assert (first.members_created, second.members_created) == (3, 0)


def test_without_a_members_hook_no_members_are_reported(no_demo_members):
    assert load_demo().members_created is None


def test_load_demo_with_the_real_demo_members_twice_changes_nothing():
    pytest.importorskip("members.demo")
    from members.models import Member

    first = load_demo()
    members = Member.unscoped.count()
    audit_count = AuditEntry.unscoped.count()

    second = load_demo()

    assert first.members_created == members
    assert members > 0
    assert second.members_created == 0
    assert Member.unscoped.count() == members
    assert AuditEntry.unscoped.count() == audit_count


def test_command_prints_the_logins(no_demo_members):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "exists already: nothing to create" in text
    for account in demo_accounts():
        assert f"{account.username}" in text
        assert account.password in text
