"""Circle pages, and the circle formation pages (`circles.forming.views`)."""

from django.urls import path

from roundtable.circles import views
from roundtable.circles.forming import rebalance_views
from roundtable.circles.forming import views as forming_views

app_name = "circles"
urlpatterns = [
    path("programs/<int:program_pk>/circles/new/", views.circle_create_view, name="create"),
    path("circles/<int:pk>/", views.circle_detail, name="detail"),
    path("circles/<int:pk>/edit/", views.circle_edit, name="edit"),
    path("circles/<int:pk>/members/add/", views.circle_add_member_view, name="add_member"),
    path(
        "circles/<int:pk>/members/<int:member_pk>/remove/",
        views.circle_remove_member_view,
        name="remove_member",
    ),
    path("circles/<int:pk>/lead/", views.circle_lead_view, name="lead"),
    # Circle formation (roundtable.circles.forming)
    path(
        "programs/<int:program_pk>/formation/",
        forming_views.formation_start_view,
        name="formation_start",
    ),
    path(
        "programs/<int:program_pk>/formation/pairs/",
        forming_views.pair_rule_add_view,
        name="pair_rule_add",
    ),
    path(
        "programs/<int:program_pk>/formation/pairs/<int:rule_pk>/remove/",
        forming_views.pair_rule_remove_view,
        name="pair_rule_remove",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/",
        forming_views.formation_run_view,
        name="formation_run",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/progress/",
        forming_views.formation_progress_view,
        name="formation_progress",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/move/",
        forming_views.formation_move_view,
        name="formation_move",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/pin/<int:member_pk>/",
        forming_views.formation_pin_view,
        name="formation_pin",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/rerun/",
        forming_views.formation_rerun_view,
        name="formation_rerun",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/publish/",
        forming_views.formation_publish_view,
        name="formation_publish",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/discard/",
        forming_views.formation_discard_view,
        name="formation_discard",
    ),
    path(
        "programs/<int:program_pk>/formation/<int:run_pk>/relax/",
        forming_views.formation_relax_view,
        name="formation_relax",
    ),
    path(
        "programs/<int:program_pk>/formation/rebalance/",
        rebalance_views.formation_rebalance_view,
        name="formation_rebalance",
    ),
    path(
        "programs/<int:program_pk>/formation/rebalance/apply/",
        rebalance_views.formation_rebalance_apply_view,
        name="formation_rebalance_apply",
    ),
]
