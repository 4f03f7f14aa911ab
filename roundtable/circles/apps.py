from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "roundtable.circles"
    label = "circles"
