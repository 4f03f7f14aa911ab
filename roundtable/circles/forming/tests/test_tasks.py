"""The formation task (`forming.tasks`) and the execution it calls: a run is claimed once."""

from __future__ import annotations

import pytest

from roundtable.circles.forming import services
from roundtable.circles.forming.execution import formation_execute
from roundtable.circles.forming.tasks import formation_run_task
from roundtable.circles.forming.tests.conftest import formation_settings
from roundtable.circles.models import FormationRun

pytestmark = pytest.mark.django_db


def test_a_queued_run_is_formed_once(program):
    run = services.formation_start(program=program, by=None, settings=formation_settings())
    assert run.status == FormationRun.Status.QUEUED  # nothing ran before the commit
    assert formation_run_task.call(run.pk) == "ready"
    run.refresh_from_db()
    proposal = run.proposal
    services.formation_discard(run=run)
    assert formation_execute(run=run).status == FormationRun.Status.DISCARDED
    run.refresh_from_db()
    assert run.proposal == proposal


def test_a_deleted_run_is_gone():
    assert formation_run_task.call(999_999) == "gone"
