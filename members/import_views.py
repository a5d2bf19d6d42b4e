"""Member import pages: upload → the dry run as a background job (its progress page, then the
dry-run page: every error and warning, what will be created or updated) → confirm → the import job
(its progress page ends with the counts and a link to the members); the marked file and the template.

The jobs and their files are in members.import_jobs; both kinds are seen only by users who may
import into the job's org, and only the uploader may confirm (members.import_jobs.confirm_import).
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import NotAllowed, OutOfScope
from core.forms import BootstrapMixin
from core.importing import ERROR, WARNING
from core.models import Job
from core.views import PER_PAGE_CHOICES, may
from orgs.choices import OrgStatus
from orgs.models import OrgUnit

from .import_jobs import (
    DRY_RUN_KIND,
    confirm_import,
    dry_run_state,
    marked_name,
    read_problems,
    start_dry_run,
)
from .importers import MemberImporter
from .services import MEMBER_HOLDING_KINDS

PROBLEMS_PER_PAGE = 100
TEMPLATE_FILENAME = "党员信息导入模板.xlsx"


class ImportForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Import into"), queryset=OrgUnit.unscoped.none())
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file with the headers of the template."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            OrgUnit.objects.for_user(user, "import")
            .filter(status=OrgStatus.ACTIVE, kind__in=MEMBER_HOLDING_KINDS)
            .only("pk", "name", "depth", "path")
        )
        field.label_from_instance = lambda org: "\u3000" * max(0, org.depth - 1) + org.name


def _require_import(request: HttpRequest) -> None:
    if not may(request.user, "import"):
        raise PermissionDenied


def _dry_run(request: HttpRequest, pk: int) -> Job:
    """A dry-run job the user may import into (out of scope: 404)."""
    _require_import(request)
    jobs = Job.objects.for_user(request.user, "import").filter(kind=DRY_RUN_KIND).select_related("org")
    return get_object_or_404(jobs, pk=pk)


def _breadcrumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Members"), reverse("members:member_list")), *tail]


def _follow(job: Job) -> str:
    return f"{reverse('core:job_detail', args=[job.pk])}?follow=1"


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: store the file and start the dry run; its job page follows it."""
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_dry_run(
                actor=request.user, org=form.cleaned_data["org"], upload=upload, file_name=upload.name or ""
            )
        except OutOfScope as exc:
            raise Http404(exc.message) from exc
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        return redirect(_follow(job))
    return render(
        request,
        "members/import_form.html",
        {"form": form, "title": _("Import members"), "breadcrumbs": _breadcrumbs((_("Import"), ""))},
    )


@login_required
def member_import_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    """What the dry run found: the counts, every error or warning (paged), confirm or the marked file."""
    job = _dry_run(request, pk)
    state = dry_run_state(job)
    if state == "running":
        return redirect(_follow(job))
    result = job.result or {}
    show = WARNING if request.GET.get("show") == "warnings" or not result.get("errors") else ERROR
    try:
        per_page = int(request.GET.get("per_page", PROBLEMS_PER_PAGE))
    except ValueError:
        per_page = PROBLEMS_PER_PAGE
    if per_page not in PER_PAGE_CHOICES:
        per_page = PROBLEMS_PER_PAGE
    problems = read_problems(job, show) if state not in ("failed", "refused") else []
    page = Paginator(problems, per_page).get_page(request.GET.get("page"))
    return render(
        request,
        "members/import_dry_run.html",
        {
            "title": _("Import members: check"),
            "breadcrumbs": _breadcrumbs((_("Import"), reverse("members:member_import")), (_("Check"), "")),
            "job": job,
            "org": job.org,
            "file_name": job.params.get("file_name", ""),
            "result": result,
            "state": state,
            "may_confirm": state == "ready" and job.created_by_id == request.user.pk,
            "show": show,
            "page_obj": page,
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
        },
    )


@login_required
@require_POST
def member_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the import of a checked file; its job page shows the progress and then the counts."""
    job = _dry_run(request, pk)
    try:
        imported = confirm_import(actor=request.user, dry_run=job)
    except OutOfScope as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("members:member_import_dry_run", pk=job.pk)
    return redirect("core:job_detail", pk=imported.pk)


@login_required
def member_import_marked(request: HttpRequest, pk: int) -> FileResponse:
    """The checked file with its bad cells marked."""
    job = _dry_run(request, pk)
    if not job.result_file:
        raise Http404("no marked file")
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404("marked file missing") from None
    return FileResponse(handle, as_attachment=True, filename=marked_name(job))


@login_required
def member_import_template(request: HttpRequest) -> FileResponse:
    """The empty template: the headers, notes and a dropdown for every coded column."""
    output = io.BytesIO()
    MemberImporter(actor=request.user, org=None).build_template(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=TEMPLATE_FILENAME)
