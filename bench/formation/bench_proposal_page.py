"""The proposal page of a big program (issue 17, item 7): a program of N enrolled people (1,000
and 5,000 by default) gets a proposal from the real services (the engine runs a fixed number of
rounds, which this page does not depend on), then the coordinator's proposal page is requested
through Django's test client with production settings (DEBUG off): cards, compact rows, a search,
a later page and the htmx search fragment, each 10 times after a warm-up. Prints the median and
the slowest request in milliseconds and the number of queries, which must not grow with N.

    .venv/bin/python bench/formation/bench_proposal_page.py [--people 1000 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> .venv/bin/python bench/...

Without DATABASE_URL the data goes to a temporary SQLite file, migrated first."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is set up in main(), after the environment is
    from django.test import Client

    from roundtable.accounts.models import User
    from roundtable.circles.models import FormationRun
    from roundtable.programs.models import Program

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-proposal-page-not-a-secret-" + "x" * 40)
os.environ.setdefault("ENCRYPTION_KEYS", "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='rt-bench-')}/bench.sqlite3"

DEPARTMENTS = ["Sales", "Support", "Finance", "Operations", "Legal", "Product"]


def _setup() -> None:
    import django
    from django.conf import settings
    from django.test.utils import override_settings

    django.setup()
    # Production settings, but static files served by name (the manifest storage would need
    # collectstatic), tasks run at once, and the engine runs a fixed number of rounds.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        FORMATION_ROUNDS=1,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ).enable()
    del settings  # only override_settings is needed


def _program(people: int) -> tuple[Program, FormationRun, User]:
    """A program of `people` newcomers with mixed profiles, and a ready proposal for it."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from roundtable.circles.forming import services
    from roundtable.programs.models import Enrolment
    from roundtable.testing.factories import (
        EnrolmentFactory,
        MemberFactory,
        ProgramFactory,
        UserFactory,
    )

    program = ProgramFactory.create()
    coordinator = MemberFactory.create(organization=program.organization, role="coordinator")
    program.coordinators.add(coordinator)
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory.build_batch(people, password=make_password(None))  # unusable: no hashing
    )
    members = MemberFactory._meta.model.objects.bulk_create(
        MemberFactory.build(
            organization=program.organization,
            user=user,
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            years_experience=1 + (i * 7) % 25,
            location=["Leeds", "Lisbon", "Lagos"][i % 3],
        )
        for i, user in enumerate(users)
    )
    Enrolment.objects.bulk_create(
        EnrolmentFactory.build(program=program, member=m) for m in members
    )
    with transaction.atomic():
        run = services.formation_start(
            program=program, by=None, settings={"use_availability": False, "seed": 1}
        )
    run.refresh_from_db()
    if run.status != "ready":
        raise SystemExit(f"No proposal for {people} people: {run.problems}")
    return program, run, coordinator.user


def _measure(
    client: Client, url: str, repeat: int, headers: dict[str, str]
) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, headers=headers)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times), max(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        f"{'people':>7} {'circles':>7}  {'page':<28} {'median ms':>9} {'max ms':>7} {'queries':>7}"
    )
    for people in args.people:
        program, run, user = _program(people)
        client = Client()
        client.force_login(user)
        url = reverse("circles:formation_run", args=[program.pk, run.pk])
        person = run.proposal["circles"][-1]["members"][0]
        name = _name(person)
        variants = {
            "cards, page 1": (url, {}),
            "compact, page 3": (f"{url}?view=compact&page=3", {}),
            "search (last circle)": (f"{url}?q={name}", {}),
            "search fragment (htmx)": (f"{url}?q={name}", {"HX-Request": "true"}),
        }
        circles = len(run.proposal["circles"])
        for label, (address, headers) in variants.items():
            median, worst, queries = _measure(client, address, args.repeat, headers)
            print(
                f"{people:>7} {circles:>7}  {label:<28} {median:>9.0f} {worst:>7.0f} {queries:>7}"
            )


def _name(person: str) -> str:
    """A person's name as a search would type it, for the query string."""
    from urllib.parse import quote

    from roundtable.orgs.models import Member

    return quote(Member.objects.select_related("user").get(pk=int(person)).name)


if __name__ == "__main__":
    main()
