"""Background jobs: start_job enqueues on commit, runners report progress, failures leave no half state."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, user_with_role
from core import jobs
from core.models import Job, JobStatus
from orgs.models import OrgUnit
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db


def demo_runner(job: Job, progress: jobs.Progress) -> None:
    """Renames the orgs listed in params, reporting progress; fails on request after its writes."""
    names = job.params["names"]
    progress(0, len(names), "starting")
    for i, (org_id, name) in enumerate(names, 1):
        OrgUnit.unscoped.filter(pk=org_id).update(name=name)
        progress(i, len(names))
    if job.params.get("fail"):
        raise ValueError("boom at the end")
    job.result = {"renamed": len(names)}
    job.result_file.save("renamed.txt", ContentFile("\n".join(n for _i, n in names).encode()), save=False)


@pytest.fixture(autouse=True)
def demo_kind():
    jobs.register("test.demo", demo_runner, label="Demo")
    yield
    jobs.unregister("test.demo")


@pytest.fixture
def tree():
    return make_tree()


def start(tree, actor, *, fail: bool = False, org=None) -> Job:
    return jobs.start_job(
        actor=actor,
        kind="test.demo",
        title="Rename",
        org=org or tree.community_a,
        params={"names": [[tree.branch_a1.pk, "改名一"], [tree.branch_a2.pk, "改名二"]], "fail": fail},
    )


def test_start_job_runs_on_commit_and_records_result(tree, django_capture_on_commit_callbacks):
    actor = SuperUserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start(tree, actor)
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    tree.refresh()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress, job.total, job.percent) == (2, 2, 100)
    assert job.result == {"renamed": 2}
    assert job.result_file.name.startswith("jobs/result/")
    assert job.result_file.read().decode() == "改名一\n改名二"
    assert job.started_at is not None and job.finished_at is not None
    assert job.created_by == actor
    assert "starting" in job.log
    assert (tree.branch_a1.name, tree.branch_a2.name) == ("改名一", "改名二")


def test_failing_runner_leaves_no_writes_and_logs_error(tree, django_capture_on_commit_callbacks):
    names_before = (tree.branch_a1.name, tree.branch_a2.name)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(tree, SuperUserFactory(), fail=True)

    job.refresh_from_db()
    tree.refresh()
    assert job.status == JobStatus.FAILED
    assert "boom at the end" in job.log
    assert job.result == {}
    assert job.result_file.name == ""
    assert (tree.branch_a1.name, tree.branch_a2.name) == names_before
    assert (job.progress, job.total) == (2, 2)


def test_unknown_kind_is_refused_and_creates_nothing(tree):
    with pytest.raises(LookupError):
        jobs.start_job(actor=None, kind="test.nope", title="x", org=tree.street, params={})
    assert Job.unscoped.count() == 0


def test_job_that_is_not_pending_is_not_run_again(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(tree, SuperUserFactory())
    log = Job.unscoped.get(pk=job.pk).log

    assert jobs.execute(job.pk) == JobStatus.SUCCEEDED
    assert Job.unscoped.get(pk=job.pk).log == log


def test_progress_is_throttled_but_final_state_written(tree):
    job = Job.unscoped.create(kind="test.demo", title="p", org=tree.street)
    progress = jobs.Progress(job, interval=3600)
    progress(1, 10)  # first call writes (never written before)
    progress(2, 10)  # throttled: not written yet
    assert Job.unscoped.values_list("progress", "total").get(pk=job.pk) == (1, 10)
    progress(10, 10)  # done == total always writes
    assert Job.unscoped.values_list("progress", "total").get(pk=job.pk) == (10, 10)
    progress.append("note")
    progress.close()
    assert Job.unscoped.get(pk=job.pk).log.endswith("note\n")


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_runner_transaction():
    """On PostgreSQL progress commits on its own connection while the runner's transaction is open."""
    from django.db import connection, connections, transaction

    tree = make_tree()
    job = Job.unscoped.create(kind="test.demo", title="p", org=tree.street)
    progress = jobs.Progress(job, interval=0)
    observer = connections.create_connection("default")
    try:
        with transaction.atomic():
            OrgUnit.unscoped.filter(pk=tree.branch_a1.pk).update(name="未提交")
            progress(3, 7, "halfway")
            if connection.vendor != "sqlite":
                with observer.cursor() as cursor:
                    cursor.execute("SELECT progress, total FROM core_job WHERE id = %s", [job.pk])
                    assert cursor.fetchone() == (3, 7)
                    cursor.execute("SELECT name FROM orgs_orgunit WHERE id = %s", [tree.branch_a1.pk])
                    assert cursor.fetchone() != ("未提交",)
        progress.close()
    finally:
        observer.close()
    assert Job.unscoped.values_list("progress", "total").get(pk=job.pk) == (3, 7)


# -- pages -------------------------------------------------------------------------------------------


def finished_job(tree, org) -> Job:
    job = Job.unscoped.create(
        kind="test.demo",
        title="导出结果",
        org=org,
        status=JobStatus.SUCCEEDED,
        progress=2,
        total=2,
        result={"rows": 2},
    )
    job.result_file.save("out.txt", ContentFile(b"hello"), save=True)
    return job


def test_job_list_is_scoped(client, tree):
    mine = finished_job(tree, tree.branch_a1)
    other = finished_job(tree, tree.other_branch)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    response = client.get(reverse("core:job_list"))

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [mine]
    assert reverse("core:job_detail", args=[other.pk]).encode() not in response.content


def test_job_detail_status_and_download_in_scope(client, tree):
    job = finished_job(tree, tree.branch_a1)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    detail = client.get(reverse("core:job_detail", args=[job.pk]))
    status = client.get(reverse("core:job_status", args=[job.pk]))
    fragment = client.get(reverse("core:job_status", args=[job.pk]), headers={"HX-Request": "true"})
    download = client.get(reverse("core:job_download", args=[job.pk]))

    assert detail.status_code == 200
    assert 'class="progress-bar bg-success" style="width: 100%"' in detail.content.decode()
    assert json.loads(status.content) == {
        "id": job.pk,
        "status": "succeeded",
        "progress": 2,
        "total": 2,
        "percent": 100,
        "finished": True,
        "log": "",
        "result": {"rows": 2},
    }
    assert fragment.status_code == 200
    assert "data-poll" not in fragment.content.decode()
    assert reverse("core:job_download", args=[job.pk]) in fragment.content.decode()
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"].startswith("attachment")


def test_running_job_fragment_keeps_polling(client, tree):
    job = Job.unscoped.create(
        kind="test.demo", title="t", org=tree.branch_a1, status=JobStatus.RUNNING, progress=1, total=4
    )
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    fragment = client.get(reverse("core:job_status", args=[job.pk]), headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert f'data-poll="{reverse("core:job_status", args=[job.pk])}"' in html
    assert 'style="width: 25%"' in html


@pytest.mark.parametrize("name", ["core:job_detail", "core:job_status", "core:job_download"])
def test_job_pages_out_of_scope_are_404(client, tree, name):
    job = finished_job(tree, tree.other_branch)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_job_pages_need_login(client, tree):
    job = finished_job(tree, tree.branch_a1)
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
