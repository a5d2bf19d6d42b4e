from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Member registry")

    def ready(self) -> None:
        from core.navigation import MenuItem, register

        from .import_jobs import register_import_jobs
        from .importers import register_jobs

        register_jobs()
        register_import_jobs()

        register(
            "members",
            _("Members"),
            200,
            MenuItem(_("Member list"), "members:member_list", "view", "users"),
            MenuItem(_("Add member"), "members:member_add", "add", "user-plus"),
            MenuItem(_("Import members"), "members:member_import", "import", "file-import"),
        )
