"""Computed figures kept while they are true: the dashboards, health pages and at-risk flags are
computed from thousands of meetings, so they are cached, and each program has a version that
every write changing what they show replaces (`figures_changed`, called by the services of the
apps below insights). A figure is cached under its programs' versions and the day it describes
(the flags and every window move with the date), so a change or a new day reads other keys:
nothing has to find the entries it made stale, and they expire on their own.

The version lives in the cache too (`CACHES["default"]`: shared by every worker, see README
"Configuration"), and is replaced twice: at once, so the same request and transaction read new
figures, and after the commit, so a reader who computed from the data before the commit and
stored its result under the new version cannot keep it there."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection, transaction

T = TypeVar("T")

CACHE_ALIAS = "default"
PREFIX = "rt:figures"
# A figure describes one day; a little over a day keeps it until every time zone has moved on.
FIGURES_TIMEOUT = 60 * 60 * 27
_MISSING = object()


_DATABASES: dict[tuple[str, ...], str] = {}


def _prefix() -> str:
    """PREFIX and which database the figures are of: its engine, name, host and port, and when
    its first migration ran (a database made again, say a development database emptied and
    seeded anew, is another database). Two databases sharing a cache (a development server and
    a benchmark on one machine) never read each other's figures. One query per process."""
    database = connection.settings_dict
    where = tuple(str(database.get(key) or "") for key in ("ENGINE", "NAME", "HOST", "PORT"))
    stamp = _DATABASES.get(where)
    if stamp is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MIN(applied) FROM django_migrations")
            born = cursor.fetchone()[0]
        stamp = hashlib.sha256(f"{where}|{born}".encode()).hexdigest()[:12]
        _DATABASES[where] = stamp
    return f"{PREFIX}:{stamp}"


def _version_key(program_id: int) -> str:
    return f"{_prefix()}:version:{program_id}"


def _replace(program_ids: frozenset[int]) -> None:
    caches[CACHE_ALIAS].set_many(
        {_version_key(pk): secrets.token_hex(8) for pk in program_ids}, timeout=None
    )


def figures_changed(*program_ids: int | None) -> None:
    """Something the figures of these programs show has changed (a meeting held or cancelled,
    attendance, feedback, an idea, a commitment, a pulse answer, a circle's members, lead or
    schedule, the program itself): their cached figures are computed afresh next time."""
    ids = frozenset(pk for pk in program_ids if pk is not None)
    if not ids or isinstance(caches[CACHE_ALIAS], DummyCache):
        return  # no cache (the tests' setting): nothing is kept, nothing to replace
    _replace(ids)
    transaction.on_commit(lambda: _replace(ids))


def figures_versions(program_ids: Iterable[int]) -> dict[int, str]:
    """Each program's current version (a program never changed gets one now)."""
    cache = caches[CACHE_ALIAS]
    keys = {_version_key(pk): pk for pk in set(program_ids)}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, secrets.token_hex(8), timeout=None)  # another worker's may win: read back
    if missing:
        found.update(cache.get_many(missing))
    return {pk: str(found.get(key, "")) for key, pk in keys.items()}


def _key(name: str, versions: dict[int, str], day: dt.date, part: str) -> str:
    stamp = ",".join(f"{pk}.{version}" for pk, version in sorted(versions.items()))
    digest = hashlib.sha256(f"{stamp}|{day.isoformat()}|{part}".encode()).hexdigest()[:40]
    return f"{_prefix()}:{name}:{digest}"


def figures_cached(
    name: str, *, programs: Iterable[int], day: dt.date, compute: Callable[[], T], part: str = ""
) -> T:
    """`compute()`, or what it returned before for the same programs' versions and day. `name`
    says which figure and `part` which piece of it (a circle's id, say); the key is a hash, so
    any number of programs fits any cache backend."""
    if isinstance(caches[CACHE_ALIAS], DummyCache):
        return compute()
    versions = figures_versions(programs)
    key = _key(name, versions, day, part)
    cache = caches[CACHE_ALIAS]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=FIGURES_TIMEOUT)
    return value


def figures_cached_each(
    name: str,
    *,
    programs: Iterable[int],
    day: dt.date,
    compute: Callable[[list[int]], dict[int, T]],
) -> dict[int, T]:
    """One figure per program: what is cached for each program's version and day, and the
    others from one call `compute(missing program ids)` (so that a page of many programs asks
    the same number of queries, cached or not, whatever their number)."""
    ids = sorted(set(programs))
    if isinstance(caches[CACHE_ALIAS], DummyCache):
        return compute(ids)
    versions = figures_versions(ids)
    keys = {pk: _key(name, {pk: versions[pk]}, day, "") for pk in ids}
    cache = caches[CACHE_ALIAS]
    stored = cache.get_many(list(keys.values()))
    found = {pk: stored[key] for pk, key in keys.items() if key in stored}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: computed[pk] for pk in missing}, timeout=FIGURES_TIMEOUT)
        found.update({pk: computed[pk] for pk in missing})
    return found
