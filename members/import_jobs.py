"""The member import as two background jobs: the dry run, then (once confirmed) the import.

upload → dry-run job (its input file is the upload) → the dry-run page (members:member_import_dry_run)
→ confirm → the import job (importers.JOB_KIND, on a copy of the checked file; the dry run's copy is
deleted) → its job page, with the counts and a link to the members of the target org.

Files: a dry run keeps the uploaded file until it is confirmed or ``cleanup_imports`` finds it
older than its age; every error and warning goes to a JSON-lines file beside the job files, and with
errors the marked file is the job's result file. The import job's input is deleted when it finishes
(``keep_input=False``). Both kinds need the "import" action over the job's org to be seen at all.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import jobs
from core.exceptions import NotAllowed, OutOfScope
from core.importing import ImportResult, Problem
from core.models import Job, JobStatus
from orgs.models import OrgUnit

from .importers import JOB_KIND, MemberImporter, check_import_allowed

DRY_RUN_KIND = "members.import_dry_run"
PROBLEMS_DIR = "jobs/problems"
LEGACY_PENDING_DIR = "imports/pending"  # where uploads waited before the dry run became a job
IMPORT_KINDS = (DRY_RUN_KIND, JOB_KIND)


def start_dry_run(*, actor: Any, org: OrgUnit, upload: File, file_name: str) -> Job:
    """Store the upload as the input of a dry-run job into ``org``; the job checks it."""
    check_import_allowed(actor, org)
    return jobs.start_job(
        actor=actor,
        kind=DRY_RUN_KIND,
        title=_("Check the member file for %(org)s: %(file)s") % {"org": org.name, "file": file_name},
        org=org,
        params={"org": org.pk, "file_name": file_name},
        input_file=upload,
    )


def run_dry_run_job(job: Job, progress: jobs.Progress) -> None:
    """Check the file, write nothing; keep the counts, every problem and (with errors) the marked file."""
    org = OrgUnit.unscoped.get(pk=job.params["org"])
    check_import_allowed(job.created_by, org)
    importer = MemberImporter(actor=job.created_by, org=org)
    with job.input_file.open("rb") as handle:
        result = importer.run(handle, dry_run=True, progress=progress)
    job.result = dry_run_summary(result)
    if result.refused:
        progress.append(_("Refused: %(reason)s") % {"reason": result.refused})
        return
    if result.error_count:
        output = io.BytesIO()
        with job.input_file.open("rb") as handle:
            importer.write_marked(handle, result, output)
        job.result_file.save(marked_name(job), ContentFile(output.getvalue()), save=False)
    if result.problems:
        job.result["problems_file"] = _save_problems(job, result.problems)
    progress.append(
        _(
            "Checked: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged; %(errors)d errors."
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": result.error_count,
        }
    )


def dry_run_summary(result: ImportResult) -> dict[str, Any]:
    errors = result.error_count
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": errors,
        "warnings": len(result.problems) - errors,
        "refused": result.refused,
    }


def marked_name(job: Job) -> str:
    stem = PurePosixPath(job.params.get("file_name") or "members").stem
    suffix = _("marked")
    return f"{stem}_{suffix}.xlsx"


def _save_problems(job: Job, problems: list[Problem]) -> str:
    lines = (json.dumps([p.level, p.row, p.column, p.message], ensure_ascii=False) for p in problems)
    data = "\n".join(lines).encode()
    return default_storage.save(f"{PROBLEMS_DIR}/{job.pk}.jsonl", ContentFile(data))


def read_problems(job: Job, level: str) -> list[Problem]:
    """The dry run's errors (``level`` ERROR) or warnings, in file order; [] once cleaned up."""
    name = (job.result or {}).get("problems_file")
    if not name:
        return []
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        return []
    problems = []
    with handle:
        for line in handle:
            kind, row, column, message = json.loads(line)
            if kind == level:
                problems.append(Problem(message, level=kind, row=row, column=column))
    return problems


