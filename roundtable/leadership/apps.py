"""The leadership app: the peer lead's toolkit (the 4C connection model, private notes that stay
private, working agreements, support plans and recognition)."""

from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "roundtable.leadership"
    label = "leadership"
    verbose_name = "Peer leadership"
