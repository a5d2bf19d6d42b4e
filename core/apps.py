from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .navigation import MenuItem, register

        register(
            "system", _("System"), 900, MenuItem(_("Audit log"), "core:audit_list", "view_audit", "history")
        )
