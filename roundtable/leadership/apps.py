"""The leadership app: the peer lead's toolkit (the 4C connection model, private notes that stay
private, working agreements, support plans and recognition)."""

from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "roundtable.leadership"
    label = "leadership"
    verbose_name = "Peer leadership"

    def ready(self) -> None:
        # Circles sit below leadership: they announce a change of lead through their hooks, and
        # the toolkit welcomes the new lead.
        from roundtable.circles.lead_hooks import lead_changed_register
        from roundtable.leadership.services.onboarding import lead_welcome

        lead_changed_register(lead_welcome)
