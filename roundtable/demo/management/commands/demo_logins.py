"""Print the demo sign-ins when the demo organisation is in the database (used by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from roundtable.accounts.models import User
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD

OPERATOR_HINT = (
    "The Django admin (/admin/) is for the site operator, not an organisation role: "
    "create your own account for it with `python manage.py createsuperuser`."
)


class Command(BaseCommand):
    help = "Print the demo organisation's sign-ins, one per role."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            User.objects.filter(email__in=[email for _, email, _ in DEMO_LOGINS]).values_list(
                "email", flat=True
            )
        )
        if not present:
            self.stdout.write("No demo organisation in this database (run manage.py seed_demo).")
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {DEMO_PASSWORD})"))
        for role, email, description in DEMO_LOGINS:
            if email in present:
                self.stdout.write(f"  {role:<22} {email:<32} {description}")
        self.stdout.write("")
        # The Django admin sees every organisation, so no demo sign-in opens it and no known
        # password does: the operator makes their own account.
        self.stdout.write(OPERATOR_HINT)
        self.stdout.write("")
