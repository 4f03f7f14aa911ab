"""A run's progress (`forming.progress`): saved at most once a second whatever the engine
reports, at least once a second while the engine is silent (the heartbeat), and polled by
the page every second."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.urls import reverse

from roundtable.circles.forming import execution, services
from roundtable.circles.forming.progress import ProgressReporter, progress_heartbeat
from roundtable.circles.forming.tests.conftest import formation_settings
from roundtable.circles.models import FormationRun


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_engines_reports_are_saved_at_most_once_a_second():
    clock, saved = FakeClock(), list[float]()
    reporter = ProgressReporter(save=saved.append, time_limit=10.0, clock=clock)
    # The engine reports every tenth of a second for 3.05 s: four saves, a second apart.
    for step in range(31):
        clock.now = 100.0 + step / 10
        reporter.report(step / 31)
    assert saved == [0.0, round(10 / 31, 3), round(20 / 31, 3), round(30 / 31, 3)]
    clock.now = 103.95
    reporter.report(1.0)
    assert len(saved) == 4  # 0.95 s after the last save: not yet
    clock.now = 104.0
    reporter.report(1.0)
    assert saved[-1] == 1.0


def test_between_reports_the_elapsed_share_of_the_time_limit_stands_in():
    clock, saved = FakeClock(), list[float]()
    reporter = ProgressReporter(save=saved.append, time_limit=4.0, clock=clock)
    clock.now += 1.0
    assert reporter.estimate() == 0.25
    reporter.report(0.6)  # the engine is further along than the clock says
    assert saved == [0.6]
    clock.now += 60  # far past the limit: never 100 % until the engine says so
    assert reporter.estimate() == 0.99
    assert reporter.due_in() == 0.0
    reporter.save_if_due()
    assert saved == [0.6, 0.99]
    assert reporter.due_in() == 1.0


def test_the_heartbeat_saves_while_the_engine_is_silent():
    saves: list[float] = []
    three = threading.Event()

    def save(fraction: float) -> None:
        saves.append(time.monotonic())
        if len(saves) == 3:
            three.set()

    reporter = ProgressReporter(save=save, time_limit=1.0, every=0.05)
    with progress_heartbeat(reporter):
        # The engine says nothing (a long first descent); the heartbeat saves on its own.
        assert three.wait(timeout=10)
    count = len(saves)
    gaps = [b - a for a, b in itertools.pairwise(saves)]
    assert all(gap >= 0.05 for gap in gaps), gaps
    time.sleep(0.06)  # after the block the heartbeat has stopped: no more saves
    assert len(saves) == count


@pytest.mark.django_db
def test_a_run_saves_the_engines_progress_while_it_works(program, monkeypatch):
    seen: list[float] = []
    run = services.formation_start(program=program, by=None, settings=formation_settings())
    real = execution.form_circles

    def engine(pool, request, progress=None):
        progress(0.4)
        seen.append(FormationRun.objects.get(pk=run.pk).progress)
        return real(pool, request)

    monkeypatch.setattr(execution, "form_circles", engine)
    finished = execution.formation_execute(run=run)
    assert seen == [0.4]
    assert finished.status == FormationRun.Status.READY
    assert finished.progress == 1.0


@pytest.mark.django_db
def test_the_progress_partial_polls_every_second(client, personas, program):
    run = services.formation_start(program=program, by=None, settings=formation_settings())
    client.force_login(personas.coordinator)
    partial = client.get(reverse("circles:formation_progress", args=[program.pk, run.pk]))
    assert 'hx-trigger="every 1s"' in partial.content.decode()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_heartbeat_saves_while_the_engine_is_silent(program, monkeypatch):
    # As the task worker runs it (no open transaction): the engine says nothing for a while;
    # the heartbeat's own connection writes the time-based progress to the run's row.
    saved: list[tuple[float, int]] = []
    moved_on = threading.Event()

    class Watched(ProgressReporter):
        def __init__(self, *, save, **kwargs):
            def watched(fraction: float) -> int:
                rows = save(fraction)
                saved.append((fraction, rows))
                if fraction > 0:
                    moved_on.set()
                return rows

            super().__init__(save=watched, **kwargs)

    real = execution.form_circles

    def silent_engine(pool, request, progress=None):
        assert moved_on.wait(timeout=10)  # the heartbeat saved while the engine was silent
        return real(pool, request)

    monkeypatch.setattr(execution, "ProgressReporter", Watched)
    monkeypatch.setattr(execution, "form_circles", silent_engine)
    run = services.formation_start(program=program, by=None, settings=formation_settings())
    run.refresh_from_db()
    assert run.status == FormationRun.Status.READY
    assert saved[-1][0] > 0
    assert all(rows == 1 for _, rows in saved), saved  # each save reached the running row
