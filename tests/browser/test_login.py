from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_and_logs_in(page, live_server, browser_user, browser_password):
    page.goto(reverse("accounts:login"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name="登录").count() == 1

    log_in(page, browser_user.username, browser_password)

    assert page.url == live_server.url + reverse("core:home")
    assert page.js_errors == []


def test_wrong_password_stays_on_the_login_page(page, browser_user):
    page.goto(reverse("accounts:login"))
    page.locator("input[name=username]").fill(browser_user.username)
    page.locator("input[name=password]").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    assert page.locator(".alert-danger").count() == 1
    assert reverse("accounts:login") in page.url
