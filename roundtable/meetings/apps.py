"""The meetings app: schedules, meetings, agenda, notes, attendance, feedback, calendar feeds."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "roundtable.meetings"
    label = "meetings"
