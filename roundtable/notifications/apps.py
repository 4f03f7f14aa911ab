"""The notifications app: reminder, change and wrap-up emails as rows, and email choices."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "roundtable.notifications"
    label = "notifications"
