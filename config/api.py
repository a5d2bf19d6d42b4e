"""Mounts every app's router on the one API. Each app owns its api.py."""

from core.api import api
from members.api import router as members_router
from orgs.api import router as orgs_router
from stats.api import org_router as stats_org_router
from stats.api import router as stats_router

api.add_router("/orgs/", orgs_router)
api.add_router("/orgs/", stats_org_router)  # org health, read from member counts
api.add_router("/members/", members_router)
api.add_router("/stats/", stats_router)

__all__ = ["api"]
