from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "roundtable.notifications"
    label = "notifications"
