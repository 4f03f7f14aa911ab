"""Load benchmark: gunicorn (4 workers) on a loopback port, 20 signed-in users browsing the demo
for a bounded time, on SQLite and on PostgreSQL; then 20 clients writing agenda items at once.

Prints, per database: requests, throughput, errors and each page's median and p95; for the
writes: errors that reached a user (any answer but 200, or no answer) and writes lost (items
answered with success but not in the database, or never written). Run from the repository root:

    .venv/bin/python bench/load/bench_load.py [--seconds 30] [--db sqlite postgres]
        [--users 20] [--writers 20] [--writes 20] [--write-db sqlite]

SQLite lives in a temporary directory; PostgreSQL in its own `roundtable_load` database on
127.0.0.1:5432 (user postgres), dropped and created by the script. Both get the demo
(`seed_demo`) and production settings (DEBUG off, collected static files), served over plain
HTTP on loopback.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "roundtable_load"
PASSWORD = "roundtable-demo"  # noqa: S105 - the demo sign-ins' published password
BROWSERS = ("admin", "coordinator", "sponsor", "lead", "member")
WRITERS = ("lead", "member")  # both in the Anvil circle, so both may add to its agenda
WRITE_PREFIX = "Load test item"


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _helper(env: dict[str, str], mode: str) -> dict[str, Any]:
    """Run this script in a child that sets Django up against `env`'s database."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [PYTHON, __file__, mode], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- In the child process (Django set up) -------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django  # after the environment is chosen: the settings read it at import

    django.setup()


def _plan() -> dict[str, object]:
    """Each demo sign-in's pages, as a person in that role would open them, and the meeting
    the writers add agenda items to."""
    _django()
    # Imported once Django is set up (this runs in a child process).
    from django.urls import reverse

    from roundtable.accounts.models import User
    from roundtable.circles.selectors import my_circles, program_circles
    from roundtable.demo.organisation import DEMO_DOMAIN, DEMO_ORG_SLUG
    from roundtable.meetings.selectors import upcoming_meetings_for_user
    from roundtable.programs.selectors import programs_for_user

    pages: dict[str, list[str]] = {}
    for key in BROWSERS:
        user = User.objects.get(email=f"{key}@{DEMO_DOMAIN}")
        urls = [
            reverse("home:home"),
            reverse("programs:list"),
            reverse("orgs:directory", args=[DEMO_ORG_SLUG]),
            reverse("orgs:profile"),
        ]
        programs = list(programs_for_user(user=user))
        urls += [reverse("programs:detail", args=[p.pk]) for p in programs]
        circles = list(my_circles(user=user)) or [
            c for p in programs for c in program_circles(program=p, user=user)[:2]
        ]
        urls += [reverse("circles:detail", args=[c.pk]) for c in circles]
        urls += [
            reverse("meetings:detail", args=[m.pk])
            for m in upcoming_meetings_for_user(user=user)[:2]
        ]
        pages[key] = urls
    lead = User.objects.get(email=f"lead@{DEMO_DOMAIN}")
    meeting = next(m for m in upcoming_meetings_for_user(user=lead) if not m.is_cancelled)
    return {
        "pages": pages,
        "login": reverse("accounts:login"),
        "agenda_add": reverse("meetings:agenda_add", args=[meeting.pk]),
        "meeting": meeting.pk,
        "domain": DEMO_DOMAIN,
    }


def _count() -> dict[str, object]:
    _django()
    from roundtable.meetings.models import AgendaItem  # once Django is set up

    titles = AgendaItem.objects.filter(title__startswith=WRITE_PREFIX).values_list(
        "title", flat=True
    )
    return {"titles": list(titles)}


# --- The clients ----------------------------------------------------------------------------


