"""Background work of circle formation: run the engine for a run (large programs take minutes;
the run's progress is saved as it goes). Takes an id; calls `execution` only."""

from __future__ import annotations

from django_tasks import task

from roundtable.circles.forming.execution import formation_execute
from roundtable.circles.models import FormationRun


@task()
def formation_run_task(run_id: int) -> str:
    run = FormationRun.objects.filter(pk=run_id).first()
    if run is None:
        return "gone"
    return str(formation_execute(run=run).status)
