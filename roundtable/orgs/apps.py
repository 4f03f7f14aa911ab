from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "roundtable.orgs"
    label = "orgs"
