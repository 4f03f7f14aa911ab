"""Emails whose content belongs to an app above notifications (a commitment's reminder, nudge and
weekly email). Notifications still keeps their rows, claims, sends once and retries; the app that
owns the subject registers, from its AppConfig.ready(), how to render one and what to record once
it went out. So notifications imports nothing of that app, as the layers require (the same way
`start_periodic_tasks` finds apps' periodic tasks without importing them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage

from roundtable.notifications.models import Notification

# A renderer returns the email to send, or the reason the row no longer applies (kept on the row
# as its skipped_reason).
Render = Callable[[Notification, dt.datetime], EmailMessage | str]
# Called once the email went out, in the same transaction that marks the row sent: a worker
# killed in between leaves neither, and the resend records it once.
Sent = Callable[[Notification, dt.datetime], None]


@dataclass(frozen=True)
class RegisteredEmail:
    render: Render
    sent: Sent


_registered: dict[str, RegisteredEmail] = {}


def email_kind_register(kind: str, *, render: Render, sent: Sent) -> None:
    """Let an app render the emails of one Notification kind (called from its ready())."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Not a notification kind: {kind}")
    _registered[kind] = RegisteredEmail(render=render, sent=sent)


def email_kind_registered(kind: str) -> RegisteredEmail | None:
    return _registered.get(kind)


# The kinds whose emails another app renders; a row of one that no app registered is skipped.
REGISTERED_KINDS = (
    Notification.Kind.COMMITMENT_REMINDER,
    Notification.Kind.COMMITMENT_NUDGE,
    Notification.Kind.COMMITMENT_WEEKLY,
    Notification.Kind.HEALTH_WEEKLY,
)
