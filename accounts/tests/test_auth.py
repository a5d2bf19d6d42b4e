"""Login, lockout, logout, idle timeout, password change and the forced change after a reset."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.rules import lockout_due
from accounts.tests.factories import PASSWORD, UserFactory, grant, user_with_role
from core.models import AuditAction, AuditEntry
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录" in html
    assert "用户名" in html and "密码" in html


def test_login_succeeds_and_resets_failures(client):
    user = UserFactory(failed_logins=3)

    response = login(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_counts_a_failure(client):
    user = UserFactory()

    response = login(client, user.username, "wrong")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (1, None)


def test_five_failures_lock_the_account_with_a_message(client, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    user = UserFactory()

    for _ in range(4):
        assert "账户已被锁定" not in login(client, user.username, "wrong").content.decode()
    response = login(client, user.username, "wrong")

    user.refresh_from_db()
    assert user.locked_until is not None
    assert user.failed_logins == 0
    assert "账户已被锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()


def test_locked_account_refuses_the_right_password_until_the_time_passes(client):
    user = UserFactory(locked_until=timezone.now() + dt.timedelta(minutes=10, seconds=30))

    refused = login(client, user.username, PASSWORD)

    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "11 分钟" in refused.content.decode()

    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    accepted = login(client, user.username, PASSWORD)

    assert accepted.status_code == 302
    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pin the idle-timeout middleware's clock, so the boundary tests do not depend on test speed."""
    now = int(time.time())
    monkeypatch.setattr("accounts.middleware.time", SimpleNamespace(time=lambda: now))
    return now


def test_idle_session_is_logged_out(client, settings, monkeypatch):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    now = frozen_clock(monkeypatch)
    client.force_login(UserFactory())
    session = client.session
    session["last_activity"] = now - 601
    session.save()

    response = client.get(reverse("core:home"))

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={reverse('core:home')}",
    )
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"])
    assert "会话已超时" in follow.content.decode()


def test_active_session_within_the_timeout_stays(client, settings, monkeypatch):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    now = frozen_clock(monkeypatch)
    user = UserFactory()
    client.force_login(user)
    session = client.session
    session["last_activity"] = now - 600
    session.save()

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["last_activity"] == now  # the activity slides the timeout


def test_password_change(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    new = "Another-pass-456"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert user.must_change_password is False
    assert client.session["_auth_user_id"] == str(user.pk)  # still logged in
    entry = AuditEntry.unscoped.get(object_id=str(user.pk))
    assert entry.changes == {"must_change_password": [True, False], "password": ["***", "***"]}


def test_password_change_with_wrong_old_password_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "Another-pass-456", "new_password2": "Another-pass-456"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"old_password": ["你的旧密码不正确。请重新输入。"]}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEntry.unscoped.count() == 0


def test_temporary_password_forces_a_change_first(client):
    client.force_login(UserFactory(must_change_password=True))

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_a_lockout_is_audited_in_the_users_org_and_seen_by_its_administrators(client, settings):

    settings.LOGIN_MAX_FAILURES = 3
    tree = make_tree()
    user = UserFactory()
    grant(user, Role.BRANCH_SECRETARY, tree.branch_a1)
    community_admin = user_with_role(Role.ORG_DEPT_ADMIN, tree.community_a)
    other_admin = user_with_role(Role.ORG_DEPT_ADMIN, tree.community_b)

    for _ in range(2):
        login(client, user.username, "wrong")
    assert not AuditEntry.unscoped.filter(action=AuditAction.LOGIN).exists()
    login(client, user.username, "wrong")

    (entry,) = AuditEntry.unscoped.filter(action=AuditAction.LOGIN)
    user.refresh_from_db()
    assert (entry.object_id, entry.org_id, entry.actor_id) == (str(user.pk), tree.branch_a1.pk, None)
    assert entry.changes == {"locked_until": [None, user.locked_until.isoformat()]}
    assert list(AuditEntry.objects.for_user(community_admin, "view")) == [entry]
    assert list(AuditEntry.objects.for_user(other_admin, "view")) == []


def test_lockout_rule():

    assert [lockout_due(n, 5) for n in (0, 4, 5, 6)] == [False, False, True, True]
    assert lockout_due(100, 0) is False  # 0 turns the lockout off
