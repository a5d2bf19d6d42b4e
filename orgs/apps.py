from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from core.navigation import MenuItem, register

        register(
            "orgs",
            _("Organisation building"),
            100,
            MenuItem(_("Organisations"), "orgs:orgunit_list", "view", "sitemap"),
        )
