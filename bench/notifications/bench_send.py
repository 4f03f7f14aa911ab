"""Benchmark: two workers send 10,000 due reminders at once on PostgreSQL, with no duplicates.

Target (issue 3): under 60 s, no email sent twice. Run:
    .venv/bin/python bench/notifications/bench_send.py [--rows 10000] [--workers 2]
Uses DATABASE_URL (default: a `roundtable_bench` database on the local PostgreSQL, created and
emptied by the script). Every worker records what it sends in a file; the script then counts
the emails and looks for any sent twice.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/roundtable_bench"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # after the environment is chosen: the settings read it at import

    django.setup()


def _worker(name: str, log_dir: str) -> None:
    _setup()
    from django.conf import settings  # only once this process has set Django up

    settings.EMAIL_BACKEND = "bench.notifications.file_log_backend.LogBackend"
    os.environ["BENCH_MAIL_LOG"] = str(Path(log_dir) / f"{name}.log")
    # Each spawned worker sets Django up itself, so the app modules are imported after that.
    from django.utils import timezone

    from roundtable.notifications.services import notifications_send_due

    while notifications_send_due(worker=name, now=timezone.now(), limit=200):
        pass


def _prepare(rows: int) -> None:
    # Imported once Django is set up (main() calls _setup first); psycopg only when benchmarking.
    import psycopg
    from django.core.management import call_command

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)

    # The models need the migrated database above and a set-up Django.
    from bench.notifications.due_reminders import due_reminders_create

    due_reminders_create(rows=rows, people=200, meeting_every=dt.timedelta(days=7))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    _setup()
    _prepare(args.rows)
    from django.db import connections  # Django was set up just above

    connections.close_all()
    log_dir = tempfile.mkdtemp()
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    procs = [context.Process(target=_worker, args=(f"w{i}", log_dir)) for i in range(args.workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - started
    sent: collections.Counter[str] = collections.Counter()
    per_worker = {}
    for log in Path(log_dir).glob("*.log"):
        lines = log.read_text().splitlines()
        per_worker[log.stem] = len(lines)
        sent.update(lines)
    doubled = sum(1 for count in sent.values() if count > 1)
    from roundtable.notifications.models import Notification  # Django was set up in main()

    unsent = Notification.objects.filter(sent_at__isnull=True).count()
    print(f"rows: {args.rows}, workers: {args.workers}, database: PostgreSQL")
    print(
        f"emails sent: {sum(sent.values())} ({per_worker}), sent twice: {doubled}, unsent: {unsent}"
    )
    print(f"wall time: {seconds:.1f} s ({args.rows / seconds:.0f} emails/s; target < 60 s)")


if __name__ == "__main__":
    main()
