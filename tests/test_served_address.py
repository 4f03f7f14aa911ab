"""Links follow the address the app is served on: `make run PORT=8101` hands every process a
SITE_URL on port 8101, and every link the app writes (calendar feed, .ics events, emails) is
built on SITE_URL."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from roundtable.meetings.services import schedule_set
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_plan, notifications_send_due

ROOT = Path(__file__).resolve().parents[1]


def _run_sh(tmp_path: Path, **env: str) -> list[str]:
    """Run scripts/run.sh with a stand-in Python that records each call and its SITE_URL (and,
    in keys.log, the SECRET_KEY each call sees); the generated key goes to tmp_path/var."""
    log = tmp_path / "calls.log"
    log.unlink(missing_ok=True)  # the stand-in waits until this start's two processes wrote
    fake = tmp_path / "python"
    # The two background processes (worker, web server) each wait until both have recorded
    # their call, so run.sh (which stops when either ends) cannot stop one before it started.
    fake.write_text(
        f'#!/bin/sh\necho "$SITE_URL $*" >> {log}\necho "$SECRET_KEY" >> {tmp_path / "keys.log"}\n'
        f'echo "$ENCRYPTION_KEYS" >> {tmp_path / "encryption_keys.log"}\n'
        'case "$*" in *db_worker*|*runserver*) for _ in $(seq 100); do\n'
        f'  [ "$(grep -c -e db_worker -e runserver {log})" = 2 ] && exit 0; sleep 0.05;'
        " done ;; esac\n"
    )
    fake.chmod(0o755)
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"HOST", "PORT", "SITE_URL", "SECRET_KEY", "ENCRYPTION_KEYS"}
    }
    key_file = str(tmp_path / "var" / "secret_key")
    encryption_key_file = str(tmp_path / "var" / "encryption_key")
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        ["/bin/bash", str(ROOT / "scripts" / "run.sh")],
        env={
            **clean,
            "PY": str(fake),
            "SECRET_KEY_FILE": key_file,
            "ENCRYPTION_KEY_FILE": encryption_key_file,
            **env,
        },
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


# --- every installation has a secret key of its own -----------------------------------------


def _keys_seen(tmp_path: Path) -> set[str]:
    keys = set((tmp_path / "keys.log").read_text().splitlines())
    (tmp_path / "keys.log").unlink()
    return keys


def test_make_run_generates_a_private_secret_key_on_first_start_and_keeps_it(tmp_path):
    _run_sh(tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    first = _keys_seen(tmp_path)
    assert first == {key_file.read_text()}
    assert len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    _run_sh(tmp_path)
    assert _keys_seen(tmp_path) == first  # signed links and sessions survive a restart


def test_two_installations_never_share_a_key(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        _run_sh(tmp_path / name)
    assert _keys_seen(tmp_path / "one") != _keys_seen(tmp_path / "two")


def test_a_secret_key_set_by_hand_wins(tmp_path):
    _run_sh(tmp_path, SECRET_KEY="k" * 60)
    assert _keys_seen(tmp_path) == {"k" * 60}
    assert not (tmp_path / "var" / "secret_key").exists()


def test_make_run_generates_a_private_encryption_key_on_first_start_and_keeps_it(tmp_path):
    from cryptography.fernet import Fernet

    _run_sh(tmp_path)
    key_file = tmp_path / "var" / "encryption_key"
    log = tmp_path / "encryption_keys.log"
    seen = set(log.read_text().splitlines())
    assert seen == {key_file.read_text()}
    assert key_file.stat().st_mode & 0o777 == 0o600
    token = Fernet(key_file.read_text().encode()).encrypt(b"private")  # a valid Fernet key
    log.unlink()
    _run_sh(tmp_path)
    assert set(log.read_text().splitlines()) == seen  # notes written before stay readable
    assert Fernet(key_file.read_text().encode()).decrypt(token) == b"private"


def test_an_encryption_key_set_by_hand_wins(tmp_path):
    _run_sh(tmp_path, ENCRYPTION_KEYS="hand-set")
    assert set((tmp_path / "encryption_keys.log").read_text().splitlines()) == {"hand-set"}
    assert not (tmp_path / "var" / "encryption_key").exists()


# --- every link the app writes is on SITE_URL ------------------------------------------------

SERVED = "http://127.0.0.1:8101"


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def meeting(frozen, personas):
    schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    return personas.circle.meetings.order_by("starts_at").first()


@override_settings(SITE_URL=SERVED)
def test_feed_ics_and_every_email_link_to_the_served_address(client, personas, meeting):
    client.force_login(personas.member)
    client.post(reverse("meetings:feed_reset"))  # "Create my calendar link"
    profile = client.get(reverse("orgs:profile")).content.decode()
    assert re.search(rf"{re.escape(SERVED)}/calendar/\S+\.ics", profile)
    ics = client.get(reverse("meetings:ics", args=[meeting.pk])).content.decode()
    assert f"URL:{SERVED}/meetings/{meeting.pk}/" in ics.replace("\r\n ", "")
    client.post(reverse("accounts:password_reset"), {"email": "member@example.org"})
    client.force_login(personas.admin)
    client.post(
        reverse("accounts:invitation_list", args=[personas.organization.slug]),
        {"email": "new@example.org", "role": "member"},
    )
    notifications_plan()
    notifications_send_due(worker="test", now=meeting.starts_at - dt.timedelta(hours=23))
    sent = Notification.objects.filter(sent_at__isnull=False, skipped_reason="")
    assert set(sent.values_list("kind", flat=True)) == {"reminder", "invitation", "password_reset"}
    links = [link for m in mail.outbox for link in re.findall(r"https?://[^\s/]+", str(m.body))]
    assert len(links) >= 5  # meeting page, RSVP yes and no, profile, invitation, reset
    assert set(links) == {SERVED}
