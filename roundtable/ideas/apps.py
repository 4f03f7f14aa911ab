"""The ideas app: open critique. Challenges, ideas with versions, reasoned critiques, temperature
checks, decisions and trials."""

from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "roundtable.ideas"
    label = "ideas"
    verbose_name = "Open critique"
