from django.urls import path

from roundtable.orgs import views

app_name = "orgs"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("o/<slug:org_slug>/members/", views.directory, name="directory"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
]
