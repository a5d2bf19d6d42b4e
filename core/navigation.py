"""The left menu. Apps register their entries in their AppConfig.ready(); core knows no app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    action: str = "view"
    icon: str = ""


@dataclass
class MenuGroup:
    key: str
    label: Any
    order: int
    items: list[MenuItem] = field(default_factory=list)


_GROUPS: dict[str, MenuGroup] = {}


def register(group_key: str, group_label: Any, order: int, *items: MenuItem) -> None:
    group = _GROUPS.setdefault(group_key, MenuGroup(group_key, group_label, order))
    for item in items:
        if item not in group.items:
            group.items.append(item)


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu groups the user may use. The one active entry is the most specific whose URL the
    current path starts with: /members/import/ is 导入党员, not also 党员名册 (/members/)."""
    user = request.user
    path = request.path
    menu: list[dict[str, Any]] = []
    for group in sorted(_GROUPS.values(), key=lambda g: g.order):
        entries = []
        for item in group.items:
            if not getattr(user, "has_action", lambda a: True)(item.action):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": item.label, "url": url, "active": False, "icon": item.icon})
        if entries:
            menu.append({"label": group.label, "items": entries, "active": False})
    matches = [e for group in menu for e in group["items"] if path.startswith(e["url"])]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    for group in menu:
        group["active"] = any(e["active"] for e in group["items"])
    return menu
