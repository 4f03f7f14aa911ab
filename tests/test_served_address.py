"""Links follow the address the app is served on: `make run PORT=8101` hands every process a
SITE_URL on port 8101, and every link the app writes (calendar feed, .ics events, emails) is
built on SITE_URL."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_sh(tmp_path: Path, **env: str) -> list[str]:
    """Run scripts/run.sh with a stand-in Python that records each call and its SITE_URL."""
    log = tmp_path / "calls.log"
    fake = tmp_path / "python"
    # The stand-in worker waits until the web server (started after it) has recorded its call.
    fake.write_text(
        f'#!/bin/sh\necho "$SITE_URL $*" >> {log}\n'
        'case "$*" in *db_worker*) for _ in $(seq 100); do\n'
        f"  grep -q runserver {log} && exit 0; sleep 0.05; done ;; esac\n"
    )
    fake.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL"}}
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        ["/bin/bash", str(ROOT / "scripts" / "run.sh")],
        env={**clean, "PY": str(fake), **env},
        check=True,
        capture_output=True,
        timeout=30,
    )
    return log.read_text().splitlines()


def test_make_run_on_another_port_links_to_that_port(tmp_path):
    calls = _run_sh(tmp_path, PORT="8101")
    assert any("runserver 127.0.0.1:8101" in call for call in calls)
    # migrate, seed, logins, periodic tasks, the worker and the web server: all see port 8101
    assert len(calls) == 6
    assert all(call.startswith("http://127.0.0.1:8101 ") for call in calls)


def test_listening_on_every_interface_links_to_localhost(tmp_path):
    calls = _run_sh(tmp_path, HOST="0.0.0.0", PORT="9000")  # noqa: S104 - what is tested
    assert any("runserver 0.0.0.0:9000" in call for call in calls)
    assert all(call.startswith("http://localhost:9000 ") for call in calls)


@pytest.mark.parametrize("port", ["8000", "8101"])
def test_a_site_url_set_by_hand_wins(tmp_path, port):
    calls = _run_sh(tmp_path, PORT=port, SITE_URL="https://roundtable.example.org")
    assert all(call.startswith("https://roundtable.example.org ") for call in calls)
