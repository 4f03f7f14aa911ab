"""`manage.py seed_scale`: the scale organisation for benchmarks (10,000 members, 2,000 circles,
200,000 meetings, a million attendance rows), with the time each stage took."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.demo.scale import (
    SCALE_DOMAIN,
    SCALE_LOGINS,
    SCALE_ORG_SLUG,
    SCALE_PASSWORD,
    ScaleSize,
    scale_rows,
    scale_seed,
)


class Command(BaseCommand):
    help = (
        "Load the scale organisation (default: 10,000 members, 2,000 circles, two years of "
        "meetings) for benchmarks; --members and --circles scale it down."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=ScaleSize.members)
        parser.add_argument("--circles", type=int, default=ScaleSize.circles)
        parser.add_argument("--seed", type=int, default=11, help="Seed for every random choice.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the scale organisation first when it exists (otherwise nothing changes).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            size = ScaleSize(members=options["members"], circles=options["circles"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verbose = options["verbosity"] >= 1
        started = time.perf_counter()

        def progress(stage: str, seconds: float) -> None:
            if verbose:
                self.stdout.write(f"  {stage:<45} {seconds:7.1f} s")
                self.stdout.flush()

        if verbose:
            self.stdout.write(
                f"Seeding {size.members:,} members in {size.circles:,} circles "
                f"({size.programs} programs)…"
            )
        result = scale_seed(
            size=size, seed=options["seed"], replace=options["replace"], progress=progress
        )
        if result is None:
            self.stdout.write(
                f"The scale organisation (“{SCALE_ORG_SLUG}”) already exists: nothing changed. "
                "Use --replace to build it again."
            )
            return
        if not verbose:
            return
        self.stdout.write(f"  {'in all':<45} {time.perf_counter() - started:7.1f} s")
        self.stdout.write("")
        self.stdout.write("Rows written:")
        for label, count in scale_rows(result):
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self.stdout.write("")
        self.stdout.write(
            "Circles by kind: " + ", ".join(f"{k} {n}" for k, n in result.kinds.most_common())
        )
        self.stdout.write(self.style.SUCCESS(f"Sign-ins (password {SCALE_PASSWORD}):"))
        for local, who in SCALE_LOGINS.items():
            self.stdout.write(f"  {local}@{SCALE_DOMAIN:<20} {who}")