class Client:
    """One signed-in browser: its own cookies, one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str]:
        head = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **headers}
        data = None
        if body is not None:
            data = urlencode(body)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=head)
                response = self.conn.getresponse()
                text = response.read().decode()
                break
            except (http.client.HTTPException, ConnectionError):
                # A keep-alive connection the server closed: reconnect once, then give up.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def csrf(self, text: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def sign_in(self, login: str, email: str) -> None:
        _, page = self.request("GET", login)
        status, _ = self.request(
            "POST",
            login,
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf(page)},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{email} could not sign in (status {status}).")


def _label(path: str) -> str:
    return re.sub(r"\d+", "<id>", path)


def _browse(port: int, plan: dict, seconds: float, users: int) -> dict[str, object]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    clients = []
    for i in range(users):
        key = BROWSERS[i % len(BROWSERS)]
        client = Client(port)
        client.sign_in(plan["login"], f"{key}@{plan['domain']}")
        clients.append((key, client))
    start = threading.Barrier(users + 1)
    deadline = [0.0]

    def run(key: str, client: Client, offset: int) -> None:
        pages = plan["pages"][key]
        start.wait()
        n = offset
        while time.monotonic() < deadline[0]:
            path = pages[n % len(pages)]
            n += 1
            began = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except Exception as exc:
                with lock:
                    errors.append(f"{path}: {exc!r}")
                continue
            took = time.perf_counter() - began
            with lock:
                timings[_label(path)].append(took)
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")

    threads = [
        threading.Thread(target=run, args=(key, client, i))
        for i, (key, client) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {"timings": timings, "errors": errors, "elapsed": elapsed}


def _write(port: int, plan: dict, writers: int, writes: int) -> dict[str, object]:
    """`writers` clients add `writes` agenda items each to one meeting, all at once."""
    clients = []
    for i in range(writers):
        client = Client(port)
        client.sign_in(plan["login"], f"{WRITERS[i % len(WRITERS)]}@{plan['domain']}")
        _, page = client.request("GET", f"/meetings/{plan['meeting']}/")
        clients.append((client, client.csrf(page)))
    errors: list[str] = []
    answered: list[str] = []
    timings: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def run(i: int, client: Client, token: str) -> None:
        start.wait()
        for k in range(writes):
            title = f"{WRITE_PREFIX} {i}-{k}"
            began = time.perf_counter()
            try:
                status, text = client.request(
                    "POST",
                    plan["agenda_add"],
                    {"title": title, "details": "", "csrfmiddlewaretoken": token},
                    **{"HX-Request": "true", "X-CSRFToken": token},
                )
            except Exception as exc:
                with lock:
                    errors.append(f"{title}: {exc!r}")
                continue
            with lock:
                timings.append(time.perf_counter() - began)
                if status != 200:
                    errors.append(f"{title}: HTTP {status}")
                elif title in text:
                    answered.append(title)
                else:
                    errors.append(f"{title}: answered without the item")

    threads = [
        threading.Thread(target=run, args=(i, client, token))
        for i, (client, token) in enumerate(clients)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "errors": errors,
        "answered": answered,
        "timings": timings,
        "elapsed": time.monotonic() - began,
    }


# --- Orchestration --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our virtualenv
        [GUNICORN, "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start.")


def _prepare(database: str, tmp: Path) -> dict[str, str]:
    if database == "sqlite":
        env = _env(f"sqlite:///{tmp / 'load.sqlite3'}")
    else:
        import psycopg  # only when PostgreSQL is benchmarked

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        env = _env(f"{PG_SERVER}/{PG_DATABASE}")
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "seed_demo")
    return env


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _report_browse(database: str, result: dict, users: int, workers: int) -> None:
    timings, errors = result["timings"], result["errors"]
    total = sum(len(v) for v in timings.values())
    print(
        f"\n{database}: {users} signed-in users, gunicorn {workers} workers, "
        f"{result['elapsed']:.0f} s: {total} requests, {total / result['elapsed']:.1f} req/s, "
        f"{len(errors)} errors"
    )
    for error in errors[:5]:
        print(f"  error: {error}")
    print(f"  {'page':<28} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for label in sorted(timings):
        values = timings[label]
        print(
            f"  {label:<28} {len(values):>8} {1000 * statistics.median(values):>10.0f} "
            f"{_ms(values, 0.95):>8.0f}"
        )


def _report_writes(
    database: str, result: dict, stored: list[str], writers: int, writes: int
) -> None:
    expected = writers * writes
    answered = set(result["answered"])
    lost = len(answered - set(stored)) + (expected - len(answered) - len(result["errors"]))
    print(
        f"\n{database} writes: {writers} clients x {writes} agenda items at once in "
        f"{result['elapsed']:.1f} s: {len(answered)} answered, {len(stored)} stored, "
        f"errors reaching a user: {len(result['errors'])}, writes lost: {lost} "
        f"(median {1000 * statistics.median(result['timings']):.0f} ms, "
        f"p95 {_ms(result['timings'], 0.95):.0f} ms)"
    )
    for error in result["errors"][:5]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--writes", type=int, default=20, help="agenda items per writer")
    parser.add_argument("--write-db", nargs="*", choices=("sqlite", "postgres"), default=["sqlite"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.seconds:.0f} s per database")
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(f"sqlite:///{Path(tmp) / 'static.sqlite3'}")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        for database in dict.fromkeys([*args.db, *args.write_db]):
            env = _prepare(database, Path(tmp))
            plan = _helper(env, "--plan")
            server, port = _serve(env, args.workers)
            try:
                if database in args.db:
                    result = _browse(port, plan, args.seconds, args.users)
                    _report_browse(database, result, args.users, args.workers)
                if database in args.write_db:
                    written = _write(port, plan, args.writers, args.writes)
                    stored = _helper(env, "--count")["titles"]
                    _report_writes(database, written, stored, args.writers, args.writes)
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    if sys.argv[1:] == ["--plan"]:
        print(json.dumps(_plan()))
    elif sys.argv[1:] == ["--count"]:
        print(json.dumps(_count()))
    else:
        main()
