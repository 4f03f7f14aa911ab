from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "roundtable.demo"
    label = "demo"
