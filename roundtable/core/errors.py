"""Domain errors: raised by services with a message a person can read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; `message` is shown to the person as is."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    code = "forbidden"
