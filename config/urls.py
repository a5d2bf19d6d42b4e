from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("stats/", include("stats.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
