"""The notifications app's URLs: a member's notices and their email and notice choices."""

from django.urls import path

from roundtable.notifications import views

app_name = "notifications"
urlpatterns = [
    path("profile/emails/", views.preferences_save, name="preferences"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("notices/<int:pk>/", views.notice_open, name="notice_open"),
]
