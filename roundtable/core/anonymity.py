"""Anonymity that no setting can undo: what is given anonymously is stored with nothing that
leads back to its author. Meeting feedback uses it; ideas' critiques and pulses will too.

A one-time receipt stops a second answer without keeping who answered what: the receipt holds a
digest of (scope, member), never the member, and the answer holds no member at all.

What it protects against: someone reading the database (a dump, a backup, the Django admin, a
coordinator with SQL access) cannot tell who answered, let alone what: a digest cannot be turned
back into a member without the server's secret key, and the answers carry no member, no time
finer than a day and no insertion order (random primary keys, see `random_id`).

What it does not: someone holding the server's SECRET_KEY can recompute the digest for each
member of a circle and learn who answered, never what. Changing SECRET_KEY (or this salt) makes
every existing receipt unrecognisable, so people could answer a second time. The database
engine's own bookkeeping (PostgreSQL's transaction ids and row placement) is out of scope.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

RECEIPT_KEY_SALT = "roundtable.anonymity.receipt"
RANDOM_ID_LIMIT = 2**53  # random keys stay exact in JavaScript numbers


def receipt_digest(scope: str, member_id: int) -> str:
    """The receipt for `member_id` having answered in `scope` (say "meeting-feedback:42"): the
    same inputs always give the same 64 hex characters, and nothing in it shows the member."""
    return salted_hmac(RECEIPT_KEY_SALT, f"{scope}:{member_id}", algorithm="sha256").hexdigest()


def random_id() -> int:
    """A primary key that says nothing about when a row was written (a sequence would line an
    anonymous answer up with its receipt, or with anything else written at the same moment)."""
    return secrets.randbelow(RANDOM_ID_LIMIT - 1) + 1
