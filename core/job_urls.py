"""Job pages, included by core/urls.py under the "core" namespace."""

from django.urls import path

from . import job_views

urlpatterns = [
    path("", job_views.job_list, name="job_list"),
    path("<int:pk>/", job_views.job_detail, name="job_detail"),
    path("<int:pk>/status/", job_views.job_status, name="job_status"),
    path("<int:pk>/download/", job_views.job_download, name="job_download"),
]
