"""Top-level URL map: each app owns its URLs."""

from django.contrib import admin
from django.urls import include, path

from roundtable.api.api import api

admin.site.site_header = "Roundtable administration"
admin.site.site_title = "Roundtable admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("roundtable.accounts.urls")),
    path("programs/", include("roundtable.programs.urls")),
    path("", include("roundtable.circles.urls")),
    path("", include("roundtable.meetings.urls")),
    path("", include("roundtable.ideas.urls")),
    path("", include("roundtable.commitments.urls")),
    path("", include("roundtable.leadership.urls")),
    path("", include("roundtable.insights.urls")),
    path("", include("roundtable.notifications.urls")),
    path("", include("roundtable.orgs.urls")),
    path("", include("roundtable.home.urls")),
]
