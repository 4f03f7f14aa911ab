"""Navigation context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from roundtable.core import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    members = permissions.memberships(getattr(request, "user", None))
    return {"nav_organizations": [m.organization for m in members.values()]}
