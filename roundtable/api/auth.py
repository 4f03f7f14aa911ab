"""Who is calling: a personal API token (`Authorization: Bearer <secret>`) or the browser session.
Both leave the same `User` in `request.auth`; endpoints read it with `caller(request)`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """A personal API token. Scripts send it; browsers never attach it, so no CSRF check."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(secret=token.strip())
        if user is None:
            # A token that was sent but is wrong must not fall back to the session: the caller
            # meant to use the token and should learn that it no longer works.
            raise AuthenticationError(
                message="The API token is not valid: it is wrong, revoked or its owner is inactive."
            )
        return user


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session (for /api/docs), with Django's CSRF check on writes."""

    def __call__(self, request: HttpRequest) -> Any:
        # Ninja checks CSRF before looking at the session, which would turn a plain
        # "not signed in" into a 403; anonymous callers should get the 401 instead.
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            raise AuthorizationError(
                message="CSRF check failed: send the csrftoken cookie's value as X-CSRFToken."
            ) from exc


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
