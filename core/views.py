"""Generic views after NetBox: list, detail, add/edit (and other one-form actions), delete.

Every view declares ``model`` and the action it needs. A user without that action anywhere gets 403;
the queryset is always ``Model.objects.for_user(user, action)``, so an object out of scope is a 404.
Writes go through a service the subclass calls in ``save_object`` / ``delete_object``; a
``ServiceError`` becomes a form error on its field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from .exceptions import OutOfScope, ServiceError
from .exporters import export_response
from .filters import AuditFilterForm, FilterForm
from .models import ORG_MODEL, AuditEntry
from .scope import user_can, user_paths
from .tables import EMPTY, Column, Table, display_value, resolve

ORG_TREE_TEMPLATE = "orgs/includes/tree_panel.html"
PER_PAGE_CHOICES = (25, 50, 100, 200)


def may(user: Any, action: str) -> bool:
    """Whether ``user`` may take ``action`` somewhere (superusers: everywhere)."""
    paths = user_paths(user, action)
    return paths is None or bool(paths)


def org_model() -> type[models.Model]:
    return apps.get_model(ORG_MODEL)


def safe_return_url(request: HttpRequest) -> str:
    url = request.POST.get("return_url") or request.GET.get("return_url") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


class ObjectViewMixin(LoginRequiredMixin):
    model: ClassVar[type[models.Model]]
    #: the action the user needs (core.scope.ACTIONS)
    action: str = "view"
    template_suffix: str = ""
    default_template: str = ""
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, self.get_action()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_action(self) -> str:
        return self.action

    # -- queryset ----------------------------------------------------------------------------------
    def get_base_queryset(self, action: str) -> QuerySet:
        """The scoped rows; subclasses add select_related here."""
        return self.model.objects.for_user(self.request.user, action)  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet:
        return self.get_base_queryset(self.get_action())

    # -- names -------------------------------------------------------------------------------------
    @property
    def meta(self) -> Any:
        return self.model._meta

    def url_name(self, view: str) -> str:
        return f"{self.meta.app_label}:{self.meta.model_name}_{view}"

    def url_or_empty(self, view: str, *args: Any) -> str:
        try:
            return reverse(self.url_name(view), args=args)
        except NoReverseMatch:
            return ""

    def get_template_names(self) -> list[str]:
        return [
            f"{self.meta.app_label}/{self.meta.model_name}_{self.template_suffix}.html",
            self.default_template,
        ]

    def render(self, context: dict[str, Any], status: int = 200) -> TemplateResponse:
        template = select_template(self.get_template_names())
        base = {"view": self, "model_meta": self.meta, "verbose_name": self.meta.verbose_name}
        base.update(context)
        return TemplateResponse(self.request, template, base, status=status)

    def list_breadcrumb(self) -> tuple[Any, str]:
        return (self.meta.verbose_name_plural, self.url_or_empty("list"))


class ObjectListView(ObjectViewMixin, View):
    """A filtered, sorted, paged table; ``?export=xlsx`` downloads the same filtered rows.

    ``?org=<id>`` narrows the list to that org's subtree (an org out of scope is ignored).
    """

    table_class: type[Table] = Table
    filterset_class: type[FilterForm] | None = None
    ordering: tuple[str, ...] = ("-pk",)
    paginate_by: int = 50
    #: show the org tree beside the list; clicking a node filters the list to its subtree
    show_org_tree: bool = True
    org_filter: bool = True
    title: Any = None
    template_suffix = "list"
    default_template = "core/object_list.html"
    export_chunk_size: int = 2000

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export()
        table = self.get_table()
        queryset, filter_form, org, sort = self.filtered_queryset(self.get_queryset(), table)
        per_page = self.get_per_page()
        paginator = Paginator(queryset, per_page)
        page = paginator.get_page(request.GET.get("page"))
        context = {
            "title": self.get_title(),
            "table": table,
            "headers": table.headers(sort),
            "rows": table.rows(self.prepare_page(list(page.object_list))),
            "page_obj": page,
            "paginator": paginator,
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
            "filter_form": filter_form,
            "filter_org": org,
            "add_url": self.url_or_empty("add") if may(request.user, "add") else "",
            "export_allowed": may(request.user, "export"),
            "org_tree_template": ORG_TREE_TEMPLATE if self.show_org_tree else "",
            "breadcrumbs": [(self.get_title(), "")],
        }
        context.update(self.get_extra_context())
        return self.render(context)

    # -- hooks -------------------------------------------------------------------------------------
    def prepare_page(self, objects: list[Any]) -> list[Any]:
        """The page's rows before they are rendered: load what they show in bulk here, not per row."""
        return objects

    def get_title(self) -> Any:
        return self.title or self.meta.verbose_name_plural

    def get_table(self) -> Table:
        return self.table_class(
            detail_url_name=self.url_name("detail") if self.has_detail() else "", user=self.request.user
        )

    def has_detail(self) -> bool:
        try:
            reverse(self.url_name("detail"), args=[0])
        except NoReverseMatch:
            return False
        return True

    def get_extra_context(self) -> dict[str, Any]:
        return {}

    def get_per_page(self) -> int:
        try:
            value = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return value if value in PER_PAGE_CHOICES else self.paginate_by

    def get_filter_form(self) -> FilterForm | None:
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.request.GET, user=self.request.user)

    def get_filter_org(self) -> Any:
        value = self.request.GET.get("org", "")
        if not self.org_filter or not value.isdigit():
            return None
        return org_model().objects.for_user(self.request.user, "view").filter(pk=value).first()  # type: ignore[attr-defined]

    def filtered_queryset(self, queryset: QuerySet, table: Table) -> tuple[QuerySet, Any, Any, str]:
        filter_form = self.get_filter_form()
        if filter_form is not None:
            queryset = filter_form.filter_queryset(queryset)
        org = self.get_filter_org()
        if org is not None:
            queryset = queryset.in_subtree(org.path)  # type: ignore[attr-defined]
        sort = self.request.GET.get("sort", "")
        sort_fields = table.sort_fields()
        if sort.lstrip("-") in sort_fields:
            field = sort_fields[sort.lstrip("-")]
            prefix = "-" if sort.startswith("-") else ""
            queryset = queryset.order_by(f"{prefix}{field}", f"{prefix}pk")
        else:
            sort = ""
            queryset = queryset.order_by(*self.ordering)
        return queryset, filter_form, org, sort

    def export(self) -> HttpResponse:
        if not may(self.request.user, "export"):
            raise PermissionDenied
        table = self.get_table()
        queryset, *_rest = self.filtered_queryset(self.get_base_queryset("export"), table)
        return export_response(
            table=table,
            queryset=queryset,
            title=str(self.get_title()),
            filename=str(self.get_title()),
            chunk_size=self.export_chunk_size,
        )


