"""The insights app: circle and program health over time (figures computed by selectors from
the other apps' records), anonymous pulse checks, at-risk flags, exports, and people's own data."""

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "roundtable.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # Notifications send the weekly email of at-risk flags but may not import this app: it
        # is handed its renderer here (models are loaded by now).
        from roundtable.insights.services.digest import health_digest_register

        health_digest_register()
