"""Member import pages: upload → dry run (every error and warning, what will be created or updated)
→ confirm → a background job with a progress bar; the marked file and the template for download.

The uploaded file waits in storage under ``imports/pending/`` between the dry run and the
confirmation; the session remembers it by a random token, so only its uploader can confirm it.
"""

from __future__ import annotations

import io
import uuid
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import jobs
from core.exceptions import ServiceError
from core.importing import ImportResult
from core.views import may
from orgs.choices import OrgKind, OrgStatus
from orgs.models import OrgUnit

from .importers import JOB_KIND, MemberImporter, check_import_allowed, import_members

SESSION_KEY = "member_imports"
PENDING_DIR = "imports/pending"
PREVIEW_LIMIT = 1000  # problems listed on the page; the marked file has every one
UPDATE_PREVIEW_LIMIT = 50
TEMPLATE_FILENAME = "党员信息导入模板.xlsx"


class ImportForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Import into"), queryset=OrgUnit.unscoped.none())
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file with the headers of the template."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            OrgUnit.objects.for_user(user, "import")
            .filter(status=OrgStatus.ACTIVE)
            .exclude(kind=OrgKind.PARTY_GROUP)
            .only("pk", "name", "depth", "path")
        )
        field.label_from_instance = lambda org: "\u3000" * max(0, org.depth - 1) + org.name


def _pending(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.get(SESSION_KEY, {})


def _pending_entry(request: HttpRequest, token: str) -> dict[str, Any]:
    entry = _pending(request).get(token)
    if entry is None or not default_storage.exists(entry["path"]):
        raise Http404("no such pending import")
    return entry


def _org(request: HttpRequest, pk: int) -> OrgUnit:
    return get_object_or_404(OrgUnit.objects.for_user(request.user, "import"), pk=pk)


def _remember(request: HttpRequest, upload: Any, org: OrgUnit) -> str:
    token = uuid.uuid4().hex
    suffix = PurePosixPath(upload.name or "").suffix.lower()[:10]
    path = default_storage.save(f"{PENDING_DIR}/{token}{suffix}", upload)
    pending = _pending(request)
    pending[token] = {"path": path, "org": org.pk, "name": upload.name or ""}
    request.session[SESSION_KEY] = pending
    return token


def _forget(request: HttpRequest, token: str) -> None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry:
        default_storage.delete(entry["path"])


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST with a file: the dry run. POST with a token: start the import."""
    if not may(request.user, "import"):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, request.POST["token"])
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["org"]
        token = _remember(request, form.cleaned_data["file"], org)
        entry = _pending_entry(request, token)
        with default_storage.open(entry["path"], "rb") as handle:
            result = import_members(actor=request.user, org=org, source=handle, dry_run=True)
        if result.refused:
            _forget(request, token)
            form.add_error("file", result.refused)
        else:
            return _dry_run_page(request, token, org, entry["name"], result)
    return render(
        request,
        "members/import_form.html",
        {
            "form": form,
            "title": _("Import members"),
            "breadcrumbs": [(_("Members"), reverse("members:member_list")), (_("Import"), "")],
        },
    )


def _dry_run_page(
    request: HttpRequest, token: str, org: OrgUnit, name: str, result: ImportResult
) -> HttpResponse:
    errors = result.errors
    warnings = result.warnings
    return render(
        request,
        "members/import_dry_run.html",
        {
            "title": _("Import members: check"),
            "breadcrumbs": [
                (_("Members"), reverse("members:member_list")),
                (_("Import"), reverse("members:member_import")),
                (_("Check"), ""),
            ],
            "token": token,
            "org": org,
            "file_name": name,
            "result": result,
            "errors": errors[:PREVIEW_LIMIT],
            "warnings": warnings[:PREVIEW_LIMIT],
            "error_total": len(errors),
            "warning_total": len(warnings),
            "preview_limit": PREVIEW_LIMIT,
        },
    )


def _confirm(request: HttpRequest, token: str) -> HttpResponse:
    entry = _pending_entry(request, token)
    org = _org(request, entry["org"])
    with default_storage.open(entry["path"], "rb") as handle:
        upload = File(handle, name=PurePosixPath(entry["path"]).name)
        try:
            job = start_member_import(actor=request.user, org=org, upload=upload, file_name=entry["name"])
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from exc
    _forget(request, token)
    return redirect("core:job_detail", pk=job.pk)


def start_member_import(*, actor: Any, org: OrgUnit, upload: File, file_name: str) -> Any:
    check_import_allowed(actor, org)
    return jobs.start_job(
        actor=actor,
        kind=JOB_KIND,
        title=_("Import members into %(org)s: %(file)s") % {"org": org.name, "file": file_name},
        org=org,
        params={"org": org.pk, "file_name": file_name},
        input_file=upload,  # type: ignore[arg-type]
    )


@login_required
def member_import_marked(request: HttpRequest, token: str) -> FileResponse:
    """The checked file with its bad cells marked (before the import is started)."""
    if not may(request.user, "import"):
        raise PermissionDenied
    entry = _pending_entry(request, token)
    org = _org(request, entry["org"])
    importer = MemberImporter(actor=request.user, org=org)
    with default_storage.open(entry["path"], "rb") as handle:
        result = importer.run(handle, dry_run=True)
    output = io.BytesIO()
    with default_storage.open(entry["path"], "rb") as handle:
        importer.write_marked(handle, result, output)
    output.seek(0)
    stem = PurePosixPath(entry["name"] or "members").stem
    suffix = _("marked")
    return FileResponse(output, as_attachment=True, filename=f"{stem}_{suffix}.xlsx")


@login_required
def member_import_template(request: HttpRequest) -> FileResponse:
    """The empty template: the headers, notes and a dropdown for every coded column."""
    output = io.BytesIO()
    MemberImporter(actor=request.user, org=None).build_template(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=TEMPLATE_FILENAME)
