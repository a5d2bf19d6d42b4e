"""/api/v1/orgs/: the org tree. Every read is scoped to the caller's subtree; out of scope is 404.

Writes go through orgs.services, which re-check scope and permission in their transaction.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from core.api import Id, error_responses, paged, request_user
from core.exceptions import OutOfScope

from . import selectors, services
from .models import OrgUnit
from .schemas import DissolveIn, MoveIn, OrgFilters, OrgIn, OrgOut, OrgPatch, service_fields

router = Router(tags=["orgs"])


def _visible(request: HttpRequest, pk: int, *, field: str | None = None) -> OrgUnit:
    """An org the caller may view, or a 404 that does not say whether it exists."""
    try:
        return selectors.get_org(user=request_user(request), pk=pk)
    except OrgUnit.DoesNotExist:
        raise OutOfScope(_("Organisation not found."), field=field) from None


@router.get("/", response={200: list[OrgOut], **error_responses()}, operation_id="list_orgs")
@paged
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> object:
    """Orgs in the caller's scope, in tree order."""
    return selectors.list_orgs(user=request_user(request), **service_fields(filters))


@router.post("/", response={201: OrgOut, **error_responses(400, 403, 404)}, operation_id="create_org")
def create_org(request: HttpRequest, payload: OrgIn) -> Status:
    """Create an org under ``parent``; a root (no parent) only for system administrators."""
    user = request_user(request)
    parent = _visible(request, payload.parent, field="parent") if payload.parent is not None else None
    org = services.create_org(actor=user, parent=parent, **service_fields(payload, exclude={"parent"}))
    return Status(201, selectors.get_org(user=user, pk=org.pk))


@router.get("/{org_id}", response={200: OrgOut, **error_responses(404)}, operation_id="get_org")
def get_org(request: HttpRequest, org_id: Id) -> OrgUnit:
    return _visible(request, org_id)


@router.patch(
    "/{org_id}", response={200: OrgOut, **error_responses(400, 403, 404)}, operation_id="update_org"
)
def update_org(request: HttpRequest, org_id: Id, payload: OrgPatch) -> OrgUnit:  # type: ignore[valid-type]
    """Change the fields sent; the others stay as they are."""
    user = request_user(request)
    org = _visible(request, org_id)
    services.update_org(actor=user, org=org, **service_fields(payload))
    return selectors.get_org(user=user, pk=org.pk)


@router.post(
    "/{org_id}/move", response={200: OrgOut, **error_responses(400, 403, 404)}, operation_id="move_org"
)
def move_org(request: HttpRequest, org_id: Id, payload: MoveIn) -> OrgUnit:
    """Move the org and its whole subtree under another parent."""
    user = request_user(request)
    org = _visible(request, org_id)
    new_parent = _visible(request, payload.parent, field="parent")
    services.move_org(actor=user, org=org, new_parent=new_parent)
    return selectors.get_org(user=user, pk=org.pk)


@router.post(
    "/{org_id}/dissolve",
    response={200: OrgOut, **error_responses(400, 403, 404)},
    operation_id="dissolve_org",
)
def dissolve_org(request: HttpRequest, org_id: Id, payload: DissolveIn) -> OrgUnit:
    """Dissolve the org and every still-active org below it on ``dissolved_on``."""
    user = request_user(request)
    org = _visible(request, org_id)
    services.dissolve_org(actor=user, org=org, dissolved_on=payload.dissolved_on)
    return selectors.get_org(user=user, pk=org.pk)


@router.get(
    "/{org_id}/children",
    response={200: list[OrgOut], **error_responses(404)},
    operation_id="list_org_children",
)
@paged
def list_children(request: HttpRequest, org_id: Id) -> object:
    """The direct children of the org, in tree order."""
    return selectors.list_children(user=request_user(request), org=_visible(request, org_id))


@router.get(
    "/{org_id}/subtree",
    response={200: list[OrgOut], **error_responses(404)},
    operation_id="list_org_subtree",
)
@paged
def list_subtree(request: HttpRequest, org_id: Id) -> object:
    """The org itself and everything below it, in tree order."""
    return selectors.list_subtree(user=request_user(request), org=_visible(request, org_id))
