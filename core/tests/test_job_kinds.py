"""Job kind options: the action a kind needs, its result template and result page, its input file."""

from __future__ import annotations

import copy

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import user_with_role
from core import jobs
from core.models import Job, JobStatus
from orgs.tests.factories import make_tree

pytestmark = pytest.mark.django_db

KIND = "test.kinds"


def runner(job: Job, progress: jobs.Progress) -> None:
    progress(1, 1)
    job.result = {"lines": 1}


@pytest.fixture(autouse=True)
def kind():
    jobs.register(
        KIND,
        runner,
        label="Kinds",
        action="import",
        result_template="job_result_test.html",
        result_url=lambda job: f"/next/{job.pk}/",
        keep_input=False,
    )
    yield
    jobs.unregister(KIND)


@pytest.fixture(autouse=True)
def result_template(settings, tmp_path):
    (tmp_path / "job_result_test.html").write_text(
        '<p data-testid="test-result">{% for k, v in job.result.items %}{{ k }}={{ v }}{% endfor %}</p>'
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), tmp_path]
    settings.TEMPLATES = templates


@pytest.fixture
def tree():
    return make_tree()


def finished(tree, org, kind: str = KIND) -> Job:
    return Job.unscoped.create(
        kind=kind, title="done", org=org, status=JobStatus.SUCCEEDED, progress=1, total=1, result={"lines": 1}
    )


def test_configure_changes_the_options_and_keeps_the_runner():
    jobs.configure(KIND, action="view", keep_input=True)

    entry = jobs.get_kind(KIND)
    assert (entry.runner, entry.label, entry.action, entry.keep_input) == (runner, "Kinds", "view", True)
    with pytest.raises(LookupError):
        jobs.configure("test.unknown", action="view")


def test_the_input_file_is_deleted_when_the_job_finishes(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(
            actor=None, kind=KIND, title="t", org=tree.branch_a1, input_file=ContentFile(b"x", name="in.csv")
        )
    stored = job.input_file.name

    job.refresh_from_db()
    assert (job.status, job.input_file.name, job.result) == (JobStatus.SUCCEEDED, "", {"lines": 1})
    assert not job.input_file.storage.exists(stored)


def test_a_kind_with_another_action_is_hidden_from_users_without_it(client, tree):
    job = finished(tree, tree.branch_a1)
    plain = finished(tree, tree.branch_a1, kind="test.other")
    client.force_login(user_with_role(Role.BRANCH_SECRETARY, tree.community_a))  # view, no import

    listed = client.get(reverse("core:job_list"))

    assert list(listed.context["page_obj"]) == [plain]
    for name in ("core:job_detail", "core:job_status", "core:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_the_result_template_and_page_of_a_finished_job(client, tree):
    job = finished(tree, tree.branch_a1)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    detail = client.get(reverse("core:job_detail", args=[job.pk]))
    followed = client.get(reverse("core:job_detail", args=[job.pk]), {"follow": "1"})

    html = detail.content.decode()
    assert detail.status_code == 200
    assert '<p data-testid="test-result">lines=1</p>' in html
    assert f'data-next="/next/{job.pk}/"' in html
    assert f'href="/next/{job.pk}/" data-testid="job-result-link"' in html
    assert (followed.status_code, followed["Location"]) == (302, f"/next/{job.pk}/")


def test_a_running_or_failed_job_has_no_result_page(client, tree):
    running = Job.unscoped.create(kind=KIND, title="t", org=tree.branch_a1, status=JobStatus.RUNNING)
    failed = Job.unscoped.create(kind=KIND, title="t", org=tree.branch_a1, status=JobStatus.FAILED)
    client.force_login(user_with_role(Role.PARTY_WORKER, tree.community_a))

    for job in (running, failed):
        response = client.get(reverse("core:job_detail", args=[job.pk]), {"follow": "1"})
        assert response.status_code == 200
        assert "data-next=" not in response.content.decode()
    assert (
        'data-testid="test-result"'
        not in client.get(reverse("core:job_detail", args=[running.pk])).content.decode()
    )
