"""Framework models: base model, audit entries and background jobs. No domain models here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import ScopedManager, UnscopedManager

ORG_MODEL = "orgs.OrgUnit"


class BaseModel(models.Model):
    """Created and updated at and by, for every domain model."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_field: str = "org"

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    MOVE = "move", _("move")
    DISSOLVE = "dissolve", _("dissolve")
    IMPORT = "import", _("import")
    VIEW_PERSONAL = "view_personal", _("view personal data")
    LOGIN = "login", _("login")
    OTHER = "other", _("other")


class AuditBatch(models.Model):
    """One bulk operation (an import); its per-row entries point here."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    org = models.ForeignKey(ORG_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=500)
    row_count = models.PositiveIntegerField(default=0)

    scope_field = "org"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("audit batch")
        verbose_name_plural = _("audit batches")

    def __str__(self) -> str:
        return self.description


class AuditEntry(models.Model):
    """Who did what to which object, in which org, with the before/after of changed fields."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    org = models.ForeignKey(
        ORG_MODEL,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    batch = models.ForeignKey(
        AuditBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)

    scope_field = "org"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """A long piece of work run by the task worker, with progress and a log the UI shows."""

    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    log = models.TextField(_("log"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to="jobs/input/%Y/%m", blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/result/%Y/%m", blank=True)
    org = models.ForeignKey(ORG_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_field = "org"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.progress * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "status": self.status,
            "progress": self.progress,
            "total": self.total,
            "percent": self.percent,
            "finished": self.finished,
            "log": self.log[-4000:],
            "result": self.result,
        }
