"""The job page's progress bar follows the job row while the page stays open: it polls the status
fragment, moves as the runner reports progress, and stops polling once the job has finished.

The runner is played by the test, which writes the job row as a runner's progress reports would
(committed: what the page can see once the runner's side channel or transaction has written it).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core.models import Job, JobStatus
from orgs.tests.factories import Tree

from .helpers_shots import VIEWPORT, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(browser_tree: Tree) -> Any:
    return user_with_role(Role.PARTY_WORKER, browser_tree.community_a, display_name="东风社区党务工作者")


def test_the_progress_bar_follows_a_running_job_until_it_finishes(page, login, worker, browser_tree):
    job = Job.unscoped.create(
        kind="members.import",
        title="导入党员到 东风社区党委：东风社区党员.xlsx",
        org=browser_tree.community_a,
        created_by=worker,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        total=40,
    )
    page.set_viewport_size(VIEWPORT)
    login(worker)
    page.goto(reverse("core:job_detail", args=[job.pk]))
    box = page.locator("#job-progress")
    bar = box.locator("[role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(box).to_have_attribute("data-poll", reverse("core:job_status", args=[job.pk]))
    expect(box.locator("[data-job-status]")).to_have_text("运行中")

    Job.unscoped.filter(pk=job.pk).update(progress=10)
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(bar.locator(".progress-bar")).to_have_text("25%")
    expect(box).to_contain_text("10 / 40")
    shot(page, "job_01_running")

    Job.unscoped.filter(pk=job.pk).update(
        progress=40,
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result={"新增": 40},
        log="[10:00:00] 已导入：新增 40 人，更新 0 人，无变化 0 人。\n[10:00:00] 已完成。\n",
    )
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(box.locator("[data-job-status]")).to_have_attribute("data-job-status", JobStatus.SUCCEEDED)
    expect(box.locator("[data-job-status]")).to_have_text("已完成")
    assert box.get_attribute("data-poll") is None
    expect(box.locator("pre")).to_contain_text("已完成。")
    shot(page, "job_02_finished")
    assert page.js_errors == []
