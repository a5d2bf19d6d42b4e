"""Org tree pages: list, detail, add, edit, move, dissolve, delete, export and the lazy tree navigator.

The navigator never loads the whole tree: ``tree_children`` returns one level (plus, on first load,
the levels down to the selected org) and ``tree_search`` a few matches with their ancestor path, each
in a constant number of queries using the materialised path and treebeard's ``numchild``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import history_for
from core.scope import user_can
from core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    describe_changes,
    may,
)

from . import services
from .filtersets import OrgUnitFilterForm
from .forms import OrgDissolveForm, OrgMoveForm, OrgUnitForm
from .models import OrgUnit
from .selectors import list_top_orgs
from .tables import OrgUnitTable

TREE_CHILDREN_LIMIT = 500
TREE_SEARCH_LIMIT = 20
HISTORY_LIMIT = 50
CHILDREN_LIMIT = 100


def ancestor_paths(org: OrgUnit) -> list[str]:
    """The paths of ``org``'s ancestors, root first (no query)."""
    step = OrgUnit.steplen
    return [org.path[: step * i] for i in range(1, org.depth)]


def scoped_orgs(request: HttpRequest, action: str = "view") -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(request.user, action)


def tree_picker_context(form: Any) -> dict[str, Any]:
    """Show the tree beside a form with an org code field; clicking a node fills the code in."""
    if "parent" not in form.fields:
        return {}
    return {"org_tree_template": "orgs/includes/tree_panel.html", "tree_mode": "pick"}


class OrgUnitListView(ObjectListView):
    model = OrgUnit
    table_class = OrgUnitTable
    filterset_class = OrgUnitFilterForm
    ordering = ("path",)

    def get_base_queryset(self, action: str) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.for_user(self.request.user, action)


class OrgUnitExportView(OrgUnitListView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self.export()


class OrgUnitDetailView(ObjectDetailView):
    model = OrgUnit
    detail_fields = (
        "name",
        "short_name",
        "code",
        "kind",
        "unit_type",
        "established_how",
        "units_covered",
        "established_on",
        "establishment_doc",
        "status",
        "dissolved_on",
        "secretary_name",
        "contact_name",
        "contact_phone",
        "address",
        "created_at",
        "updated_at",
    )

    def get_extra_context(self, obj: OrgUnit) -> dict[str, Any]:
        user = self.request.user
        orgs = scoped_orgs(self.request)
        ancestors = list(orgs.filter(path__in=ancestor_paths(obj)).order_by("path"))
        children = list(
            orgs.filter(path__startswith=obj.path, depth=obj.depth + 1).order_by("path")[:CHILDREN_LIMIT]
        )
        history = list(history_for(obj).order_by("-at", "-id")[:HISTORY_LIMIT])
        list_url = reverse("orgs:orgunit_list")
        can_change = user_can(user, "change", obj)
        return {
            "ancestors": ancestors,
            "children": children,
            "children_more": obj.numchild > len(children),
            "history": [(entry, describe_changes(entry)) for entry in history],
            "breadcrumbs": [(OrgUnit._meta.verbose_name_plural, list_url)]
            + [(a.name, reverse("orgs:orgunit_detail", args=[a.pk])) for a in ancestors]
            + [(obj.name, "")],
            "add_child_url": (
                f"{reverse('orgs:orgunit_add')}?parent={obj.pk}"
                if obj.is_active and user_can(user, "add", obj)
                else ""
            ),
            "move_url": reverse("orgs:orgunit_move", args=[obj.pk]) if can_change else "",
            "dissolve_url": (
                reverse("orgs:orgunit_dissolve", args=[obj.pk]) if can_change and obj.is_active else ""
            ),
            "subtree_url": f"{list_url}?org={obj.pk}",
            "org_tree_template": "orgs/includes/tree_panel.html",
            "tree_mode": "open",
            "tree_selected": obj,
        }


class OrgUnitEditView(ObjectEditView):
    model = OrgUnit
    form_class = OrgUnitForm

    def get_initial(self, obj: OrgUnit | None) -> dict[str, Any]:
        if obj is not None:
            return {}
        parent_id = self.request.GET.get("parent", "")
        parent = (
            scoped_orgs(self.request, "add").filter(pk=parent_id).first() if parent_id.isdigit() else None
        )
        return {"parent": parent.code} if parent else {}

    def get_title(self, obj: OrgUnit | None) -> Any:
        return _("Add organisation") if obj is None else _("Edit organisation")

    def get_extra_context(self, obj: OrgUnit | None, form: Any) -> dict[str, Any]:
        return tree_picker_context(form)

    def save_object(self, form: OrgUnitForm, obj: OrgUnit | None) -> OrgUnit:
        if obj is None:
            return services.create_org(
                actor=self.request.user, parent=form.cleaned_data["parent"], **form.service_fields()
            )
        return services.update_org(actor=self.request.user, org=obj, **form.service_fields())


class OrgUnitMoveView(ObjectEditView):
    model = OrgUnit
    form_class = OrgMoveForm
    title = _("Move organisation")
    submit_label = _("Move")
    success_message = _("Moved.")
    template_suffix = "form"

    def get_extra_context(self, obj: OrgUnit, form: Any) -> dict[str, Any]:
        return tree_picker_context(form)

    def save_object(self, form: OrgMoveForm, obj: OrgUnit) -> OrgUnit:
        return services.move_org(actor=self.request.user, org=obj, new_parent=form.cleaned_data["parent"])


class OrgUnitDissolveView(ObjectEditView):
    model = OrgUnit
    form_class = OrgDissolveForm
    title = _("Dissolve organisation")
    submit_label = _("Dissolve")
    success_message = _("Dissolved.")
    template_suffix = "form"

    def save_object(self, form: OrgDissolveForm, obj: OrgUnit) -> OrgUnit:
        return services.dissolve_org(
            actor=self.request.user, org=obj, dissolved_on=form.cleaned_data["dissolved_on"]
        )


class OrgUnitDeleteView(ObjectDeleteView):
    model = OrgUnit

    def delete_object(self, obj: OrgUnit) -> None:
        services.delete_org(actor=self.request.user, org=obj)

    def get_extra_context(self, obj: OrgUnit) -> dict[str, Any]:
        blockers = services.deletion_blockers(obj)
        return {"blockers": blockers, "delete_disabled": bool(blockers)}


orgunit_list = OrgUnitListView.as_view()
orgunit_export = OrgUnitExportView.as_view()
orgunit_detail = OrgUnitDetailView.as_view()
orgunit_edit = OrgUnitEditView.as_view()
orgunit_move = OrgUnitMoveView.as_view()
orgunit_dissolve = OrgUnitDissolveView.as_view()
orgunit_delete = OrgUnitDeleteView.as_view()


# -- tree navigator --------------------------------------------------------------------------------


def node_json(org: OrgUnit) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "code": org.code,
        "kind": str(org.get_kind_display()),
        "active": org.is_active,
        "has_children": org.numchild > 0,
        "url": reverse("orgs:orgunit_detail", args=[org.pk]),
    }


