"""The notifications app's URLs: saving a member's email choices."""

from django.urls import path

from roundtable.notifications import views

app_name = "notifications"
urlpatterns = [path("profile/emails/", views.preferences_save, name="preferences")]
