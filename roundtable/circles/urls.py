from django.urls import path

from roundtable.circles import views

app_name = "circles"
urlpatterns = [
    path("programs/<int:program_pk>/circles/new/", views.circle_create_view, name="create"),
    path("circles/<int:pk>/", views.circle_detail, name="detail"),
    path("circles/<int:pk>/edit/", views.circle_edit, name="edit"),
    path("circles/<int:pk>/members/add/", views.circle_add_member_view, name="add_member"),
    path(
        "circles/<int:pk>/members/<int:member_pk>/remove/",
        views.circle_remove_member_view,
        name="remove_member",
    ),
    path("circles/<int:pk>/lead/", views.circle_lead_view, name="lead"),
]
