"""Leadership's recognition pages, and the member's own: what they share with their circles
and their experience record."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.leadership.views import experience, profiles, recognition

urlpatterns: list[URLPattern] = [
    path(
        "circles/<int:circle_pk>/recognition/",
        recognition.recognition_wall_page,
        name="recognition_wall",
    ),
    path(
        "circles/<int:circle_pk>/recognition/new/",
        recognition.recognition_new,
        name="recognition_new",
    ),
    path(
        "recognition/<int:pk>/share/",
        recognition.recognition_share,
        name="recognition_share",
    ),
    path("me/sharing/", profiles.sharing_edit, name="sharing"),
    path("me/experience/", experience.experience_page, name="experience"),
    path("me/experience.csv", experience.experience_download_csv, name="experience_csv"),
    path("me/experience.pdf", experience.experience_download_pdf, name="experience_pdf"),
]
