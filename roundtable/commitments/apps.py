"""The commitments app: accountability without authority. Commitments whose date their owner
chooses, requests and push-back, renegotiation on record, nudges, busy periods, and escalation to
the program's sponsor with compiled documentation."""

from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "roundtable.commitments"
    label = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        # Notifications send nudges' emails but may not import this app: it is handed their
        # renderers here (models are loaded by now).
        from roundtable.commitments.services.nudge_emails import nudge_emails_register

        nudge_emails_register()
