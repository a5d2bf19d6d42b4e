"""Background jobs: start_job enqueues on commit, runners report progress, failures leave no half state."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import SuperUserFactory, user_with_role
from core import audit, jobs
from core.models import AuditAction, AuditEntry, Job, JobStatus
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


def test_progress_is_throttled_published_to_its_file_and_closed_into_the_row(tree):
    job = Job.unscoped.create(kind="test.demo", title="p", org=tree.street)
    progress = jobs.Progress(job, interval=3600)
    progress(1, 10)  # first call publishes (never published before)
    progress(2, 10)  # throttled: not published yet
    assert jobs.read_progress(job.pk) == {"progress": 1, "total": 10, "log": ""}
    progress(10, 10)  # done == total always publishes
    assert jobs.read_progress(job.pk) == {"progress": 10, "total": 10, "log": ""}
    assert Job.unscoped.values_list("progress", "total").get(pk=job.pk) == (0, 0)
    progress.append("note")
    progress.close()
    assert Job.unscoped.values_list("progress", "total").get(pk=job.pk) == (10, 10)
    assert Job.unscoped.get(pk=job.pk).log.endswith("note\n")
    assert not jobs.progress_file(job.pk).exists()
    assert list(jobs.progress_file(job.pk).parent.iterdir()) == []  # no temporary file left


def test_running_job_pages_show_the_published_progress(client, tree):
    job = Job.unscoped.create(kind="test.demo", title="t", org=tree.branch_a1, status=JobStatus.RUNNING)
    jobs.publish_progress(job.pk, {"progress": 3, "total": 4, "log": "[10:00:00] halfway\n"})
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    status = client.get(reverse("core:job_status", args=[job.pk])).json()
    listing = client.get(reverse("core:job_list"))

    assert (status["progress"], status["total"], status["percent"], status["log"]) == (
        3,
        4,
        75,
        "[10:00:00] halfway\n",
    )
    assert [j.percent for j in listing.context["page_obj"]] == [75]


def test_finished_job_ignores_a_left_over_progress_file(client, tree):
    job = finished_job(tree, tree.branch_a1)
    jobs.publish_progress(job.pk, {"progress": 1, "total": 9, "log": "stale"})
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    status = client.get(reverse("core:job_status", args=[job.pk])).json()

    assert (status["progress"], status["total"], status["log"]) == (2, 2, "")


def test_unreadable_progress_file_falls_back_to_the_row(client, tree):
    job = Job.unscoped.create(
        kind="test.demo", title="t", org=tree.branch_a1, status=JobStatus.RUNNING, progress=1, total=2
    )
    path = jobs.progress_file(job.pk)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    status = client.get(reverse("core:job_status", args=[job.pk])).json()

    assert (status["progress"], status["total"]) == (1, 2)


def waiting_runner(job: Job, progress: jobs.Progress) -> None:
    """Writes inside its transaction, reports progress, then waits until the test releases it."""
    gate = GATES[job.pk]
    audit.record(actor=None, action=AuditAction.OTHER, obj=job.org, message="runner write")
    progress(3, 10, "halfway")
    gate.in_transaction = connection.in_atomic_block
    gate.reached.set()
    if not gate.release.wait(timeout=60):
        raise RuntimeError("the test never released the runner")
    progress(10, 10)
    job.result = {"rows": 10}


@dataclass
class Gate:
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    in_transaction: bool = False


GATES: dict[int, Gate] = {}


@pytest.mark.django_db(transaction=True)
def test_status_shows_progress_while_the_runner_transaction_is_open(client):
    """The worker's transaction stays open while the status page is asked: on SQLite it holds the
    only write lock, on PostgreSQL its writes are invisible to other connections."""
    jobs.register("test.waiting", waiting_runner, label="Waiting")
    tree = make_tree()
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))
    client.get(reverse("core:job_list"))  # the session's activity stamp is written now, not mid-job
    job = Job.unscoped.create(kind="test.waiting", title="等待", org=tree.branch_a1)
    gate = GATES[job.pk] = Gate()
    outcome: list[str] = []

    def work() -> None:
        try:
            outcome.append(jobs.execute(job.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert gate.reached.wait(timeout=60), "the runner did not start"
        status = client.get(reverse("core:job_status", args=[job.pk]))
        fragment = client.get(reverse("core:job_status", args=[job.pk]), headers={"HX-Request": "true"})
        row = Job.unscoped.values_list("status", "progress", "total").get(pk=job.pk)
    finally:
        gate.release.set()
        worker.join(timeout=60)
        jobs.unregister("test.waiting")
        GATES.pop(job.pk, None)

    body = status.json()
    assert (body["status"], body["progress"], body["total"], body["percent"]) == ("running", 3, 10, 30)
    assert "halfway" in body["log"]
    html = fragment.content.decode()
    assert 'style="width: 30%"' in html
    assert f'data-poll="{reverse("core:job_status", args=[job.pk])}"' in html
    assert row == ("running", 0, 0)  # the row itself only changes when the runner is done
    assert gate.in_transaction  # the runner had written in its open transaction when asked
    assert outcome == [JobStatus.SUCCEEDED]
    done = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert (done["status"], done["progress"], done["total"], done["result"]) == (
        "succeeded",
        10,
        10,
        {"rows": 10},
    )
    assert AuditEntry.unscoped.filter(message="runner write").count() == 1
    assert not jobs.progress_file(job.pk).exists()


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
