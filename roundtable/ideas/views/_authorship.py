"""The anonymous author's capability on the way in and out: read from the signed cookie the
author's browser holds (entries lapse 24 hours after writing), and added to it after a write.
Nothing here touches the session or the database: the capability lives in the browser alone."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from roundtable.core.anonymity import (
    CAPABILITY_COOKIE,
    CAPABILITY_WINDOW,
    capabilities_add,
    capabilities_read,
)
from roundtable.ideas.selectors.ideas import Capabilities


def capabilities(request: HttpRequest) -> Capabilities:
    return capabilities_read(request.COOKIES.get(CAPABILITY_COOKIE))


def capability_for(request: HttpRequest, pk: object) -> str | None:
    """The token this browser holds for the contribution `pk`, if still within its window."""
    held = capabilities(request).get(str(pk))
    return held[0] if held else None


def capability_remember(
    request: HttpRequest, response: HttpResponse, *, pk: object, capability: str | None
) -> HttpResponse:
    """Give the author's browser the capability of what they just wrote anonymously."""
    if capability:
        response.set_cookie(
            CAPABILITY_COOKIE,
            capabilities_add(request.COOKIES.get(CAPABILITY_COOKIE), key=str(pk), token=capability),
            max_age=CAPABILITY_WINDOW,
            path="/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
