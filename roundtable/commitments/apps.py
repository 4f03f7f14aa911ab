"""The commitments app: accountability without authority. Commitments whose date their owner
chooses, requests and push-back, renegotiation on record, nudges, busy periods, and escalation to
the program's sponsor with compiled documentation."""

from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "roundtable.commitments"
    label = "commitments"
    verbose_name = "Commitments"
