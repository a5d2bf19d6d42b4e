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
Progress is written in its own short transactions so the UI sees it while the runner's transaction
is still open (on PostgreSQL through a second connection; SQLite has one writer at a time, so there
the progress becomes visible when the runner's transaction commits).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import NO_RESULTS
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus

LOG_MAX_CHARS = 100_000
PROGRESS_INTERVAL_SECONDS = 1.0


class Progress:
    """``progress(done, total, message="")``: what a runner calls to report how far it is."""

    def __init__(self, job: Job, *, interval: float = PROGRESS_INTERVAL_SECONDS) -> None:
        self.job = job
        self.interval = interval
        self.done = job.progress
        self.total = job.total
        self.log = job.log
        self._dirty = False
        self._last_write: float | None = None
        self._side: BaseDatabaseWrapper | None = None

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

    def flush(self) -> None:
        if not self._dirty:
            return
        values = {"progress": self.done, "total": self.total, "log": self.log}
        if not self._write_outside_transaction(values):
            Job.unscoped.filter(pk=self.job.pk).update(**values)
        self.job.progress, self.job.total, self.job.log = self.done, self.total, self.log
        self._dirty = False
        self._last_write = time.monotonic()

    def _write_outside_transaction(self, values: dict[str, Any]) -> bool:
        """Commit the update on a second connection when the runner holds a transaction open.

        Returns False when that is not possible or not needed; the caller then writes in-line.
        """
        main = connections[DEFAULT_DB_ALIAS]
        if not main.in_atomic_block or main.vendor == "sqlite":
            return False
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        query = UpdateQuery(Job)
        query.add_update_values(values)
        query.add_q(Q(pk=self.job.pk))
        cursor = query.get_compiler(connection=self._side).execute_sql(NO_RESULTS)
        # The job row is invisible to a second connection while the transaction that created it
        # is still open (tests, or a runner started synchronously): write in-line instead.
        return bool(cursor and cursor.rowcount)

    def close(self) -> None:
        self.flush()
        if self._side is not None:
            self._side.close()
            self._side = None


Runner = Callable[[Job, Progress], None]


@dataclass(frozen=True)
class JobKind:
    kind: str
    runner: Runner
    label: Any


_REGISTRY: dict[str, JobKind] = {}


def register(kind: str, runner: Runner, *, label: Any = "") -> None:
    """Make ``kind`` runnable. Registering the same kind again replaces the runner."""
    _REGISTRY[kind] = JobKind(kind, runner, label or kind)


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


def start_job(
    *,
    actor: Any,
    kind: str,
    title: str,
    org: Any,
    params: dict[str, Any] | None = None,
    input_file: UploadedFile | None = None,
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


def _finish(job_id: int, **values: Any) -> None:
    Job.unscoped.filter(pk=job_id).update(finished_at=timezone.now(), **values)


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
        _finish(job_id, status=JobStatus.FAILED, result={})
        return JobStatus.FAILED
    progress.append(_("Finished."))
    progress.close()
    _finish(
        job_id,
        status=JobStatus.SUCCEEDED,
        result=job.result or {},
        result_file=job.result_file.name or "",
    )
    return JobStatus.SUCCEEDED
