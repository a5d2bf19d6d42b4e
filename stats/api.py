"""Statistics API: member statistics for any subtree as of any date, and org health (issue 3 parts 7–8).

Chart data on the dashboard comes from these endpoints. Every org is looked up in the caller's scope:
an org outside it is 404 ``{code, message, field}``, never a 403 that confirms it exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from core.api import Id, error_responses, request_user
from core.exceptions import OutOfScope
from orgs.models import OrgUnit

from .health import org_health, org_health_for_subtree
from .schemas import MemberStatsOut, OrgHealthOut
from .selectors import get_stats_org, member_stats

router = Router(tags=["stats"])
#: Mounted on /api/v1/orgs/ next to the orgs router: org health is read from member counts, which
#: orgs (below members) must not import, so its endpoint lives here.
org_router = Router(tags=["orgs"])


class StatsQuery(Schema):
    org: Id | None = Field(None, description="org id; default: the caller's top granted org")
    as_of: dt.date | None = Field(None, description="YYYY-MM-DD; default: today")


class HealthQuery(Schema):
    org: Id | None = Field(None, description="org id; default: the caller's top granted org")
    only_issues: bool = Field(False, description="leave out orgs without findings")


def resolve_org(request: HttpRequest, org_id: int | None, *, field: str | None = "org") -> OrgUnit:
    """The org in the caller's scope, or a 404 that does not say whether it exists."""
    try:
        return get_stats_org(user=request_user(request), org_id=org_id)
    except OrgUnit.DoesNotExist:
        raise OutOfScope(_("Organisation not found."), field=field) from None


@router.get(
    "/members",
    response={200: MemberStatsOut, **error_responses(404)},
    operation_id="get_member_stats",
    summary="Member statistics of a subtree as of a date",
)
def get_member_stats(request: HttpRequest, filters: Query[StatsQuery]) -> Any:
    """Counts and percentages (of the total, two decimals, half up) of the members of ``org``'s
    subtree at ``as_of``, with the same figures for each direct child org (RULES.md §7)."""
    org = resolve_org(request, filters.org)
    return member_stats(org, filters.as_of or timezone.localdate())


@router.get(
    "/org-health",
    response={200: list[OrgHealthOut], **error_responses(404)},
    operation_id="list_org_health",
    summary="Org health of a subtree",
)
def list_org_health(request: HttpRequest, filters: Query[HealthQuery]) -> Any:
    """Every active org of ``org``'s subtree in tree order with its member counts today and the
    findings of RULES.md §3 (too few full members, branch over 50, committee, size)."""
    org = resolve_org(request, filters.org)
    return [h.as_dict() for h in org_health_for_subtree(org, only_issues=filters.only_issues)]


@org_router.get(
    "/{org_id}/health",
    response={200: OrgHealthOut, **error_responses(404)},
    operation_id="get_org_health",
)
def get_org_health(request: HttpRequest, org_id: Id) -> Any:
    """The org's member counts today and the findings of RULES.md §3 (see also /stats/org-health)."""
    return org_health(resolve_org(request, org_id, field=None)).as_dict()
