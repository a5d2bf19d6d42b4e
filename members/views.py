"""Member pages: list (filters, xlsx export), detail with history, add, edit, audited reveal."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.audit import history_for
from core.exceptions import NotAllowed, OutOfScope
from core.models import AuditAction, AuditEntry
from core.scope import user_can
from core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    attach_related_names,
    describe_changes,
)

from . import services
from .codes import education_name, ethnicity_name
from .filtersets import MemberFilterForm
from .forms import MemberForm
from .models import Member
from .rules import FLAG_DATES
from .tables import MemberTable, member_age, member_flags

HISTORY_LIMIT = 200


class MemberListView(ObjectListView):
    model = Member
    table_class = MemberTable
    filterset_class = MemberFilterForm
    ordering = ("name_pinyin", "id")

    def get_base_queryset(self, action: str) -> QuerySet[Member]:
        return Member.objects.for_user(self.request.user, action).select_related("org")


class MemberExportView(MemberListView):
    action = "export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.export()


class MemberDetailView(ObjectDetailView):
    model = Member
    detail_fields = (
        "name",
        "former_name",
        "gender",
        "birth_date",
        "native_place",
        "degree",
        "occupation",
        "work_unit",
        "post",
        "address",
        "residence_community",
        "category",
        "status",
        "status_date",
        "org",
        "party_group",
        "application_date",
        "activist_date",
        "candidate_date",
        "joined_on",
        "confirmed_on",
        "added_how",
        "added_on",
        "removed_how",
        "removed_on",
    )

    def get_base_queryset(self, action: str) -> QuerySet[Member]:
        return Member.objects.for_user(self.request.user, action).select_related("org", "party_group")

    def get_extra_context(self, obj: Member) -> dict[str, Any]:
        history = list(history_for(obj).order_by("-at", "-id")[:HISTORY_LIMIT])
        return {
            "may_reveal": services.may_reveal(self.request.user, obj),
            "age": member_age(obj),
            "ethnicity_label": ethnicity_name(obj.ethnicity),
            "education_label": education_name(obj.education),
            "fulltime_education_label": education_name(obj.fulltime_education),
            "flags_text": member_flags(obj),
            "flag_rows": [
                (Member._meta.get_field(flag).verbose_name, getattr(obj, date))
                for flag, date in FLAG_DATES
                if getattr(obj, flag)
            ],
            "history": _history_rows(history, self.request.user),
        }


PERSONAL_LABELS = {"id_number": _("citizen ID number"), "phone": _("phone")}
CODED_FIELDS = {
    "ethnicity": ethnicity_name,
    "education": education_name,
    "fulltime_education": education_name,
}


def _history_rows(
    history: list[AuditEntry], user: Any
) -> list[tuple[AuditEntry, list[tuple[str, Any, Any]]]]:
    """Each entry with its readable changes; the orgs it names are looked up once for the page."""
    content_type = ContentType.objects.get_for_model(Member)
    for entry in history:
        entry.content_type = content_type  # all of one member: no query per entry
    attach_related_names(history, user)
    return [(entry, _history_changes(entry)) for entry in history]


def _readable(name: str, value: Any) -> Any:
    """A stored code value as the page shows it (民族 01 → 汉族)."""
    if name in CODED_FIELDS and isinstance(value, str) and value:
        return CODED_FIELDS[name](value) or value
    return value


def _history_changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """Changed fields of an entry, readable; a reveal shows which personal field was seen in full."""
    if entry.action == AuditAction.VIEW_PERSONAL:
        field = (entry.changes or {}).get("field", "")
        return [(str(_("Viewed in full")), None, str(PERSONAL_LABELS.get(field, field)))]
    readable = copy.copy(entry)
    readable.changes = {
        name: [_readable(name, value) for value in pair] if isinstance(pair, list) else pair
        for name, pair in (entry.changes or {}).items()
    }
    return [(str(PERSONAL_LABELS.get(label, label)), b, a) for label, b, a in describe_changes(readable)]


class MemberEditView(ObjectEditView):
    model = Member
    form_class = MemberForm

    def get_base_queryset(self, action: str) -> QuerySet[Member]:
        return Member.objects.for_user(self.request.user, action).select_related("org")

    def get_form_kwargs(self, obj: Member | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(obj), "instance": obj}

    def get_initial(self, obj: Member | None) -> dict[str, Any]:
        parent = self.request.GET.get("parent") or self.request.GET.get("org")
        return {"org": parent} if obj is None and parent and parent.isdigit() else {}

    def save_object(self, form: MemberForm, obj: Member | None) -> Member:
        data = form.changed_data_for_service()
        if obj is None:
            return services.create_member(actor=self.request.user, org=form.cleaned_data["org"], **data)
        return services.update_member(actor=self.request.user, member=obj, **data)


class MemberRevealView(ObjectViewMixin, View):
    """POST: the full ID number or phone, as an HTML fragment for htmx; audited by the service."""

    model = Member
    action = "view_personal"

    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        if field not in services.PERSONAL_FIELDS:
            raise Http404
        member = get_object_or_404(Member.objects.for_user(request.user, "view"), pk=pk)
        if not user_can(request.user, "view_personal", member):
            raise PermissionDenied
        try:
            value = services.reveal_personal(actor=request.user, member=member, field=field)
        except OutOfScope as exc:
            raise Http404 from exc
        except NotAllowed as exc:
            raise PermissionDenied from exc
        return HttpResponse(
            format_html('<span class="revealed font-monospace">{}</span>', value or _("none"))
        )


member_list = MemberListView.as_view()
member_export = MemberExportView.as_view()
member_detail = MemberDetailView.as_view()
member_add = MemberEditView.as_view()
member_edit = MemberEditView.as_view()
member_reveal = MemberRevealView.as_view()
