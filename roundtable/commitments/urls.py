"""Commitments' pages. `urlpatterns` stays a plain list: the escalation and nudge pages append
their own blocks at the end."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.commitments.views import busy
from roundtable.commitments.views import commitments as views

app_name = "commitments"

urlpatterns: list[URLPattern] = [
    path("commitments/", views.my_commitments_page, name="mine"),
    path("circles/<int:circle_pk>/commitments/", views.board, name="board"),
    path("circles/<int:circle_pk>/commitments/new/", views.commitment_create, name="create"),
    path(
        "meetings/<int:meeting_pk>/commitments/",
        views.meeting_commitment_add,
        name="meeting_add",
    ),
    path("commitments/<int:pk>/", views.commitment_detail, name="detail"),
    path("commitments/<int:pk>/answer/", views.commitment_answer, name="answer"),
    path("commitments/<int:pk>/decline/", views.commitment_decline, name="decline"),
    path("commitments/<int:pk>/counter/", views.commitment_counter, name="counter"),
    path("commitments/<int:pk>/accept/", views.commitment_accept, name="accept"),
    path("commitments/<int:pk>/reply/", views.commitment_reply, name="reply"),
    path("commitments/<int:pk>/move/", views.commitment_move, name="move"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="done"),
    path("commitments/<int:pk>/drop/", views.commitment_drop, name="drop"),
    path("commitments/<int:pk>/waits-on/", views.commitment_wait_on, name="wait_on"),
    path(
        "commitments/<int:pk>/waits-on/<int:on_pk>/remove/",
        views.commitment_stop_waiting,
        name="stop_waiting",
    ),
    # busy periods
    path("commitments/busy/", busy.busy_periods, name="busy"),
    path("commitments/busy/<int:pk>/", busy.busy_period_detail, name="busy_detail"),
    path("commitments/busy/<int:pk>/move/", busy.busy_period_move, name="busy_move"),
    path("commitments/busy/<int:pk>/remove/", busy.busy_period_remove, name="busy_remove"),
]

# --- nudge links (signed, no sign-in: the page shows, its POST acts)
from roundtable.commitments.views import nudges  # noqa: E402

urlpatterns += [
    path("nudge/done/<str:token>/", nudges.nudge_done, name="nudge_done"),
    path("nudge/new-date/<str:token>/", nudges.nudge_move, name="nudge_move"),
]
# --- end nudge links

# --- escalations
from roundtable.commitments.views import escalations, settings  # noqa: E402

urlpatterns += [
    path(
        "commitments/<int:pk>/escalate/",
        escalations.escalation_raise_page,
        name="escalation_raise",
    ),
    path("escalations/", escalations.escalation_queue_page, name="escalation_queue"),
    path("escalations/<int:pk>/", escalations.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/print/", escalations.escalation_print, name="escalation_print"),
    path("escalations/<int:pk>/pdf/", escalations.escalation_pdf, name="escalation_pdf"),
    path(
        "escalations/<int:pk>/owner-side/",
        escalations.escalation_owner_side_post,
        name="escalation_owner_side",
    ),
    path(
        "escalations/<int:pk>/comment/",
        escalations.escalation_comment_post,
        name="escalation_comment",
    ),
    path(
        "escalations/<int:pk>/resolve/",
        escalations.escalation_resolve_post,
        name="escalation_resolve",
    ),
    path(
        "programs/<int:program_pk>/commitment-settings/",
        settings.commitment_settings_page,
        name="commitment_settings",
    ),
]
# --- end escalations
