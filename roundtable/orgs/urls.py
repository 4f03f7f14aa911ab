from django.urls import path

from roundtable.orgs import views

app_name = "orgs"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("o/<slug:org_slug>/members/", views.directory, name="directory"),
    path("o/<slug:org_slug>/members/import/", views.member_import, name="member_import"),
    path(
        "o/<slug:org_slug>/members/import/template.csv",
        views.member_import_template,
        name="member_import_template",
    ),
    path(
        "o/<slug:org_slug>/members/import/confirm/",
        views.member_import_confirm,
        name="member_import_confirm",
    ),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
]
