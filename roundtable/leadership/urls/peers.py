"""Leadership's pages about one peer: the lead's private note and support plans."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.leadership.views import peers

PEER = "circles/<int:circle_pk>/lead/peers/<int:member_pk>/"

urlpatterns: list[URLPattern] = [
    path(PEER, peers.peer, name="peer"),
    path(f"{PEER}note/", peers.peer_note, name="peer_note"),
    path(f"{PEER}plans/new/", peers.support_plan_new, name="support_plan_new"),
    path(f"{PEER}plans/<int:pk>/", peers.support_plan_edit, name="support_plan_edit"),
    path(f"{PEER}plans/<int:pk>/close/", peers.support_plan_close_view, name="support_plan_close"),
]
