"""Encryption at rest for what only its author may read (a lead's reflections, peer notes and
support plans): Fernet tokens under a MultiFernet of the installation's keys.

`ENCRYPTION_KEYS` lists Fernet keys, newest first. The first encrypts; every key decrypts, so a
new key can be put in front and the rows re-encrypted afterwards (`manage.py
rotate_encryption_keys`) before the old key is dropped. The keys live outside the database: a dump
or a backup alone reveals none of this text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

KEYS_HELP = (
    "Set ENCRYPTION_KEYS to one or more Fernet keys (newest first, comma-separated). Make one "
    'with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(f"No encryption key. {KEYS_HELP}")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"An encryption key is not a Fernet key. {KEYS_HELP}") from error


def fernet() -> MultiFernet:
    """The installation's keys (read from settings each time, so tests can override them)."""
    return _fernet_for(tuple(settings.ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "Encrypted text cannot be read with the configured keys: was a key removed before "
            "`manage.py rotate_encryption_keys` re-encrypted the rows?"
        ) from error


def reencrypt(token: str) -> str:
    """The same text under the first key (what rotation does to each value)."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token and read back as text. The database sees only tokens, so it
    can neither search nor sort by this field: filter on other columns."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise TypeError(f"An encrypted field cannot be filtered with {lookup_name!r}.")
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and those fields' names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found
