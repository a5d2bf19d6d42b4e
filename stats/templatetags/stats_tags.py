"""Template tags other apps use to show statistics: ``{% load stats_tags %}{% org_health_card org %}``."""

from __future__ import annotations

from typing import Any

from django import template

from stats.health import org_health

register = template.Library()


@register.inclusion_tag("stats/includes/org_health_card.html")
def org_health_card(org: Any) -> dict[str, Any]:
    """The org's health card (one aggregate query); the caller has already checked scope for ``org``."""
    return {"health": org_health(org)}
