"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

- Never downloads a browser: Chromium is /usr/bin/chromium (or $CHROMIUM_PATH).
- Missing Chromium skips the browser tests with the reason, except under CI=true where it fails.
- ``page`` is a fresh browser page in Chinese; ``logged_in_page`` is that page after logging in
  through the real login form as ``browser_user`` (override that fixture to log in as someone else).
- A failing test leaves a full-page screenshot under var/browser-failures/.

Mark every test here ``@pytest.mark.browser``; they use the transactional database through
live_server, and Django runs under Playwright's event loop only with DJANGO_ALLOW_ASYNC_UNSAFE set.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser's own widgets (file picker, date box) in Chinese, as in the offices
]
FAILURES_DIR = Path(__file__).resolve().parents[2] / "var" / "browser-failures"
TIMEOUT_MS = 15_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -r requirements.lock)"
    return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if _in_ci():
            pytest.fail(f"{reason}; CI=true requires the browser tests to run.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        target = FAILURES_DIR / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        try:
            page.screenshot(path=str(target), full_page=True)
            print(f"\nscreenshot of the failing page: {target}")
        except Exception as exc:  # a crashed page cannot be photographed; the test failure still shows
            print(f"\nno screenshot: {exc}")
    context.close()


@pytest.fixture
def browser_password() -> str:
    from accounts.tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def browser_tree(transactional_db: None) -> Any:
    """The small street of orgs.tests.factories.make_tree, in the transactional database."""
    from orgs.tests.factories import make_tree

    return make_tree()


@pytest.fixture
def browser_user(browser_tree: Any) -> Any:
    """Who ``logged_in_page`` logs in as: a system administrator of the test street by default."""
    from accounts.roles import Role
    from accounts.tests.factories import user_with_role

    return user_with_role(Role.SYSTEM_ADMIN, browser_tree.street, display_name="测试管理员")


def log_in(page: Any, username: str, password: str) -> Any:
    """Log in through the login form and wait until the browser has left the login page."""
    login_url = reverse("accounts:login")
    page.goto(login_url)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: login_url not in url)
    return page


@pytest.fixture
def login(page: Any, browser_password: str) -> Callable[..., Any]:
    """``login(user)`` or ``login("name", "password")``: the page logged in as that user."""

    def _login(user: Any, password: str | None = None) -> Any:
        username = user if isinstance(user, str) else user.get_username()
        return log_in(page, username, password or browser_password)

    return _login


@pytest.fixture
def logged_in_page(login: Callable[..., Any], browser_user: Any) -> Any:
    return login(browser_user)
