from django.urls import path

from roundtable.meetings import views

app_name = "meetings"
urlpatterns = [
    path("circles/<int:circle_pk>/schedule/", views.schedule_edit, name="schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path(
        "programs/<int:program_pk>/agenda-template/",
        views.agenda_template_edit,
        name="agenda_template",
    ),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/toggle/", views.agenda_toggle, name="agenda_toggle"
    ),
    path("meetings/<int:pk>/notes/", views.notes_save, name="notes"),
    path(
        "meetings/<int:pk>/attendance/<int:member_pk>/",
        views.attendance_mark,
        name="attendance",
    ),
    path("meetings/<int:pk>/feedback/", views.feedback_give, name="feedback"),
    path("meetings/<int:pk>/move/", views.meeting_move, name="move"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("calendar/reset/", views.calendar_feed_reset_view, name="feed_reset"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("meetings/<int:pk>/reply/", views.rsvp_signed_in, name="reply"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
]
