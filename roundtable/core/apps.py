from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roundtable.core"
    label = "core"

    def ready(self) -> None:
        from roundtable.core import checks  # noqa: F401  (registers the system checks)
