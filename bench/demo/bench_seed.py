"""Time `demo_seed()` on an in-memory SQLite database with the test settings (what the test
suite pays for each seed), several runs each rolled back, and count its queries. Wall time and
CPU time are both printed: on a machine shared with other work the CPU time is the steadier.

Run: `.venv/bin/python bench/demo/bench_seed.py [--runs 5] [--profile]`
(`BENCH_FILTER=roundtable` narrows the profile to our own functions)."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from roundtable.demo.organisation import demo_seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    times, cpu = [], []
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    for run in range(args.runs):
        with transaction.atomic():
            profiler = cProfile.Profile() if args.profile and run == 0 else None
            queries = 0
            with connection.execute_wrapper(count):
                started, started_cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                result = demo_seed()
                if profiler:
                    profiler.disable()
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            if not result.created:
                raise SystemExit("The demo was already there: use an empty database.")
            transaction.set_rollback(True)
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(os.environ.get("BENCH_FILTER", ""), 40)
    print(
        f"demo_seed: {len(times)} runs, median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s; CPU median "
        f"{statistics.median(cpu):.2f} s; {queries:,} queries"
    )


if __name__ == "__main__":
    main()
