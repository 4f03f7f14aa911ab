"""The insights app: circle and program health over time (figures computed by selectors from
the other apps' records), anonymous pulse checks, at-risk flags, exports, and people's own data."""

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "roundtable.insights"
    label = "insights"
    verbose_name = "Insights"
