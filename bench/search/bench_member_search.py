"""Benchmark: the member search with 1, 10 and 50 words on a 10,000-member organisation.

Target (issue 12, item 1): a 50-word query answers within one second. Run:
.venv/bin/python bench/search/bench_member_search.py  (SQLite in a temporary folder, or
DATABASE_URL=postgres://postgres@127.0.0.1:5432/roundtable_bench for PostgreSQL; that database is
emptied first). Prints the median and worst of five runs per query, counting and fetching a page.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from roundtable.accounts.models import User  # noqa: E402
from roundtable.orgs.models import Member, Tag  # noqa: E402
from roundtable.orgs.selectors import member_directory  # noqa: E402
from roundtable.orgs.services import organization_create  # noqa: E402

SIZE = 10_000
WORDS = ["facil", "negot", "data-", "tion", "driv", "acil", "egot", "ata", "itat", "iati"]
WORDS += [f"zz{i}" for i in range(40)]


def crowd() -> object:
    call_command("flush", "--noinput", verbosity=0)
    org = organization_create(name="Bench", time_zone="UTC")
    users = User.objects.bulk_create(
        User(email=f"p{i}@example.org", full_name=f"Person {i}") for i in range(SIZE)
    )
    members = Member.objects.bulk_create(
        Member(organization=org, user=u, job_title="Engineer", department="Ops") for u in users
    )
    skills = Tag.objects.bulk_create(
        Tag(organization=org, kind=Tag.Kind.SKILL, name=n) for n in ("facilitation", "negotiation")
    )
    approach = Tag.objects.create(organization=org, kind=Tag.Kind.APPROACH, name="data-driven")
    Member.skills.through.objects.bulk_create(
        Member.skills.through(member=m, tag=t) for m in members for t in skills
    )
    Member.approaches.through.objects.bulk_create(
        Member.approaches.through(member=m, tag=approach) for m in members
    )
    return org


def main() -> None:
    call_command("migrate", verbosity=0)
    org = crowd()
    print(f"{connection.vendor}: {SIZE:,} members, each with two skills and an approach")
    for count in (1, 10, 50):
        query = " ".join(WORDS[:count])
        times = []
        for _ in range(5):
            started = time.perf_counter()
            found = member_directory(organization=org, query=query)  # type: ignore[arg-type]
            total = found.count()
            list(found[:50])
            times.append(time.perf_counter() - started)
        print(
            f"  {count:>2} words: {total:,} found, median {statistics.median(times) * 1000:.0f} ms,"
            f" worst {max(times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