def _nodes(queryset: QuerySet[OrgUnit], limit: int) -> tuple[list[dict[str, Any]], bool]:
    rows = list(queryset.order_by("path")[: limit + 1])
    return [node_json(org) for org in rows[:limit]], len(rows) > limit


def _require_view(request: HttpRequest) -> None:
    if not may(request.user, "view"):
        raise PermissionDenied


@login_required
def tree_children(request: HttpRequest) -> JsonResponse:
    """``?parent=<id>``: that org's children. Without it: the user's granted orgs (superusers: the
    roots) and, with ``?selected=<id>``, the children of every org on the way down to the selected one,
    so the tree opens at it. Three queries at most, whatever the size of the tree."""
    _require_view(request)
    orgs = scoped_orgs(request)
    parent_id = request.GET.get("parent", "")
    if parent_id:
        parent = orgs.filter(pk=parent_id).first() if parent_id.isdigit() else None
        if parent is None:
            return JsonResponse({"nodes": [], "truncated": False}, status=404)
        nodes, truncated = _nodes(
            orgs.filter(path__startswith=parent.path, depth=parent.depth + 1), TREE_CHILDREN_LIMIT
        )
        return JsonResponse({"nodes": nodes, "truncated": truncated})

    root_rows = list(list_top_orgs(user=request.user).order_by("path")[: TREE_CHILDREN_LIMIT + 1])
    payload: dict[str, Any] = {
        "nodes": [node_json(org) for org in root_rows[:TREE_CHILDREN_LIMIT]],
        "truncated": len(root_rows) > TREE_CHILDREN_LIMIT,
    }
    selected_id = request.GET.get("selected", "")
    selected = orgs.filter(pk=selected_id).first() if selected_id.isdigit() else None
    if selected is not None:
        payload["selected"] = selected.pk
        payload["expanded"] = _expanded_levels(orgs, selected, root_rows)
    return JsonResponse(payload)


def _expanded_levels(
    orgs: QuerySet[OrgUnit], selected: OrgUnit, root_rows: list[OrgUnit]
) -> dict[int, list[dict[str, Any]]]:
    """{parent id: children} for every visible org from the user's root down to ``selected``: one query."""
    chain = [*ancestor_paths(selected), selected.path]
    condition = Q(pk__in=[])
    for path in chain:
        condition |= Q(path__startswith=path, depth=len(path) // OrgUnit.steplen + 1)
    children = list(orgs.filter(condition).order_by("path")[: TREE_CHILDREN_LIMIT * len(chain)])
    ids = {org.path: org.pk for org in [*root_rows, *children, selected]}
    expanded: dict[int, list[dict[str, Any]]] = {}
    for org in children:
        parent_id = ids.get(org.path[: -OrgUnit.steplen])
        if parent_id is not None:
            expanded.setdefault(parent_id, []).append(node_json(org))
    return expanded


@login_required
def tree_search(request: HttpRequest) -> JsonResponse:
    """Orgs whose name contains ``q`` or whose code starts with it, each with its ancestor names."""
    _require_view(request)
    q = request.GET.get("q", "").strip()
    if not q:
        return JsonResponse({"results": [], "truncated": False})
    orgs = scoped_orgs(request)
    rows = list(
        orgs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__istartswith=q)).order_by(
            "depth", "path"
        )[: TREE_SEARCH_LIMIT + 1]
    )
    truncated = len(rows) > TREE_SEARCH_LIMIT
    rows = rows[:TREE_SEARCH_LIMIT]
    needed = {path for org in rows for path in ancestor_paths(org)}
    names = dict(orgs.filter(path__in=needed).values_list("path", "name")) if needed else {}
    results = []
    for org in rows:
        item = node_json(org)
        item["ancestors"] = [names[p] for p in ancestor_paths(org) if p in names]
        results.append(item)
    return JsonResponse({"results": results, "truncated": truncated})
