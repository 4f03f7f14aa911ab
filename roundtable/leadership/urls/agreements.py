"""Leadership's agreements pages: a circle's working agreement, its versions and amendments."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.leadership.views import agreements as views

_AT = "circles/<int:circle_pk>/agreement/"

urlpatterns: list[URLPattern] = [
    path(_AT, views.agreement_detail, name="agreement"),
    path(f"{_AT}draft/", views.agreement_draft, name="agreement_draft"),
    path(f"{_AT}revisit/", views.agreement_revisit, name="agreement_revisit"),
    path(f"{_AT}versions/<int:number>/", views.agreement_version, name="agreement_version"),
    path(
        f"{_AT}versions/<int:number>/agree/",
        views.agreement_acknowledge,
        name="agreement_acknowledge",
    ),
    path(f"{_AT}amendments/new/", views.amendment_propose, name="agreement_amendment_propose"),
    path(f"{_AT}amendments/<int:pk>/", views.amendment_detail, name="agreement_amendment"),
    path(
        f"{_AT}amendments/<int:pk>/accept/",
        views.amendment_accept,
        name="agreement_amendment_accept",
    ),
    path(
        f"{_AT}amendments/<int:pk>/decline/",
        views.amendment_decline,
        name="agreement_amendment_decline",
    ),
    path(
        f"{_AT}amendments/<int:pk>/withdraw/",
        views.amendment_withdraw,
        name="agreement_amendment_withdraw",
    ),
]
