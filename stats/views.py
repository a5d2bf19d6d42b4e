"""Statistics pages: the member statistics dashboard (with xlsx export) and the org health list.

The org comes from ``?org=<id>`` (picked in the tree side panel), defaulting to the user's top granted
org; an org outside the user's scope is 404. Charts read their data from /api/v1/stats/members.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.views import ORG_TREE_TEMPLATE, may
from orgs.models import OrgUnit

from .exporters import member_stats_workbook
from .health import org_health_for_subtree
from .selectors import COUNT_FIELDS, get_stats_org, member_stats

KPI_FIELDS = COUNT_FIELDS[1:]  # all counts but the total


def kpi_labels() -> dict[str, str]:
    """Names of the counts, shared by the page, the per-child table and the export."""
    return {
        "total": _("Total members"),
        "full": _("Full members"),
        "probationary": _("Probationary members"),
        "women": _("Women"),
        "ethnic_minority": _("Ethnic minorities"),
        "under_35": _("35 or younger"),
        "mobile": _("Mobile members"),
        "retired": _("Retired"),
        "hardship": _("In hardship"),
        "lost_contact": _("Lost contact"),
    }


def _org(request: HttpRequest, action: str = "view") -> OrgUnit:
    value = request.GET.get("org", "")
    try:
        return get_stats_org(user=request.user, org_id=int(value) if value.isdigit() else None, action=action)
    except OrgUnit.DoesNotExist:
        raise Http404(_("Organisation not found.")) from None


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _require(request: HttpRequest, action: str) -> None:
    if not may(request.user, action):
        raise PermissionDenied


@login_required
def member_dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    org = _org(request)
    as_of = _as_of(request)
    stats = member_stats(org, as_of)
    labels = kpi_labels()
    title = _("Member statistics")
    context = {
        "title": title,
        "breadcrumbs": [(title, "")],
        "org": org,
        "as_of": as_of,
        "stats": stats,
        "kpis": [(labels[name], stats[name], stats[f"{name}_pct"]) for name in KPI_FIELDS],
        "child_columns": [labels[name] for name in ("total", *KPI_FIELDS)],
        "child_rows": [
            (child["org"], [child[name] for name in ("total", *KPI_FIELDS)], child["average_age"])
            for child in stats["children"]
        ],
        "export_allowed": may(request.user, "export"),
        "org_tree_template": ORG_TREE_TEMPLATE,
        "filter_org": org,
    }
    return render(request, "stats/member_dashboard.html", context)


@login_required
def member_dashboard_export(request: HttpRequest) -> HttpResponse:
    _require(request, "export")
    org = _org(request, "export")
    as_of = _as_of(request)
    buffer = io.BytesIO()
    member_stats_workbook(buffer, member_stats(org, as_of), kpi_labels())
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"member-stats-{org.code}-{as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def org_health(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    org = _org(request)
    only_issues = request.GET.get("all") != "1"
    title = _("Organisation health")
    context: dict[str, Any] = {
        "title": title,
        "breadcrumbs": [(title, "")],
        "org": org,
        "only_issues": only_issues,
        "report": org_health_for_subtree(org, only_issues=only_issues),
        "org_tree_template": ORG_TREE_TEMPLATE,
        "filter_org": org,
    }
    return render(request, "stats/org_health_list.html", context)
