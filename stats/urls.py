from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("members/", views.member_dashboard, name="member_dashboard"),
    path("members/export/", views.member_dashboard_export, name="member_dashboard_export"),
    path("org-health/", views.org_health, name="org_health"),
]
