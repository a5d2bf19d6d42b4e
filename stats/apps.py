from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from core.navigation import MenuItem, register

        register(
            "stats",
            _("Statistics"),
            800,
            MenuItem(_("Member statistics"), "stats:member_dashboard", "view", "chart-bar"),
            MenuItem(_("Organisation health"), "stats:org_health", "view", "heartbeat"),
        )
