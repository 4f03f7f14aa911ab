"""`manage.py seed_demo`: load the demo organisation into an empty database, print its sign-ins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, demo_seed
from roundtable.orgs.models import Organization


class Command(BaseCommand):
    help = "Load the demo organisation (Northwind Field Services) and print one sign-in per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Change nothing and say nothing when the database already holds an organisation.",
        )
        parser.add_argument(
            "--seed", type=int, default=7, help="Seed for names, tenure and availability."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo people mixed into real data would confuse everyone: only an empty database gets them.
        if Organization.objects.exists():
            if not options["if_empty"]:
                self.stdout.write(
                    "The database already holds an organisation, so the demo was not loaded "
                    "(nothing changed)."
                )
            return
        started = time.perf_counter()
        result = demo_seed(seed=options["seed"])
        if options["verbosity"] < 1:
            return
        org = result.organization
        self.stdout.write(
            f"Loaded {org}: {org.members.count()} members, {len(result.programs)} programs, "
            f"{len(result.circles)} circles ({time.perf_counter() - started:.1f} s)."
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-ins"))
        self.stdout.write(f"  {'Role':<20} {'Email':<30} {'Password':<17} Who")
        for role, email, description in DEMO_LOGINS:
            self.stdout.write(f"  {role:<20} {email:<30} {DEMO_PASSWORD:<17} {description}")
        self.stdout.write("")
