"""The import pages: upload → dry-run job → dry-run page → confirm → import job; the marked file,
the template, who may see the jobs and their files, and the cleanup of uploaded files."""

from __future__ import annotations

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import RoleAssignment
from accounts.roles import Role
from accounts.tests.factories import grant, user_with_role
from core import jobs
from core.importing.testing import xlsx_bytes
from core.models import AuditBatch, AuditEntry, Job, JobStatus
from members.import_jobs import DRY_RUN_KIND, cleanup_import_files
from members.importers import JOB_KIND
from members.models import Member
from members.tests.test_imports import HEADER, person
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db

BAD_DATE = "不知道 不是日期。日期请写成 2021-07-01、2021/7/1 或 2021年7月1日 的样子。"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def worker(client, tree):
    user = user_with_role(Role.PARTY_WORKER, tree.street)
    client.force_login(user)
    return user


def rows_for(org, count, **changes):
    return [person(n, org.code, **changes) for n in range(1, count + 1)]


def follow(client, response):
    if response.status_code != 302:
        return response
    chain = [(response["Location"], 302)]
    response = client.get(response["Location"], follow=True)
    response.redirect_chain[:0] = chain
    return response


def post(client, url, data=None):
    """POST, then run its on-commit callbacks: with the immediate task backend, the job it started."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def upload(client, org, rows, name="党员.xlsx", header=HEADER):
    data = xlsx_bytes([header, *rows])
    response = post(
        client, reverse("members:member_import"), {"org": org.pk, "file": SimpleUploadedFile(name, data)}
    )
    return follow(client, response)


def dry_run_job() -> Job:
    return Job.unscoped.get(kind=DRY_RUN_KIND)


def confirm(client, job):
    return post(client, reverse("members:member_import_confirm", args=[job.pk]))


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def test_upload_runs_the_dry_run_as_a_job_and_ends_on_its_page(client, tree, worker):
    response = upload(client, tree.branch_a1, rows_for(tree.branch_a1, 2))

    job = dry_run_job()
    assert [url for url, _status in response.redirect_chain] == [
        f"{reverse('core:job_detail', args=[job.pk])}?follow=1",
        reverse("members:member_import_dry_run", args=[job.pk]),
    ]
    assert response.templates[0].name == "members/import_dry_run.html"
    assert (job.status, job.org, job.created_by, job.progress, job.total) == (
        JobStatus.SUCCEEDED,
        tree.branch_a1,
        worker,
        2,
        2,
    )
    assert job.result == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "warnings": 0,
        "refused": "",
    }
    assert job.title == f"检查党员文件（{tree.branch_a1.name}）：党员.xlsx"
    assert stored(job.input_file.name)
    page = response.content.decode()
    assert '<strong data-count="created">2</strong>' in page
    assert 'data-testid="confirm-import"' in page
    assert 'data-testid="problems"' not in page
    assert (Member.unscoped.count(), AuditEntry.unscoped.count(), Job.unscoped.count()) == (0, 0, 1)


def test_the_dry_run_job_page_links_to_its_result(client, tree, worker):
    upload(client, tree.branch_a1, rows_for(tree.branch_a1, 2))
    job = dry_run_job()

    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()

    url = reverse("members:member_import_dry_run", args=[job.pk])
    assert f'data-next="{url}"' in page
    assert f'href="{url}" data-testid="job-result-link"' in page
    assert "新增 2，更新 0，无变化 0；错误 0 个，警告 0 个。" in page


def test_a_running_dry_run_page_goes_to_its_progress(client, tree, worker):
    job = Job.unscoped.create(
        kind=DRY_RUN_KIND, title="t", org=tree.branch_a1, created_by=worker, status=JobStatus.RUNNING
    )

    response = client.get(reverse("members:member_import_dry_run", args=[job.pk]))

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('core:job_detail', args=[job.pk])}?follow=1",
    )


def test_errors_are_listed_with_row_column_and_reason_and_the_file_comes_back_marked(client, tree, worker):
    rows = [person(1, tree.branch_a1.code), person(2, tree.branch_a1.code, 出生日期="不知道")]
    response = upload(client, tree.branch_a1, rows)

    job = dry_run_job()
    page = response.content.decode()
    assert [(p.row, p.column, p.message) for p in response.context["page_obj"]] == [(3, "出生日期", BAD_DATE)]
    assert f"<tr><td>3</td><td>出生日期</td><td>{BAD_DATE}</td></tr>" in page
    assert 'data-testid="confirm-import"' not in page
    assert (job.result["created"], job.result["errors"]) == (1, 1)
    marked = client.get(reverse("members:member_import_marked", args=[job.pk]))
    assert marked.status_code == 200
    assert marked["Content-Disposition"].endswith(
        "filename*=utf-8''%E5%85%9A%E5%91%98_%E5%B7%B2%E6%A0%87%E6%B3%A8.xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content))).active
    assert sheet.cell(row=3, column=len(HEADER) + 1).value.startswith("出生日期：不知道 不是日期。")
    assert (Member.unscoped.count(), AuditEntry.unscoped.count()) == (0, 0)
    # confirming a file with errors starts nothing
    refused = follow(client, confirm(client, job))
    assert [str(m) for m in refused.context["messages"]] == ["这个文件不能导入：请重新检查。"]
    assert (Member.unscoped.count(), Job.unscoped.count()) == (0, 1)


def test_thousands_of_problems_are_paged(client, tree, worker):
    rows = rows_for(tree.branch_a1, 110, 出生日期="不知道")
    upload(client, tree.branch_a1, rows)
    job = dry_run_job()
    url = reverse("members:member_import_dry_run", args=[job.pk])

    first = client.get(url)
    last = client.get(url, {"page": 2})
    big = client.get(url, {"per_page": 200})

    assert job.result["errors"] == 110
    assert [p.row for p in first.context["page_obj"]] == list(range(2, 102))
    assert [p.row for p in last.context["page_obj"]] == list(range(102, 112))
    assert {(p.column, p.message) for p in last.context["page_obj"]} == {("出生日期", BAD_DATE)}
    assert len(big.context["page_obj"]) == 110
    assert "共 110 条记录\n    · 当前显示第 101–110 条" in last.content.decode()


def test_warnings_have_their_own_tab(client, tree, worker):
    header = [*HEADER, "备注栏"]
    rows = [[*person(1, tree.branch_a1.code), "x"], [*person(2, tree.branch_a1.code, 出生日期="不知道"), "y"]]
    upload(client, tree.branch_a1, rows, header=header)
    job = dry_run_job()
    url = reverse("members:member_import_dry_run", args=[job.pk])

    errors = client.get(url)
    warnings = client.get(url, {"show": "warnings"})

    assert (job.result["errors"], job.result["warnings"]) == (1, 1)
    assert [(p.level, p.row) for p in errors.context["page_obj"]] == [("error", 3)]
    assert [(p.level, p.column) for p in warnings.context["page_obj"]] == [("warning", "备注栏")]


def test_a_refused_file_is_shown_on_the_dry_run_page(client, tree, worker):
    response = post(
        client,
        reverse("members:member_import"),
        {"org": tree.branch_a1.pk, "file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a sheet")},
    )
    response = follow(client, response)

    page = response.content.decode()
    assert response.context["state"] == "refused"
    assert "文件类型不正确：只能导入 Excel 工作簿（.xlsx）或 CSV 文件。" in page
    assert 'data-testid="confirm-import"' not in page
    assert dry_run_job().result["refused"] == "文件类型不正确：只能导入 Excel 工作簿（.xlsx）或 CSV 文件。"
    assert Member.unscoped.count() == 0


def test_confirm_runs_the_import_job_and_cleans_up_the_uploaded_file(client, tree, worker):
    upload(client, tree.branch_a1, rows_for(tree.branch_a1, 2))
    checked = dry_run_job()
    checked_file = checked.input_file.name

    response = confirm(client, checked)

    job = Job.unscoped.get(kind=JOB_KIND)
    assert (response.status_code, response["Location"]) == (302, reverse("core:job_detail", args=[job.pk]))
    assert (job.status, job.progress, job.total, job.created_by, job.org) == (
        JobStatus.SUCCEEDED,
        2,
        2,
        worker,
        tree.branch_a1,
    )
    assert job.params == {"org": tree.branch_a1.pk, "file_name": "党员.xlsx", "dry_run": checked.pk}
    assert Member.unscoped.filter(org=tree.branch_a1).count() == 2
    batch = AuditBatch.unscoped.get()
    assert (batch.actor, batch.org) == (worker, tree.branch_a1)
    assert AuditEntry.unscoped.filter(batch=batch, action="create").count() == 2
    # both copies of the file are gone once the import finished
    checked.refresh_from_db()
    assert (checked.input_file.name, job.input_file.name) == ("", "")
    assert not stored(checked_file)
    assert checked.params["import_job"] == job.pk
    # the job page is the result page: the counts and the members of the target org
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert (
        f'href="{reverse("members:member_list")}?org={tree.branch_a1.pk}" data-testid="imported-members"'
        in page
    )
    assert '<dt class="col-sm-3">新增</dt><dd class="col-sm-9">2</dd>' in page
    # confirming again does not import twice; the dry-run page links to the import
    again = confirm(client, checked)
    assert again["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (Job.unscoped.count(), Member.unscoped.count()) == (2, 2)
    dry_page = client.get(reverse("members:member_import_dry_run", args=[checked.pk])).content.decode()
    assert f'href="{reverse("core:job_detail", args=[job.pk])}" data-testid="import-job"' in dry_page


def test_confirm_rechecks_the_import_right_and_scope(client, tree, worker):
    upload(client, tree.branch_a1, rows_for(tree.branch_a1, 2))
    checked = dry_run_job()
    RoleAssignment.unscoped.filter(user=worker).delete()
    grant(worker, Role.PARTY_WORKER, tree.community_b)  # imports elsewhere now

    assert confirm(client, checked).status_code == 404
    assert client.get(reverse("members:member_import_dry_run", args=[checked.pk])).status_code == 404
    assert (Member.unscoped.count(), Job.unscoped.count()) == (0, 1)
    checked.refresh_from_db()
    assert stored(checked.input_file.name)


def test_only_the_uploader_may_confirm(client, tree, worker):
    upload(client, tree.branch_a1, rows_for(tree.branch_a1, 2))
    checked = dry_run_job()
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    page = client.get(reverse("members:member_import_dry_run", args=[checked.pk])).content.decode()

    assert 'data-testid="confirm-import"' not in page
    assert confirm(client, checked).status_code == 404
    assert (Member.unscoped.count(), Job.unscoped.count()) == (0, 1)


@pytest.mark.parametrize(
    "name",
    [
        "members:member_import_dry_run",
        "members:member_import_marked",
        "members:member_import_confirm",
        "core:job_detail",
        "core:job_status",
        "core:job_download",
    ],
)
def test_another_orgs_import_jobs_and_files_are_404(client, tree, worker, name):
    upload(client, tree.branch_a1, [person(1, tree.branch_a1.code, 出生日期="不知道")])
    checked = dry_run_job()
    assert checked.result_file
    outsider = user_with_role(Role.PARTY_WORKER, tree.community_b)
    viewer = user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1)  # sees the org, may not import

    for user in (outsider, viewer):
        client.force_login(user)
        if name == "members:member_import_confirm":
            response = post(client, reverse(name, args=[checked.pk]))
        else:
            response = client.get(reverse(name, args=[checked.pk]))
        assert response.status_code == (403 if user is viewer and name.startswith("members:") else 404)
    assert Job.unscoped.count() == 1


def test_a_user_without_import_permission_gets_403(client, tree):
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1))
    assert client.get(reverse("members:member_import")).status_code == 403


def test_orgs_outside_the_users_scope_cannot_be_chosen(client, tree, worker):
    response = upload(client, tree.other_branch, [person(1, tree.other_branch.code)])
    assert response.status_code == 200
    assert "org" in response.context["form"].errors
    assert (Member.unscoped.count(), Job.unscoped.count()) == (0, 0)


def test_template_download(client, tree, worker):
    response = client.get(reverse("members:member_import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]][:2] == ["姓名*", "性别"]


# -- cleanup ----------------------------------------------------------------------------------------


def age(job: Job, hours: float) -> None:
    Job.unscoped.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=hours))


def test_cleanup_deletes_the_files_of_old_dry_runs_only(client, tree, worker):
    upload(client, tree.branch_a1, [person(1, tree.branch_a1.code, 出生日期="不知道")], name="旧.xlsx")
    upload(client, tree.branch_a1, [person(2, tree.branch_a1.code, 出生日期="不知道")], name="新.xlsx")
    old, new = Job.unscoped.filter(kind=DRY_RUN_KIND).order_by("pk")
    age(old, 30)
    age(new, 2)
    old_files = [old.input_file.name, old.result_file.name, old.result["problems_file"]]
    new_files = [new.input_file.name, new.result_file.name, new.result["problems_file"]]
    assert all(stored(name) for name in old_files + new_files)

    deleted = cleanup_import_files(older_than=dt.timedelta(hours=24))

    assert deleted == 3
    assert [stored(name) for name in old_files + new_files] == [False] * 3 + [True] * 3
    old.refresh_from_db()
    assert (old.input_file.name, old.result_file.name, "problems_file" in old.result) == ("", "", False)
    assert old.result["errors"] == 1
    assert cleanup_import_files(older_than=dt.timedelta(hours=24)) == 0
    # the expired check says so and cannot be imported
    page = client.get(reverse("members:member_import_dry_run", args=[old.pk])).content.decode()
    assert "下载带标记的文件" not in page
    assert client.get(reverse("members:member_import_marked", args=[old.pk])).status_code == 404


def test_an_expired_check_cannot_be_confirmed(client, tree, worker):
    upload(client, tree.branch_a1, rows_for(tree.branch_a1, 1))
    checked = dry_run_job()
    age(checked, 25)
    call_command("cleanup_imports", "--older-than-hours", "24", stdout=io.StringIO())

    page = client.get(reverse("members:member_import_dry_run", args=[checked.pk])).content.decode()
    response = follow(client, confirm(client, checked))

    assert "这次检查已过期，文件已删除：请重新上传文件。" in page
    assert 'data-testid="confirm-import"' not in page
    assert [str(m) for m in response.context["messages"]] == ["这个文件不能导入：请重新检查。"]
    assert (Member.unscoped.count(), Job.unscoped.count()) == (0, 1)


def test_cleanup_command_reports_and_clears_the_old_pending_folder(tree, settings):
    old = default_storage.save("imports/pending/old.xlsx", io.BytesIO(b"old"))
    new = default_storage.save("imports/pending/new.xlsx", io.BytesIO(b"new"))
    hours_ago = (timezone.now() - dt.timedelta(hours=5)).timestamp()
    os.utime(default_storage.path(old), (hours_ago, hours_ago))
    out = io.StringIO()

    call_command("cleanup_imports", "--older-than-hours", "4", stdout=out)

    assert (stored(old), stored(new)) == (False, True)
    assert out.getvalue() == "已删除 1 个导入文件。\n"


def test_with_the_database_worker_the_job_page_waits_then_leads_to_the_dry_run(
    client, tree, worker, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    data = xlsx_bytes([HEADER, *rows_for(tree.branch_a1, 2)])
    started = post(
        client,
        reverse("members:member_import"),
        {"org": tree.branch_a1.pk, "file": SimpleUploadedFile("党员.xlsx", data)},
    )
    job = dry_run_job()
    dry_run_page = reverse("members:member_import_dry_run", args=[job.pk])

    waiting = client.get(started["Location"])
    early = client.get(dry_run_page)
    jobs.execute(job.pk)  # what the worker's task does
    done = client.get(started["Location"])

    assert job.status == JobStatus.PENDING
    assert f'data-poll="{reverse("core:job_status", args=[job.pk])}"' in waiting.content.decode()
    assert (early.status_code, early["Location"]) == (302, started["Location"])
    assert (done.status_code, done["Location"]) == (302, dry_run_page)
    job.refresh_from_db()
    assert (job.status, job.result["created"], Member.unscoped.count()) == (JobStatus.SUCCEEDED, 2, 0)
