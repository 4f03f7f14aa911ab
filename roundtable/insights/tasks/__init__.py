"""Insights' background work: opening pulse periods and telling members (`pulses`), and the
weekly email of at-risk flags to coordinators and sponsors (`digest`). `start_periodic_tasks`
queues what PERIODIC_TASKS lists at every start of the worker."""

from __future__ import annotations

from roundtable.insights.tasks.digest import PERIODIC_TASKS as DIGEST_TASKS
from roundtable.insights.tasks.pulses import PERIODIC_TASKS as PULSE_TASKS

PERIODIC_TASKS = (*PULSE_TASKS, *DIGEST_TASKS)
