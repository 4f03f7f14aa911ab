"""A run's progress as its page polls it (every second): saved at most once a second, and at
least once a second while the engine works, even through a long first descent during which the
engine itself does not report (a heartbeat thread saves the time-based estimate then)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)
EVERY = 1.0  # seconds between two saves of a run's progress


class ProgressReporter:
    """Throttles progress saves to one per `every` seconds. The engine reports a fraction done
    (`report`); between reports the elapsed share of the time limit stands in (never past 99 %
    until the engine says it is done)."""

    def __init__(
        self,
        *,
        save: Callable[[float], object],
        time_limit: float,
        clock: Callable[[], float] = time.monotonic,
        every: float = EVERY,
    ) -> None:
        self._save, self._clock, self.every = save, clock, every
        self._time_limit = max(time_limit, 0.001)
        self._lock = threading.Lock()
        self.started = clock()
        self.last_saved: float | None = None
        self.reported = 0.0

    def report(self, fraction: float) -> None:
        """The engine's progress callback."""
        self.reported = max(self.reported, min(1.0, float(fraction)))
        self.save_if_due()

    def estimate(self) -> float:
        by_time = min(0.99, (self._clock() - self.started) / self._time_limit)
        return round(max(self.reported, by_time), 3)

    def due_in(self) -> float:
        """Seconds until the next save may happen (0: now)."""
        if self.last_saved is None:
            return 0.0
        return max(0.0, self.last_saved + self.every - self._clock())

    def save_if_due(self) -> bool:
        with self._lock:
            if self.due_in() > 0:
                return False
            self.last_saved = self._clock()
        self._save(self.estimate())
        return True


@contextmanager
def progress_heartbeat(reporter: ProgressReporter) -> Iterator[None]:
    """While the block runs, a thread saves the progress whenever a save is due, so the page
    sees it move at least once a second. Not inside a transaction (tests): the thread's own
    connection could not see the run's uncommitted row, and SQLite would lock."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(reporter.due_in()):
                try:
                    reporter.save_if_due()  # False when the engine's report saved first
                except DatabaseError:  # progress is a courtesy; the search goes on
                    logger.warning("Formation progress not saved", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="formation-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
