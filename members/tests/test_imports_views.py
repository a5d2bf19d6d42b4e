"""The import pages: upload, dry run, confirm → background job, marked file, template."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core.importing.testing import xlsx_bytes
from core.models import AuditEntry, Job, JobStatus
from members.models import Member
from members.tests.test_imports import HEADER, person
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


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


def upload(client, org, rows, name="党员.xlsx"):
    data = xlsx_bytes([HEADER, *rows])
    return client.post(
        reverse("members:member_import"),
        {"org": org.pk, "file": SimpleUploadedFile(name, data)},
    )


def test_upload_shows_the_dry_run_and_changes_nothing(client, tree, worker):
    response = upload(
        client, tree.branch_a1, [person(1, tree.branch_a1.code), person(2, tree.branch_a1.code)]
    )
    assert response.status_code == 200
    assert response.templates[0].name == "members/import_dry_run.html"
    result = response.context["result"]
    assert (result.created, result.updated, result.error_count) == (2, 0, 0)
    assert 'data-testid="confirm-import"' in response.content.decode()
    assert (Member.unscoped.count(), AuditEntry.unscoped.count()) == (0, 0)


def test_confirm_runs_the_import_as_a_job(client, tree, worker, django_capture_on_commit_callbacks):
    response = upload(
        client, tree.branch_a1, [person(1, tree.branch_a1.code), person(2, tree.branch_a1.code)]
    )
    token = response.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:member_import"), {"token": token})
    job = Job.unscoped.get()
    assert response.status_code == 302
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.kind, job.progress, job.total, job.created_by) == (
        JobStatus.SUCCEEDED,
        "members.import",
        2,
        2,
        worker,
    )
    assert Member.unscoped.filter(org=tree.branch_a1).count() == 2
    # the pending upload is gone: confirming twice is a 404
    assert client.post(reverse("members:member_import"), {"token": token}).status_code == 404


def test_errors_are_listed_and_the_marked_file_can_be_downloaded(client, tree, worker):
    bad = person(2, tree.branch_a1.code, 出生日期="不知道")
    response = upload(client, tree.branch_a1, [person(1, tree.branch_a1.code), bad])
    page = response.content.decode()
    assert [(p.row, p.column, p.message) for p in response.context["errors"]] == [
        (3, "出生日期", "不知道 不是日期。日期请写成 2021-07-01、2021/7/1 或 2021年7月1日 的样子。")
    ]
    assert 'data-testid="confirm-import"' not in page
    marked = client.get(reverse("members:member_import_marked", args=[response.context["token"]]))
    assert marked.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content))).active
    assert sheet.cell(row=3, column=len(HEADER) + 1).value.startswith("出生日期：不知道 不是日期。")
    assert Member.unscoped.count() == 0


def test_a_refused_file_is_a_form_error(client, tree, worker):
    response = client.post(
        reverse("members:member_import"),
        {"org": tree.branch_a1.pk, "file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a sheet")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "文件类型不正确：只能导入 Excel 工作簿（.xlsx）或 CSV 文件。"
    ]


def test_orgs_outside_the_users_scope_cannot_be_chosen(client, tree, worker):
    response = upload(client, tree.other_branch, [person(1, tree.other_branch.code)])
    assert response.status_code == 200
    assert "org" in response.context["form"].errors
    assert Member.unscoped.count() == 0


def test_a_user_without_import_permission_gets_403(client, tree):
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, tree.branch_a1))
    assert client.get(reverse("members:member_import")).status_code == 403


def test_template_download(client, tree, worker):
    response = client.get(reverse("members:member_import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.worksheets[0][1]][:2] == ["姓名*", "性别"]
