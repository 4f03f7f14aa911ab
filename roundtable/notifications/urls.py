from django.urls import path

from roundtable.notifications import views

app_name = "notifications"
urlpatterns = [path("profile/emails/", views.preferences_save, name="preferences")]
