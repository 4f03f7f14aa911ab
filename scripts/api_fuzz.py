#!/usr/bin/env python3
"""Fuzz the JSON API with schemathesis over its whole OpenAPI schema (CI step in .ci/run).

Seeds the demo into a throwaway SQLite database, and for each persona (an organisation admin and
a plain member) serves its own copy of that database with gunicorn and production settings (DEBUG
off) on a free local port and runs schemathesis with every check and that persona's API token.
The two runs go at once (two cores), each against the freshly seeded demo, so neither sees what
the other wrote and each is as deterministic as it would be alone; their reports are printed one
after the other. Any failure (a 5xx, a response the schema does not describe, valid input refused
or invalid input accepted) fails the step.

    .venv/bin/python scripts/api_fuzz.py [--max-examples N] [--seed S] [extra schemathesis args]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python") if (BIN / "python").exists() else sys.executable

PERSONAS = {"admin": "admin@northwind.example", "member": "member@northwind.example"}

# Every check. None is excluded: a check that cannot apply to an operation skips it by itself.
SCHEMATHESIS_CHECKS = "all"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# One Django process for the whole setup (each manage.py start costs about 2 s of CPU): the
# migrations, the demo, the static files' manifest and an API token for each persona, as JSON.
# As in production, the site's own 404 and 500 pages (schemathesis also probes paths outside the
# API) name static files through the manifest that collectstatic writes; the manifest is the same
# without whitenoise's gzip and brotli copies of every file (most of a minute of CPU for the
# vendored CSS), which nothing here requests, so they are not made.
SETUP = """
import json
from django.core.management import call_command
from django.test.utils import override_settings
from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
call_command("migrate", "--noinput", verbosity=0)
call_command("seed_demo", verbosity=0)
manifest_only = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": manifest_only}):
    call_command("collectstatic", "--noinput", verbosity=0)
emails = json.loads(%r)
tokens = {
    persona: api_token_create(user=User.objects.get(email=email), name="fuzz")[1]
    for persona, email in emails.items()
}
print("TOKENS " + json.dumps(tokens))
"""


def _setup(env: dict[str, str], personas: list[str]) -> dict[str, str]:
    """The seeded database at env's DATABASE_URL; each persona's API token."""
    code = "from django.conf import settings\n" + SETUP % json.dumps(
        {persona: PERSONAS[persona] for persona in personas}
    )
    out = subprocess.run(  # noqa: S603 (our own commands)
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("TOKENS "))
    return dict(json.loads(line.removeprefix("TOKENS ")))


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in WAL mode (SQLite's backup API)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _wait_up(url: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The server stopped before answering.")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local URL)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer {url} within {timeout:.0f} s.")


def _server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own commands)
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def _schemathesis(
    base: str, token: str, args: argparse.Namespace, extra: list[str], workdir: Path, log: Path
) -> subprocess.Popen[bytes]:
    workdir.mkdir()
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 (our own commands)
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(ROOT / "scripts" / "api_fuzz.toml"),
                "run",
                f"{base}/api/openapi.json",
                "--checks",
                SCHEMATHESIS_CHECKS,
                "--max-examples",
                str(args.max_examples),
                "--seed",
                str(args.seed),
                "--generation-deterministic",
                # One thread: hypothesis describing a strategy from two threads at once tripped
                # CPython 3.11.7's ast ("AST constructor recursion depth mismatch"), a crash of
                # the fuzzer, not of the app. The two personas' runs already use both cores.
                "--workers",
                "1",
                "--request-timeout",
                "20",
                "--no-color",
                "-H",
                f"Authorization: Bearer {token}",
                *extra,
            ],
            cwd=workdir,  # schemathesis writes its own files in the working directory
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--as", dest="personas", default="admin,member")
    args, extra = parser.parse_known_args()
    personas = args.personas.split(",")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="roundtable-fuzz-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_HOST": "",
            "LOG_LEVEL": "ERROR",
            # The API serves no static files; whitenoise's "no staticfiles/ directory" is noise.
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
        seeded = Path(tmp) / "seeded.sqlite3"
        tokens = _setup({**env, "DATABASE_URL": f"sqlite:///{seeded}"}, personas)
        servers: list[subprocess.Popen[bytes]] = []
        runs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        failed = False
        try:
            bases = {}
            for persona in personas:
                database = Path(tmp) / f"{persona}.sqlite3"
                _copy_database(seeded, database)
                port = _free_port()
                bases[persona] = f"http://127.0.0.1:{port}"
                servers.append(_server({**env, "DATABASE_URL": f"sqlite:///{database}"}, port))
            for persona, server in zip(personas, servers, strict=True):
                _wait_up(f"{bases[persona]}/api/openapi.json", server)
            print(f"setup: {time.monotonic() - started:.0f} s", flush=True)
            for persona in personas:
                log = Path(tmp) / f"{persona}.log"
                workdir = Path(tmp) / persona
                runs[persona] = (
                    _schemathesis(bases[persona], tokens[persona], args, extra, workdir, log),
                    log,
                )
            for persona, (run, log) in runs.items():
                returncode = run.wait()
                print(f"== schemathesis as the {persona} ==", flush=True)
                sys.stdout.buffer.write(log.read_bytes())
                sys.stdout.flush()
                failed = failed or returncode != 0
        finally:
            for run, _log in runs.values():
                if run.poll() is None:
                    run.terminate()
                    run.wait(timeout=30)
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    print(f"API fuzz {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
