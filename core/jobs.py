"""Background jobs: a Job row the UI watches, run by a django-tasks task.

An app registers a runner for a job kind, usually in its ``AppConfig.ready()``::

    from core import jobs

    def export_members(job: Job, progress: jobs.Progress) -> None:
        rows = ...
        for i, row in enumerate(rows, 1):
            ...
            progress(i, len(rows))
        job.result = {"rows": len(rows)}
        job.result_file.save("members.xlsx", ContentFile(data), save=False)

    jobs.register("members.export", export_members, label=_("Export members"))

and a service starts it inside its transaction::

    job = jobs.start_job(actor=actor, kind="members.export", title=..., org=org, params={...})

The task is enqueued when the transaction commits. The runner's work runs in one transaction: if it
raises, nothing it wrote to the database stays, the job is marked failed and the error is logged.

Progress cannot go through the job row while that transaction is open: other connections do not
see uncommitted writes, and SQLite has one writer at a time. So the runner's progress goes to a
small JSON file beside the job files, ``MEDIA_ROOT/jobs/progress/<id>.json``, replaced atomically
(at most once per ``PROGRESS_INTERVAL_SECONDS``, and at the end); the job pages read it while the job
runs (``live_job``). When the runner is done its final progress and log are written to the row and
the file is removed. One path on SQLite and PostgreSQL; the web process and the worker share
MEDIA_ROOT already for the input and result files.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus
from .scope import subtree_q, user_paths

LOG_MAX_CHARS = 100_000
PROGRESS_INTERVAL_SECONDS = 1.0


def progress_file(job_id: int) -> Path:
    """Where a running job's progress is published (see the module docstring)."""
    return Path(settings.MEDIA_ROOT) / "jobs" / "progress" / f"{job_id}.json"


