"""Django app config for the JSON API (it has no models; it only mounts django-ninja)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "roundtable.api"
    label = "api"
