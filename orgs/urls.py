from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.orgunit_list, name="orgunit_list"),
    path("add/", views.orgunit_edit, name="orgunit_add"),
    path("export/", views.orgunit_export, name="orgunit_export"),
    path("<int:pk>/", views.orgunit_detail, name="orgunit_detail"),
    path("<int:pk>/edit/", views.orgunit_edit, name="orgunit_edit"),
    path("<int:pk>/move/", views.orgunit_move, name="orgunit_move"),
    path("<int:pk>/dissolve/", views.orgunit_dissolve, name="orgunit_dissolve"),
    path("<int:pk>/delete/", views.orgunit_delete, name="orgunit_delete"),
    path("tree/children/", views.tree_children, name="tree_children"),
    path("tree/search/", views.tree_search, name="tree_search"),
]
