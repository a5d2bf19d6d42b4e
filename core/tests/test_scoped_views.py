"""The generic view tests for core's scoped models: audit entries and background jobs.

Out-of-scope objects live in the sibling community (``other = "community_b"``): a user granted one
community must not see the next one under the same street.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.tests.factories import SuperUserFactory
from core import audit
from core.models import AuditAction, AuditEntry, Job, JobStatus
from core.testing.views import ObjectViewTests, World

pytestmark = pytest.mark.django_db


class TestAuditEntryViews(ObjectViewTests):
    model = AuditEntry
    url_base = "core:audit"
    views = ("list", "export")
    other = "community_b"

    def create_object(self, org: Any) -> AuditEntry:
        with transaction.atomic():
            entry = audit.record(actor=SuperUserFactory(), action=AuditAction.OTHER, obj=org, message="test")
        assert entry is not None
        return entry


class TestJobViews(ObjectViewTests):
    model = Job
    url_base = "core:job"
    views = ("list", "detail")
    other = "community_b"

    def create_object(self, org: Any) -> Job:
        job = Job.unscoped.create(
            kind="test.scoped",
            title=f"作业 {org.name}",
            org=org,
            status=JobStatus.SUCCEEDED,
            progress=1,
            total=1,
        )
        job.result_file.save("out.txt", ContentFile(b"result"), save=True)
        return job

    def listed_pks(self, response: Any) -> set[Any]:
        return {job.pk for job in response.context["page_obj"]}

    def shown_object(self, response: Any) -> Any:
        return response.context["job"]

    def filter_org_of(self, response: Any) -> Any:
        return None  # the job list has no org filter: ?org= is ignored

    # -- the status poll and the result download behave like the detail page -----------------------
    @pytest.mark.parametrize("view", ["status", "download"])
    def test_without_permission_is_403(self, world: World, nobody: Any, view: str) -> None:
        job = self.create_object(world.org)
        assert self.client_for(nobody).get(self.url(view, job)).status_code == 403

    @pytest.mark.parametrize("view", ["status", "download"])
    def test_in_scope(self, world: World, member: Any, view: str) -> None:
        job = self.create_object(world.org)
        response = self.client_for(member).get(self.url(view, job))
        assert response.status_code == 200
        if view == "status":
            assert response.json()["id"] == job.pk
        else:
            assert b"".join(response.streaming_content) == b"result"

    @pytest.mark.parametrize("view", ["status", "download"])
    def test_out_of_scope_is_404(self, world: World, member: Any, view: str) -> None:
        job = self.create_object(world.other_org)
        assert self.client_for(member).get(self.url(view, job)).status_code == 404
