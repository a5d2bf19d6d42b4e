"""Job pages: the list, a detail page whose progress bar polls job_status, and the result download.

Like the generic views: a user who may view nothing anywhere gets 403; a job out of scope is a 404
(out of scope includes a kind registered with another action the user lacks there: jobs.visible_jobs).
A finished job shows its kind's result template and links to its result page; the detail page
opened with ``?follow=1`` goes to that page as soon as the job is finished.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from .jobs import get_kind, kind_label, live_job, result_url, visible_jobs
from .models import Job
from .views import may

PAGE_SIZE = 50


def _require_view(request: HttpRequest) -> None:
    if not may(request.user, "view"):
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> Job:
    """The job in scope, with the progress its runner last reported while it runs."""
    _require_view(request)
    return live_job(get_object_or_404(visible_jobs(request.user).select_related("org"), pk=pk))


def _context(job: Job) -> dict[str, object]:
    try:
        template = get_kind(job.kind).result_template
    except LookupError:
        template = ""
    return {
        "job": job,
        "kind_label": kind_label(job.kind),
        "result_template": template if job.finished else "",
        "result_url": result_url(job),
    }


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    jobs = visible_jobs(request.user).select_related("org", "created_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page:
        live_job(job)
        job.kind_label = kind_label(job.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "core/job_list.html",
        {"page_obj": page, "page_size": PAGE_SIZE, "page_size_choices": [PAGE_SIZE]},
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = _context(job)
    next_url = str(context["result_url"])
    if request.GET.get("follow") and next_url:
        return redirect(next_url)
    return render(request, "core/job_detail.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """JSON for scripts; for htmx the progress fragment, which stops polling once the job is finished."""
    job = _job(request, pk)
    if getattr(request, "htmx", False):
        return render(request, "core/job_progress.html", _context(job))
    return JsonResponse(job.as_dict())


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.result_file:
        raise Http404("no result file")
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404("result file missing") from None
    return FileResponse(handle, as_attachment=True, filename=PurePosixPath(job.result_file.name).name)
