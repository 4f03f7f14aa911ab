from django.urls import path

from roundtable.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create_view, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/enrol/", views.program_enrol_view, name="enrol"),
    path("<int:pk>/enrol/group/", views.program_enrol_group_view, name="enrol_group"),
    path("<int:pk>/withdraw/<int:member_pk>/", views.program_withdraw_view, name="withdraw"),
]
