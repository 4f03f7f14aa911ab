from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "roundtable.programs"
    label = "programs"
