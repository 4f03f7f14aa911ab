"""Anonymity that no setting can undo: what is given anonymously is stored with nothing that
leads back to its author. Meeting feedback uses it, and so do ideas and critiques (with the edit
capabilities below); pulses will too.

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

import datetime as dt
import hashlib
import hmac
import secrets

from django.core import signing
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


# --- edit capabilities: what lets an anonymous author change what they wrote ------------------
#
# An anonymous contribution stores only the SHA-256 of a random token; the token itself lives in
# the author's browser, in a cookie signed with a timestamp. The window to edit comes from that
# signature, so the database keeps no time of writing. What it costs: the capability is this
# browser's alone; another device, a cleared cookie or a private window cannot edit, and nobody
# (an admin included) can restore it, since nothing on the server knows whose it was.

CAPABILITY_COOKIE = "rt_authorship"
CAPABILITY_SALT = "roundtable.anonymity.capability"
CAPABILITY_WINDOW = 24 * 60 * 60  # seconds
CAPABILITY_COOKIE_MAX_ENTRIES = 20  # a cookie stays under 4 KB (about 150 bytes an entry)


def capability_new() -> tuple[str, str]:
    """A fresh edit capability: (the token for the author's browser, the hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, capability_hash(token)


def capability_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def capability_matches(token: str | None, stored_hash: str) -> bool:
    """True when `token` is the capability whose hash is stored (a constant-time comparison)."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(capability_hash(token), stored_hash)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CAPABILITY_SALT)


class CapabilityRefused(ValueError):
    """A signed capability that gives no right: tampered with, for another contribution, or
    signed more than 24 hours ago. The message says which, in words a person can act on."""


def capability_sign(*, key: str, token: str) -> str:
    """The capability for contribution `key` as one signed, timestamped string: what a cookie
    entry holds, and what the API hands an anonymous author once (as `edit_token`)."""
    return _signer().sign(f"{key}~{token}")


def capability_unsign(signed: str, *, key: str) -> str:
    """The token inside a signed capability for contribution `key`, or CapabilityRefused. The
    window comes from the signature's timestamp: nothing on the server records when."""
    try:
        value = _signer().unsign(signed, max_age=CAPABILITY_WINDOW)
    except signing.SignatureExpired as exc:
        raise CapabilityRefused(
            "This edit token has expired: what is written anonymously can be changed for 24 "
            "hours only."
        ) from exc
    except signing.BadSignature as exc:
        raise CapabilityRefused("This edit token is not valid: it was altered or cut.") from exc
    found, _, token = value.partition("~")
    if found != key or not token:
        raise CapabilityRefused("This edit token is for something else.")
    return token


def capabilities_read(cookie: str | None) -> dict[str, tuple[str, dt.datetime]]:
    """The capabilities a cookie holds that are still within their window, keyed by the
    contribution's id: (token, when the window closes). A tampered entry, or one signed more
    than 24 hours ago, is left out: it gives no right at all."""
    found: dict[str, tuple[str, dt.datetime]] = {}
    if not cookie:
        return found
    signer = _signer()
    for entry in cookie.split("|")[: CAPABILITY_COOKIE_MAX_ENTRIES * 2]:
        try:
            value = signer.unsign(entry, max_age=CAPABILITY_WINDOW)
            signed_at = signing.b62_decode(entry.rsplit(":", 2)[1])
        except (signing.BadSignature, ValueError, IndexError):
            continue
        key, _, token = value.partition("~")
        if key and token:
            closes = dt.datetime.fromtimestamp(signed_at + CAPABILITY_WINDOW, tz=dt.UTC)
            found[key] = (token, closes)
    return found


def capabilities_add(cookie: str | None, *, key: str, token: str) -> str:
    """The cookie's value with one more capability (signed now); expired or broken entries are
    dropped, and the oldest once there are too many."""
    signer = _signer()
    kept = []
    for entry in (cookie or "").split("|"):
        try:
            signer.unsign(entry, max_age=CAPABILITY_WINDOW)
        except (signing.BadSignature, ValueError):
            continue
        kept.append(entry)
    kept.append(capability_sign(key=key, token=token))
    return "|".join(kept[-CAPABILITY_COOKIE_MAX_ENTRIES:])
