"""Insights at scale (issue 16, item 7): the program dashboard, a circle's health page and a
coordinator's home page on the scale organisation (`manage.py seed_scale`: 10,000 members, 2,000
circles, 200,000 meetings, a million attendance rows), each requested 50 times with a warm cache
after a warm-up request, with production settings (DEBUG off) through Django's test client signed
in as the coordinator of every program. Prints each page's median and p95 in milliseconds and
its number of queries (warm, and cold: the cache emptied first).

    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/insights/bench_insights.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_scale .venv/bin/python bench/insights/...

`--sizes` instead counts each page's queries on two freshly seeded organisations of different
sizes (40 and 400 circles by default, in a temporary SQLite file, or in a PostgreSQL database
named by `--sizes-db`, dropped and created): the counts must be the same."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-insights-not-a-secret-" + "x" * 40)
os.environ.setdefault("ENCRYPTION_KEYS", "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _setup() -> None:
    import django
    from django.conf import settings
    from django.test.utils import override_settings

    django.setup()
    # Production settings, but static files served by name: the manifest storage would need
    # `collectstatic`, which changes nothing this benchmark measures. The figures cache is the
    # production one (files, or Redis with REDIS_URL), in a directory of its own.
    caches = settings.CACHES
    if "filebased" in caches["default"]["BACKEND"]:
        caches = {"default": {**caches["default"], "LOCATION": tempfile.mkdtemp(prefix="rt-")}}
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        CACHES=caches,
    ).enable()


def pages() -> dict[str, str]:
    """The three pages, for the first program and its first circle (the lead's: healthy, the
    longest history), as the coordinator of every program sees them."""
    from roundtable.circles.models import Circle
    from roundtable.demo.scale import SCALE_ORG_SLUG
    from roundtable.programs.models import Program

    program = Program.objects.filter(organization__slug=SCALE_ORG_SLUG).order_by("pk").first()
    if program is None:
        raise SystemExit("No scale organisation here: run `manage.py seed_scale` first.")
    circle = Circle.objects.filter(program=program).order_by("pk").first()
    if circle is None:
        raise SystemExit("The scale organisation has no circle.")
    return {
        "dashboard": f"/programs/{program.pk}/dashboard/",
        "health": f"/circles/{circle.pk}/health/",
        "home": "/",
    }


def client() -> Any:
    from django.test import Client

    from roundtable.accounts.models import User

    coordinator = User.objects.get(email="coordinator@scale.example")
    browser = Client()
    browser.force_login(coordinator)
    return browser


def queries(browser: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(captured.captured_queries)


def cold_queries(browser: Any, url: str) -> int:
    """Queries once every program's figures changed (what the first visitor after a change, or
    of the day, pays)."""
    from roundtable.core.freshness import figures_changed
    from roundtable.programs.models import Program

    figures_changed(*Program.objects.values_list("pk", flat=True))
    return queries(browser, url)


def measure(requests: int) -> None:
    from django.db import connection, reset_queries

    browser = client()
    vendor = connection.vendor
    print(f"Database: {vendor} ({connection.settings_dict['NAME']}), {requests} requests a page")
    print(
        f"{'page':<10} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'queries':>8} "
        f"{'cold':>6} {'cold ms':>8}"
    )
    for name, url in pages().items():
        browser.get(url)  # the process's first request of the page (templates, URLs, ...)
        started = time.perf_counter()
        cold = cold_queries(browser, url)  # figures computed afresh
        cold_ms = (time.perf_counter() - started) * 1000
        warm = queries(browser, url)  # the warm-up request
        times, cpu = [], []
        for _ in range(requests):
            reset_queries()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = browser.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"{name:<10} {statistics.median(times):>10.1f} {p95:>8.1f} "
            f"{statistics.median(cpu):>7.1f} {warm:>8} {cold:>6} {cold_ms:>8.0f}"
        )


def count_only() -> None:
    """One line of counts (warm, cold) per page for the --sizes parent to compare."""
    from roundtable.circles.models import Circle

    browser = client()
    circles = Circle.objects.filter(program__organization__slug="scale").count()
    found = []
    for name, url in pages().items():
        cold = cold_queries(browser, url)
        queries(browser, url)
        found.append(f"{name}={queries(browser, url)}/{cold}")
    print(f"COUNTS circles={circles} " + " ".join(found))


def sizes(small: int, large: int, database: str | None) -> None:
    """Seed two sizes one after the other (--replace) and count each page's queries."""
    with tempfile.TemporaryDirectory() as tmp:
        if database:
            url = f"postgres://postgres@127.0.0.1:5432/{database}"
            for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
                subprocess.run(  # noqa: S603
                    ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],  # noqa: S607
                    check=True,
                )
        else:
            url = f"sqlite:///{tmp}/sizes.sqlite3"
        env = {**os.environ, "DATABASE_URL": url}
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        results = []
        for circles in (small, large):
            members = max(200, circles * 5)
            subprocess.run(  # noqa: S603
                [python, "manage.py", "seed_scale", "--replace", "-v0",
                 "--circles", str(circles), "--members", str(members)],
                cwd=ROOT, env=env, check=True,
            )  # fmt: skip
            done = subprocess.run(  # noqa: S603
                [python, __file__, "--count-only"],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            line = next(x for x in done.stdout.splitlines() if x.startswith("COUNTS"))
            print(line)
            results.append(line.split(" ", 2)[2])
        print("same counts at both sizes" if results[0] == results[1] else "COUNTS DIFFER")
        if results[0] != results[1]:
            raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sizes", nargs=2, type=int, metavar=("SMALL", "LARGE"))
    parser.add_argument("--sizes-db", help="PostgreSQL database for --sizes (dropped, created)")
    parser.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sizes:
        sizes(args.sizes[0], args.sizes[1], args.sizes_db)
        return
    _setup()
    if args.count_only:
        count_only()
    else:
        measure(args.requests)


if __name__ == "__main__":
    main()
