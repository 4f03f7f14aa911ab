"""A member's role in their organisation: the enum the permission policy compares against, and the
member profile stores."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Organisation admin"
    COORDINATOR = "coordinator", "Coordinator"
    MEMBER = "member", "Member"
