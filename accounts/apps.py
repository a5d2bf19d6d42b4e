from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core.navigation import MenuItem, register

        register(
            "system",
            _("System"),
            900,
            MenuItem(_("Users"), "accounts:user_list", action="manage_users", icon="users"),
            MenuItem(_("Background jobs"), "core:job_list", action="view", icon="list-check"),
        )
