"""django-tasks entry points of core. The database worker (``manage.py db_worker``) runs them."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def run_job(job_id: int) -> str:
    """Run the background job ``job_id`` (see core.jobs)."""
    return jobs.execute(job_id)