def dry_run_state(job: Job) -> str:
    """Where a dry run stands: running, failed, refused, errors, confirmed, expired (its file was
    cleaned up) or ready (may be confirmed)."""
    result = job.result or {}
    if not job.finished:
        return "running"
    if job.status == JobStatus.FAILED:
        return "failed"
    if result.get("refused"):
        return "refused"
    if result.get("errors"):
        return "errors"
    if job.params.get("import_job"):
        return "confirmed"
    if not job.input_file:
        return "expired"
    return "ready"


def confirm_import(*, actor: Any, dry_run: Job) -> Job:
    """Start the import of a checked file: re-checks the actor's import scope, once per dry run.

    Only the uploader may confirm. Confirming again returns the import job already started.
    """
    with transaction.atomic():
        job = Job.unscoped.select_for_update(of=("self",)).select_related("org").get(pk=dry_run.pk)
        if job.kind != DRY_RUN_KIND or job.created_by_id != getattr(actor, "pk", None) or job.org is None:
            raise OutOfScope(_("Import not found."))
        check_import_allowed(actor, job.org)
        state = dry_run_state(job)
        if state == "confirmed":
            return Job.unscoped.get(pk=job.params["import_job"])
        if state != "ready":
            raise NotAllowed(_("This file cannot be imported: check it again."))
        file_name = job.params.get("file_name", "")
        with job.input_file.open("rb") as handle:
            imported = jobs.start_job(
                actor=actor,
                kind=JOB_KIND,
                title=_("Import members into %(org)s: %(file)s") % {"org": job.org.name, "file": file_name},
                org=job.org,
                params={"org": job.org.pk, "file_name": file_name, "dry_run": job.pk},
                input_file=File(handle, name=PurePosixPath(job.input_file.name).name),
            )
        checked = job.input_file.name
        job.params = {**job.params, "import_job": imported.pk}
        Job.unscoped.filter(pk=job.pk).update(params=job.params, input_file="")
        transaction.on_commit(lambda: default_storage.delete(checked))
    return imported


def cleanup_import_files(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete the files of member import jobs finished more than ``older_than`` ago: the uploaded
    files, and a dry run's marked file and problem list; and files left in the old pending folder.
    Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - older_than
    deleted = 0
    has_files = ~Q(input_file="") | Q(kind=DRY_RUN_KIND) & (
        ~Q(result_file="") | Q(result__has_key="problems_file")
    )
    stale = Job.unscoped.filter(
        has_files,
        kind__in=IMPORT_KINDS,
        status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED),
        finished_at__lt=cutoff,
    )
    for job in stale.only("pk", "kind", "input_file", "result_file", "result"):
        names = [job.input_file.name]
        result = dict(job.result or {})
        if job.kind == DRY_RUN_KIND:
            names += [job.result_file.name, result.pop("problems_file", "")]
        for name in filter(None, names):
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        values: dict[str, Any] = {"input_file": "", "result": result}
        if job.kind == DRY_RUN_KIND:
            values["result_file"] = ""
        Job.unscoped.filter(pk=job.pk).update(**values)
    return deleted + _cleanup_legacy_pending(cutoff)


def _cleanup_legacy_pending(cutoff: dt.datetime) -> int:
    try:
        _dirs, files = default_storage.listdir(LEGACY_PENDING_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        path = f"{LEGACY_PENDING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


def dry_run_url(job: Job) -> str:
    return reverse("members:member_import_dry_run", args=[job.pk])


def register_import_jobs() -> None:
    """The dry-run kind, and the pages and file handling of both import kinds."""
    jobs.register(
        DRY_RUN_KIND,
        run_dry_run_job,
        label=gettext_lazy("Member import check"),
        action="import",
        result_template="members/import_job_dry_run.html",
        result_url=dry_run_url,
    )
    jobs.configure(
        JOB_KIND, action="import", result_template="members/import_job_result.html", keep_input=False
    )
