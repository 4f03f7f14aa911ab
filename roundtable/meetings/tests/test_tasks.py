"""The periodic meeting task (tasks.py) and the command that queues it."""

from __future__ import annotations

import datetime as dt

from roundtable.meetings import services
from roundtable.meetings.tasks import meetings_roll_forward_task


def test_roll_forward_task_refills_the_horizon(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    personas.circle.meetings.all().delete()
    result = meetings_roll_forward_task.enqueue()
    assert result.return_value == 12
    assert personas.circle.meetings.count() == 12