class ObjectDetailView(ObjectViewMixin, View):
    template_suffix = "detail"
    default_template = "core/object_detail.html"
    #: field names shown by the generic detail template
    detail_fields: tuple[str, ...] = ()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        context = {
            "object": obj,
            "title": str(obj),
            "fields": self.field_rows(obj),
            "edit_url": self.url_or_empty("edit", obj.pk) if user_can(request.user, "change", obj) else "",
            "delete_url": self.url_or_empty("delete", obj.pk)
            if user_can(request.user, "delete", obj)
            else "",
            "breadcrumbs": [self.list_breadcrumb(), (str(obj), "")],
        }
        context.update(self.get_extra_context(obj))
        return self.render(context)

    def get_object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def get_extra_context(self, obj: Any) -> dict[str, Any]:
        return {}

    def field_rows(self, obj: Any) -> list[tuple[Any, Any]]:
        rows = []
        for name in self.detail_fields:
            field = self.meta.get_field(name)
            rows.append((field.verbose_name, display_value(resolve(obj, name))))
        return rows


class ObjectEditView(ObjectViewMixin, View):
    """Add (no ``pk`` in the URL) or edit (``pk``); also any one-form action on an object (move...).

    Subclasses set ``form_class`` and implement ``save_object(form, obj) -> obj`` with a service call.
    A ModelForm gets ``instance=obj`` only for validation; it is never saved directly.
    """

    form_class: type[forms.BaseForm]
    template_suffix = "form"
    default_template = "core/object_form.html"
    #: the action needed on an existing object ("change" for edit, move, dissolve...)
    object_action: str = "change"
    title: Any = None
    submit_label: Any = gettext_lazy("Save")
    success_message: Any = gettext_lazy("Saved.")

    @property
    def is_add(self) -> bool:
        return "pk" not in self.kwargs  # type: ignore[attr-defined]

    def get_action(self) -> str:
        return "add" if self.is_add else self.object_action

    def get_object(self) -> Any:
        if self.is_add:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def get_title(self, obj: Any) -> Any:
        if self.title:
            return self.title
        if obj is None:
            return _("Add %(name)s") % {"name": self.meta.verbose_name}
        return _("Edit %(name)s") % {"name": self.meta.verbose_name}

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"initial": self.get_initial(obj), "user": self.request.user}
        if issubclass(self.form_class, forms.BaseModelForm):
            kwargs["instance"] = obj
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
            kwargs["files"] = self.request.FILES
        return kwargs

    def get_initial(self, obj: Any) -> dict[str, Any]:
        return {}

    def get_form(self, obj: Any) -> forms.BaseForm:
        """Forms used here accept ``user=`` (core.forms.BootstrapMixin does)."""
        return self.form_class(**self.get_form_kwargs(obj))

    def save_object(self, form: Any, obj: Any) -> Any:
        raise NotImplementedError

    def get_success_url(self, obj: Any) -> str:
        return (
            safe_return_url(self.request) or self.url_or_empty("detail", obj.pk) or self.url_or_empty("list")
        )

    def get_extra_context(self, obj: Any, form: Any) -> dict[str, Any]:
        return {}

    def get_breadcrumbs(self, obj: Any, title: Any) -> list[tuple[Any, str]]:
        crumbs = [self.list_breadcrumb()]
        if obj is not None:
            crumbs.append((str(obj), self.url_or_empty("detail", obj.pk)))
        crumbs.append((title, ""))
        return crumbs

    def render_form(self, obj: Any, form: Any, status: int = 200) -> TemplateResponse:
        title = self.get_title(obj)
        cancel = safe_return_url(self.request) or (
            self.url_or_empty("detail", obj.pk) if obj is not None else self.url_or_empty("list")
        )
        context = {
            "object": obj,
            "form": form,
            "title": title,
            "submit_label": self.submit_label,
            "cancel_url": cancel,
            "return_url": safe_return_url(self.request),
            "breadcrumbs": self.get_breadcrumbs(obj, title),
        }
        context.update(self.get_extra_context(obj, form))
        return self.render(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_form(obj, self.get_form(obj))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.get_form(obj)
        if form.is_valid():
            try:
                saved = self.save_object(form, obj)
            except OutOfScope as exc:
                raise Http404(exc.message) from exc
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, str(self.success_message))
                return HttpResponseRedirect(self.get_success_url(saved))
        return self.render_form(obj, form)


