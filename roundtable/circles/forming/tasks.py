"""Background work for circles: forming circles for a program (may take minutes for large
programs; the run's progress is saved as it goes)."""

from __future__ import annotations

from django_tasks import task

from roundtable.circles.formation import formation_execute
from roundtable.circles.models import FormationRun


@task()
def formation_run_task(run_id: int) -> str:
    run = FormationRun.objects.filter(pk=run_id).first()
    if run is None:
        return "gone"
    return str(formation_execute(run).status)
