from django.urls import path

from . import import_views, views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("export/", views.member_export, name="member_export"),
    path("add/", views.member_add, name="member_add"),
    path("import/", import_views.member_import, name="member_import"),
    path("import/template/", import_views.member_import_template, name="member_import_template"),
    path("import/<int:pk>/", import_views.member_import_dry_run, name="member_import_dry_run"),
    path("import/<int:pk>/confirm/", import_views.member_import_confirm, name="member_import_confirm"),
    path("import/<int:pk>/marked/", import_views.member_import_marked, name="member_import_marked"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/reveal/<str:field>/", views.member_reveal, name="member_reveal"),
]