def publish_progress(job_id: int, values: dict[str, Any]) -> None:
    """Replace the job's progress file in one step: a reader sees the old or the new file, never half."""
    target = progress_file(job_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{job_id}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(values, handle, ensure_ascii=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_progress(job_id: int) -> dict[str, Any] | None:
    """The progress a running job last published, or None (not started, finished, or unreadable)."""
    try:
        values = json.loads(progress_file(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return values if isinstance(values, dict) else None


def discard_progress(job_id: int) -> None:
    progress_file(job_id).unlink(missing_ok=True)


def live_job(job: Job) -> Job:
    """``job`` as the UI shows it: while it runs, with the progress and log its runner last reported."""
    if job.status == JobStatus.RUNNING:
        values = read_progress(job.pk)
        if values is not None:
            job.progress = int(values.get("progress", job.progress))
            job.total = int(values.get("total", job.total))
            job.log = str(values.get("log", job.log))
    return job


class Progress:
    """``progress(done, total, message="")``: what a runner calls to report how far it is.

    Reports are published to the job's progress file (throttled); ``close()`` writes the final
    state to the job row, outside the runner's transaction, and removes the file.
    """

    def __init__(self, job: Job, *, interval: float = PROGRESS_INTERVAL_SECONDS) -> None:
        self.job = job
        self.interval = interval
        self.done = job.progress
        self.total = job.total
        self.log = job.log
        self._dirty = False
        self._last_write: float | None = None

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        if message:
            self.append(message)
        self._dirty = True
        due = self._last_write is None or time.monotonic() - self._last_write >= self.interval
        if due or (self.total and self.done >= self.total):
            self.flush()

    def append(self, message: str) -> None:
        line = f"[{timezone.localtime():%H:%M:%S}] {message}\n"
        self.log = (self.log + line)[-LOG_MAX_CHARS:]
        self._dirty = True

    def values(self) -> dict[str, Any]:
        return {"progress": self.done, "total": self.total, "log": self.log}

    def flush(self) -> None:
        """Publish the current state to the progress file, if it changed."""
        if not self._dirty:
            return
        publish_progress(self.job.pk, self.values())
        self.job.progress, self.job.total, self.job.log = self.done, self.total, self.log
        self._dirty = False
        self._last_write = time.monotonic()

    def close(self) -> None:
        """Write the final state to the job row and remove the progress file."""
        Job.unscoped.filter(pk=self.job.pk).update(**self.values())
        self.job.progress, self.job.total, self.job.log = self.done, self.total, self.log
        self._dirty = False
        discard_progress(self.job.pk)


Runner = Callable[[Job, Progress], None]


@dataclass(frozen=True)
class JobKind:
    """A registered job kind. The options let the app that owns the kind shape its job pages:

    - ``action``: what a user needs over the job's org to see the job and its files (besides "view");
    - ``result_template``: included on the job page once the job is finished (context: ``job``,
      ``result_url``), instead of the generic list of ``job.result``;
    - ``result_url(job)``: where a succeeded job leads next (its result page); the job page links
      to it, and opened with ``?follow=1`` goes there as soon as the job is finished;
    - ``keep_input``: False deletes the job's input file when the job finishes.
    """

    kind: str
    runner: Runner
    label: Any
    action: str = "view"
    result_template: str = ""
    result_url: Callable[[Job], str] | None = None
    keep_input: bool = True


_REGISTRY: dict[str, JobKind] = {}


def register(
    kind: str,
    runner: Runner,
    *,
    label: Any = "",
    action: str = "view",
    result_template: str = "",
    result_url: Callable[[Job], str] | None = None,
    keep_input: bool = True,
) -> None:
    """Make ``kind`` runnable. Registering the same kind again replaces the runner."""
    _REGISTRY[kind] = JobKind(kind, runner, label or kind, action, result_template, result_url, keep_input)


def configure(kind: str, **options: Any) -> None:
    """Change options of a registered kind (see JobKind), e.g. from the app that owns its pages."""
    _REGISTRY[kind] = dataclasses.replace(get_kind(kind), **options)


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def get_kind(kind: str) -> JobKind:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"unknown job kind {kind!r}") from None


def kind_label(kind: str) -> Any:
    entry = _REGISTRY.get(kind)
    return entry.label if entry else kind


def result_url(job: Job) -> str:
    """The page a succeeded job leads to, if its kind names one."""
    entry = _REGISTRY.get(job.kind)
    if entry is None or entry.result_url is None or job.status != JobStatus.SUCCEEDED:
        return ""
    return entry.result_url(job)


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` may see: in the view scope, and for kinds registered with another
    ``action``, also in that action's scope."""
    queryset = Job.objects.for_user(user, "view")
    restricted: dict[str, list[str]] = {}
    for entry in _REGISTRY.values():
        if entry.action != "view":
            restricted.setdefault(entry.action, []).append(entry.kind)
    for action, kinds in sorted(restricted.items()):
        paths = user_paths(user, action)
        if paths is not None:
            queryset = queryset.filter(~Q(kind__in=kinds) | subtree_q(Job.scope_field, paths))
    return queryset


def start_job(
    *,
    actor: Any,
    kind: str,
    title: str,
    org: Any,
    params: dict[str, Any] | None = None,
    input_file: File | None = None,
) -> Job:
    """Create the job row and enqueue its task once the surrounding transaction commits."""
    get_kind(kind)
    with transaction.atomic():
        job = Job(
            kind=kind,
            title=title[:255],
            org=org,
            params=params or {},
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if input_file is not None:
            job.input_file.save(input_file.name or "input", input_file, save=False)
        job.save()
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from .tasks import run_job

    run_job.enqueue(job_id)


def _finish(job: Job, **values: Any) -> None:
    entry = _REGISTRY.get(job.kind)
    if entry is not None and not entry.keep_input and job.input_file:
        job.input_file.delete(save=False)
        values["input_file"] = ""
    Job.unscoped.filter(pk=job.pk).update(finished_at=timezone.now(), **values)


def execute(job_id: int) -> str:
    """Run one pending job to its end. Called by the task; returns the final status."""
    claimed = Job.unscoped.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.unscoped.filter(pk=job_id).first()
    if not claimed or job is None:
        return job.status if job else "missing"
    progress = Progress(job)
    try:
        entry = get_kind(job.kind)
        with transaction.atomic():
            entry.runner(job, progress)
    except Exception as exc:  # noqa: BLE001 - every runner error becomes a failed job
        if job.result_file:
            job.result_file.delete(save=False)
        progress.append(_("Failed: %(error)s") % {"error": str(exc) or type(exc).__name__})
        progress.close()
        _finish(job, status=JobStatus.FAILED, result={})
        return JobStatus.FAILED
    progress.append(_("Finished."))
    progress.close()
    _finish(
        job,
        status=JobStatus.SUCCEEDED,
        result=job.result or {},
        result_file=job.result_file.name or "",
    )
    return JobStatus.SUCCEEDED
