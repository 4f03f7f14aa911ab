"""Insights: a member's own data, and an admin's erasure of a member."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.insights.views import data

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/data/", data.my_data_page, name="my_data"),
    path("me/data/download.zip", data.my_data_download, name="my_data_download"),
    path("members/<int:pk>/erase/", data.member_erase_page, name="member_erase"),
    path("o/<slug:org_slug>/erasures/", data.erasure_list_page, name="erasure_list"),
]