class ObjectDeleteView(ObjectViewMixin, View):
    """Confirm, then delete through ``delete_object`` (a service); a refusal is shown on the page."""

    action = "delete"
    template_suffix = "confirm_delete"
    default_template = "core/object_confirm_delete.html"
    success_message: Any = gettext_lazy("Deleted.")

    def get_object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def delete_object(self, obj: Any) -> None:
        raise NotImplementedError

    def get_extra_context(self, obj: Any) -> dict[str, Any]:
        return {}

    def render_confirm(self, obj: Any, error: str = "") -> TemplateResponse:
        title = _("Delete %(name)s") % {"name": self.meta.verbose_name}
        context = {
            "object": obj,
            "title": title,
            "error": error,
            "cancel_url": self.url_or_empty("detail", obj.pk) or self.url_or_empty("list"),
            "breadcrumbs": [
                self.list_breadcrumb(),
                (str(obj), self.url_or_empty("detail", obj.pk)),
                (title, ""),
            ],
        }
        context.update(self.get_extra_context(obj))
        return self.render(context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_confirm(self.get_object())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            self.delete_object(obj)
        except OutOfScope as exc:
            raise Http404(exc.message) from exc
        except ServiceError as exc:
            return self.render_confirm(obj, error=exc.message)
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(safe_return_url(request) or self.url_or_empty("list"))


# -- core pages ------------------------------------------------------------------------------------


class HomeView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        org_cls = org_model()
        paths = user_paths(request.user, "view")
        orgs = org_cls.objects.for_user(request.user, "view")  # type: ignore[attr-defined]
        orgs = orgs.filter(depth=1) if paths is None else orgs.filter(path__in=paths)
        context = {
            "my_orgs": list(orgs.order_by("path")[:50]),
            "title": _("Home"),
        }
        return TemplateResponse(request, "core/home.html", context)


home = HomeView.as_view()


#: change keys that are internal bookkeeping, not shown to users
HIDDEN_CHANGE_KEYS = frozenset({"path", "depth", "numchild"})


def attach_related_names(entries: list[AuditEntry], user: Any) -> list[AuditEntry]:
    """Look up, in one query per related model, the names of the objects the entries' foreign-key
    changes point to (``org: [3, 7]`` shows the two org names), limited to what ``user`` may see.

    Related models that are not scoped (no ``scope_field``) keep showing their id."""
    wanted: dict[type, set[Any]] = {}
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        if model is None:
            continue
        for name, pair in (entry.changes or {}).items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.many_to_one and hasattr(field.related_model, "scope_field")):
                continue
            values = pair if isinstance(pair, list) else [pair]
            wanted.setdefault(field.related_model, set()).update(
                v for v in values if isinstance(v, int) and not isinstance(v, bool)
            )
    names: dict[tuple[type, Any], str] = {}
    for related, pks in wanted.items():
        for obj in related.objects.for_user(user, "view").filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    for entry in entries:
        entry.related_names = names  # type: ignore[attr-defined]
    return entries


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def describe_changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field label, before, after) for each changed field; choice values by their label, foreign
    keys by the names ``attach_related_names`` loaded (else their id).

    Internal keys and fields empty on both sides (a creation's blank fields) are left out."""
    related_names: dict[tuple[type, Any], str] = getattr(entry, "related_names", {})
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, pair in (entry.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if name in HIDDEN_CHANGE_KEYS or (before in (None, "") and after in (None, "")):
            continue
        label: Any = name
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a key that is not a field, or a field removed since
                field = None
        if field is not None:
            label = getattr(field, "verbose_name", name)
            choices = dict(getattr(field, "flatchoices", None) or [])
            before = choices.get(before, before)
            after = choices.get(after, after)
            if field.many_to_one:
                before = related_names.get((field.related_model, before), before)
                after = related_names.get((field.related_model, after), after)
        before, after = _yes_no(before), _yes_no(after)
        rows.append((str(label), before, after))
    return rows


def changes_text(entry: AuditEntry) -> str:
    return "\n".join(
        f"{label}: {'' if b is None else b} → {'' if a is None else a}"
        for label, b, a in describe_changes(entry)
    )


def changes_html(entry: AuditEntry) -> str:
    """before → after per field; a creation shows only the new value, a deletion only the old."""
    items = []
    for label, before, after in describe_changes(entry):
        if before in (None, ""):
            items.append(
                format_html(
                    '<li><span class="text-secondary">{}:</span> <span class="after">{}</span></li>',
                    label,
                    after,
                )
            )
        elif after in (None, ""):
            items.append(
                format_html(
                    '<li><span class="text-secondary">{}:</span> <span class="before">{}</span></li>',
                    label,
                    before,
                )
            )
        else:
            items.append(
                format_html(
                    '<li><span class="text-secondary">{}:</span> <span class="before">{}</span> → <span class="after">{}</span></li>',
                    label,
                    before,
                    after,
                )
            )
    if not items:
        return EMPTY
    return format_html(
        '<ul class="changes-list">{}</ul>', mark_safe("".join(items))
    )  # items are escaped by format_html


def object_type_label(entry: AuditEntry) -> Any:
    model = entry.content_type.model_class() if entry.content_type_id else None
    return model._meta.verbose_name if model is not None else ""


class AuditTable(Table):
    columns = (
        Column("at", gettext_lazy("Time"), sort="at"),
        Column("actor", gettext_lazy("Actor"), sort="actor__username"),
        # with a context: Django admin's "Action" would win otherwise
        Column("action", pgettext_lazy("audit", "Action"), sort="action"),
        Column("content_type", gettext_lazy("Object type"), value=object_type_label),
        Column("object_repr", gettext_lazy("Object"), sort="object_repr", css="wrap"),
        Column("org", gettext_lazy("Organisation"), css="wrap"),
        Column(
            "changes", gettext_lazy("Changes"), value=changes_html, export_value=changes_text, css="wrap wide"
        ),
        Column("message", gettext_lazy("Message")),
    )


class AuditListView(ObjectListView):
    model = AuditEntry
    table_class = AuditTable
    filterset_class = AuditFilterForm
    ordering = ("-at", "-id")
    title = gettext_lazy("Audit log")

    action = "view_audit"

    def get_base_queryset(self, action: str) -> QuerySet:
        """Entries where the user may read the audit log (and, for an export, export too)."""
        entries = AuditEntry.objects.for_user(self.request.user, "view_audit")
        if action != "view_audit":
            entries = entries & AuditEntry.objects.for_user(self.request.user, action)
        return entries.select_related("actor", "org", "content_type")

    def prepare_page(self, objects: list[Any]) -> list[Any]:
        return attach_related_names(objects, self.request.user)

    def url_name(self, view: str) -> str:
        return f"core:audit_{view}"

    def has_detail(self) -> bool:
        return False


audit_list = AuditListView.as_view()
