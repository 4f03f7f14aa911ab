"""The meetings app's URLs: meeting pages, schedules, calendar feeds and one-click replies."""

from django.urls import path

from roundtable.meetings.views import calendar, meeting, rotation, rsvp, schedule

app_name = "meetings"
urlpatterns = [
    path("circles/<int:circle_pk>/schedule/", schedule.schedule_edit, name="schedule"),
    path("circles/<int:circle_pk>/rotation/", rotation.rotation_page, name="rotation"),
    path("circles/<int:circle_pk>/rotation/order/", rotation.rotation_move, name="rotation_move"),
    path("meetings/<int:pk>/", meeting.meeting_detail, name="detail"),
    path("meetings/<int:pk>/runner/", rotation.meeting_runner, name="runner"),
    path(
        "programs/<int:program_pk>/agenda-template/",
        schedule.agenda_template_edit,
        name="agenda_template",
    ),
    path("meetings/<int:pk>/agenda/", meeting.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/toggle/",
        meeting.agenda_toggle,
        name="agenda_toggle",
    ),
    path("meetings/<int:pk>/agenda/<int:item_pk>/edit/", meeting.agenda_edit, name="agenda_edit"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/move/", meeting.agenda_move, name="agenda_move"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        meeting.agenda_remove,
        name="agenda_remove",
    ),
    path("meetings/<int:pk>/notes/", meeting.notes_save, name="notes"),
    path(
        "meetings/<int:pk>/attendance/<int:member_pk>/",
        meeting.attendance_mark,
        name="attendance",
    ),
    path("meetings/<int:pk>/feedback/", meeting.feedback_give, name="feedback"),
    path("meetings/<int:pk>/move/", schedule.meeting_move, name="move"),
    path("meetings/<int:pk>/meeting.ics", calendar.meeting_ics, name="ics"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="feed"),
    path("calendar/reset/", calendar.calendar_feed_reset_view, name="feed_reset"),
    path("rsvp/<str:token>/", rsvp.rsvp, name="rsvp"),
    path("meetings/<int:pk>/reply/", meeting.rsvp_signed_in, name="reply"),
    path("meetings/<int:pk>/cancel/", schedule.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/restore/", schedule.meeting_restore, name="restore"),
]
