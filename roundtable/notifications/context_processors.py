"""The unread notices badge in the main navigation: counted once, and only on a page that shows
it (a callable the template calls; htmx fragments never do)."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from roundtable.core import permissions
from roundtable.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, Any]:
    members = list(permissions.memberships(getattr(request, "user", None)).values())
    if not members:
        return {}

    @functools.cache
    def notices_unread() -> int:
        return unread_count(member=members)

    return {"notices_unread": notices_unread}
