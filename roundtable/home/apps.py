from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "roundtable.home"
    label = "home"
