"""What the account view tests share: fixed instants, the worker's next send, an imported member
and an invitation."""

from __future__ import annotations

import datetime as dt

from roundtable.accounts.models import Invitation
from roundtable.accounts.services import (
    invitation_create,
)
from roundtable.notifications.services import notifications_send_due
from roundtable.orgs.models import Member
from roundtable.orgs.services import member_create

SENT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "a-long-pass-phrase"
INVITERS = {"admin", "coordinator"}
FAILING_SMTP = "roundtable.notifications.tests.failing_backend.EmailBackend"


def _worker_sends() -> int:
    """What the worker's next tick sends."""
    return notifications_send_due(worker="test")


def _imported(personas, email: str = "grace.lee@example.org") -> Member:
    """A member added by a CSV import: no password, never signed in."""
    return member_create(organization=personas.organization, email=email, full_name="Grace Lee")


def _invite(personas, email: str = "new.person@example.org", **kwargs) -> Invitation:
    return invitation_create(
        organization=personas.organization,
        email=email,
        invited_by=personas.coordinator,
        full_name="New Person",
        **kwargs,
    )
