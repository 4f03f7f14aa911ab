"""System checks of the installation's own configuration."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from roundtable.core.crypto import KEYS_HELP, fernet


@register(Tags.security, deploy=True)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production needs ENCRYPTION_KEYS: private notes are written encrypted with them."""
    try:
        fernet()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint=KEYS_HELP, id="roundtable.E001")]
    return []
