"""Benchmark: two `db_worker` processes send 2,000 due reminders to a local SMTP sink while one
of them is killed with SIGKILL twice, each time in the middle of a send, and restarted.

Target (issue 11, item 4): 0 never sent; 0 sent twice apart from the messages in flight at a
kill (and those carry the same Message-ID, so mail clients fold them); all sent within 60 s of
the last restart. Run from the repository root:

    .venv/bin/python bench/notifications/bench_kill.py [--rows 2000] [--timeout 240]

Uses DATABASE_URL (default: a `roundtable_killbench` database on the local PostgreSQL, created
and emptied by the script; a sqlite:/// URL works too). The sink (aiosmtpd) listens on the
loopback only, on a free port, and stops with the script; everything stops after --timeout
seconds whatever happens. The workers are real `manage.py db_worker` processes running the
periodic tick, restarted as `make run` or a service manager would (start_periodic_tasks, then
db_worker).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/roundtable_killbench"
PEOPLE = 200


class Sink:
    """What the SMTP server received: when, each message's Message-ID, and what identifies the
    reminder whatever its Message-ID (recipient and subject: one meeting per subject)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[float, str, tuple[str, str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.original_content or envelope.content
        message = email.message_from_bytes(content)
        reminder = (",".join(envelope.rcpt_tos), str(message["Subject"]))
        with self.lock:
            self.received.append((time.monotonic(), str(message["Message-ID"]), reminder))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _setup(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "true")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # after the environment is chosen: the settings read it at import

    django.setup()


def _fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg  # only when benchmarking on PostgreSQL

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(rows: int) -> None:
    """Migrate, then `rows` reminders due now: 200 people in one circle, meetings in the coming
    days (so the tick's planning finds every reminder planned already and adds none)."""
    # Django is set up by main() before this runs; the models need it.
    from django.core.management import call_command

    from bench.notifications.due_reminders import due_reminders_create

    call_command("migrate", verbosity=0)
    due_reminders_create(rows=rows, people=PEOPLE, meeting_every=dt.timedelta(hours=12))


class Workers:
    """db_worker processes, started and killed by name, their output in a temporary folder."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.procs = env, logs, {}  # type: ignore[var-annotated]

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, timeout=60
        )

    def start(self, name: str) -> None:
        # As at every start of a worker (run.sh does the same): queue the periodic tasks unless
        # a run is waiting; a RUNNING one left by the killed worker must not fool it.
        self.manage("start_periodic_tasks", "-v0")
        out = (self.logs / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)


def _in_flight(pid: int) -> int:
    """Rows this worker process has claimed and not marked: the messages it is sending."""
    from roundtable.notifications.models import Notification  # Django is set up by main()

    return Notification.objects.filter(
        claimed_by__contains=f":{pid}:", sent_at__isnull=True
    ).count()


def _wait_for_a_send_in_flight(pid: int, *, until: float) -> bool:
    while time.monotonic() < until:
        if _in_flight(pid):
            return True
        time.sleep(0.005)
    return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=240.0, help="stop everything after")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    _fresh_database(url)
    _setup(url)
    _prepare(args.rows)
    from aiosmtpd.controller import Controller  # a development dependency, for benchmarks only
    from django.db import connections

    from roundtable.notifications.models import Notification  # Django was set up above

    connections.close_all()
    sink = Sink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    logs = Path(tempfile.mkdtemp(prefix="killbench-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "SITE_URL": "http://127.0.0.1:8000",
        "LOG_LEVEL": "WARNING",
    }
    workers = Workers(env, logs)
    deadline = time.monotonic() + args.timeout
    kills: list[tuple[int, int]] = []  # (emails received before the kill, rows in flight)
    try:
        started = time.monotonic()
        workers.start("a")
        workers.start("b")
        last_restart = started
        for fraction in (0.25, 0.6):
            while len(sink.received) < args.rows * fraction and time.monotonic() < deadline:
                time.sleep(0.01)
            pid = workers.procs["a"].pid
            if not _wait_for_a_send_in_flight(pid, until=deadline):
                break
            kills.append((len(sink.received), _in_flight(pid)))
            workers.kill("a")
            time.sleep(1.0)
            workers.start("a")
            last_restart = time.monotonic()
        while time.monotonic() < deadline:
            if not Notification.objects.filter(kind="reminder", sent_at__isnull=True).exists():
                break
            time.sleep(0.2)
        time.sleep(1.0)  # anything still on the wire
    finally:
        workers.stop_all()
        controller.stop()
    copies = collections.Counter(reminder for _, _, reminder in sink.received)
    ids_per_reminder: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for _, message_id, reminder in sink.received:
        ids_per_reminder[reminder].add(message_id)
    twice = [reminder for reminder, n in copies.items() if n > 1]
    same_id = sum(1 for reminder in twice if len(ids_per_reminder[reminder]) == 1)
    marked = Notification.objects.filter(kind="reminder", sent_at__isnull=False).count()
    last_send = max(t for t, _, _ in sink.received) if sink.received else float("nan")
    print(f"database: {connections['default'].vendor}, rows: {args.rows}, workers: 2")
    for i, (before, n) in enumerate(kills, 1):
        print(f"kill {i}: SIGKILL after {before} emails received, {n} message(s) in flight")
    print(
        f"sent: {len(copies)} reminders ({len(sink.received)} emails received, {marked} rows"
        f" marked sent), never sent: {args.rows - len(copies)}, sent twice: {len(twice)}"
        f" ({same_id} with the same Message-ID; {sum(n for _, n in kills)} were in flight at"
        " a kill)"
    )
    print(
        f"from the last restart to the last send: {last_send - last_restart:.1f} s"
        f" (target < 60 s); whole run {last_send - started:.1f} s"
    )
    print(f"worker logs: {logs}")


if __name__ == "__main__":
    main()
