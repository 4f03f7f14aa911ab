#!/usr/bin/env python3
"""Fuzz the JSON API with schemathesis over its whole OpenAPI schema (CI step in .ci/run).

Seeds the demo into a throwaway SQLite database, serves the app with gunicorn and production
settings (DEBUG off) on a free local port, and runs schemathesis with every check, once with an
organisation admin's API token and once with a plain member's. Any failure (a 5xx, a response
the schema does not describe, valid input refused or invalid input accepted) fails the step.

    .venv/bin/python scripts/api_fuzz.py [--max-examples N] [--seed S] [extra schemathesis args]
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import socket
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


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(  # noqa: S603 (our own commands)
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


def _token(env: dict[str, str], email: str) -> str:
    code = (
        "from roundtable.accounts.models import User;"
        "from roundtable.accounts.services import api_token_create;"
        f"print(api_token_create(user=User.objects.get(email={email!r}), name='fuzz')[1])"
    )
    return _manage(env, "shell", "-c", code).strip().splitlines()[-1]


def _wait_up(url: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--as", dest="personas", default="admin,member")
    args, extra = parser.parse_known_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="roundtable-fuzz-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/fuzz.sqlite3",
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
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo", "-v0")
        # As in production: the site's own 404 and 500 pages (schemathesis also probes paths
        # outside the API) name static files through the manifest that collectstatic writes.
        _manage(env, "collectstatic", "--noinput", "-v0")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own commands)
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
        failed = False
        try:
            _wait_up(f"{base}/api/openapi.json", server)
            print(f"setup: {time.monotonic() - started:.0f} s", flush=True)
            for persona in args.personas.split(","):
                token = _token(env, PERSONAS[persona])
                print(f"== schemathesis as the {persona} ==", flush=True)
                run = subprocess.run(  # noqa: S603 (our own commands)
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
                        "--workers",
                        "2",
                        "--request-timeout",
                        "20",
                        "--no-color",
                        "-H",
                        f"Authorization: Bearer {token}",
                        *extra,
                    ],
                    cwd=tmp,  # schemathesis writes its own files in the working directory
                    check=False,
                )
                failed = failed or run.returncode != 0
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"API fuzz {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
