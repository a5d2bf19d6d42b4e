"""/api/v1/members/: the member registry, scoped; the same filters, masking and validation as the pages.

``POST /{id}/reveal`` with ``{"fields": ["id_number", "phone"]}`` returns the clear values to a user
with ``view_personal``; every reveal is audited by members.services.reveal_personal. It is a POST, not
a GET parameter, because it writes an audit entry: with the browser session a POST needs the CSRF
token, so another site cannot make a logged-in user's browser record reveals.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from core.api import Id, error_responses, paged, request_user
from core.exceptions import OutOfScope
from orgs.models import OrgUnit

from . import selectors, services
from .models import Member
from .schemas import MemberFilters, MemberIn, MemberOut, MemberPatch, RevealIn, service_fields

router = Router(tags=["members"])


def _visible(request: HttpRequest, pk: int) -> Member:
    try:
        return selectors.get_member(request_user(request), pk)
    except Member.DoesNotExist:
        raise OutOfScope(_("Member not found.")) from None


def _visible_org(request: HttpRequest, pk: int, field: str) -> OrgUnit:
    org = OrgUnit.objects.for_user(request_user(request), "view").filter(pk=pk).first()
    if org is None:
        raise OutOfScope(_("Organisation not found."), field=field)
    return org


@router.get("/", response={200: list[MemberOut], **error_responses(404)}, operation_id="list_members")
@paged
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> object:
    """Members in the caller's scope, by pinyin; ID numbers and phones masked."""
    data = filters.model_dump(exclude_none=True)
    org_id = data.pop("org", None)
    flt = selectors.MemberFilter(**{k: v.value if hasattr(v, "value") else v for k, v in data.items()})
    if org_id is not None:
        flt.org_path = _visible_org(request, org_id, "org").path
    return selectors.list_members(request_user(request), flt).order_by("name_pinyin", "id")


@router.post("/", response={201: MemberOut, **error_responses(400, 403, 404)}, operation_id="create_member")
def create_member(request: HttpRequest, payload: MemberIn) -> Status:
    """Register a person; refused when the ID number is already registered (relation transfer)."""
    user = request_user(request)
    org = _visible_org(request, payload.org, "org")
    member = services.create_member(actor=user, org=org, **service_fields(payload, exclude={"org"}))
    return Status(201, selectors.get_member(user, member.pk))


@router.get("/{member_id}", response={200: MemberOut, **error_responses(404)}, operation_id="get_member")
def get_member(request: HttpRequest, member_id: Id) -> Member:
    """One member, ID number and phone masked."""
    return _visible(request, member_id)


@router.post(
    "/{member_id}/reveal",
    response={200: MemberOut, **error_responses(400, 403, 404)},
    operation_id="reveal_member",
)
def reveal_member(request: HttpRequest, member_id: Id, payload: RevealIn) -> Member:
    """The member with the requested personal fields in full (needs view_personal; each one audited)."""
    member = _visible(request, member_id)
    fields = list(dict.fromkeys(field.value for field in payload.fields))
    member.revealed = {  # type: ignore[attr-defined]
        field: services.reveal_personal(actor=request_user(request), member=member, field=field)
        for field in fields
    }
    return member


@router.patch(
    "/{member_id}", response={200: MemberOut, **error_responses(400, 403, 404)}, operation_id="update_member"
)
def update_member(request: HttpRequest, member_id: Id, payload: MemberPatch) -> Member:  # type: ignore[valid-type]
    """Change the fields sent; the others stay as they are."""
    user = request_user(request)
    member = _visible(request, member_id)
    services.update_member(actor=user, member=member, **service_fields(payload))
    return selectors.get_member(user, member.pk)
