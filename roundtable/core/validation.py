"""Turn Django's model validation into the domain error services raise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from roundtable.core.errors import DomainError


def full_clean_or_raise(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = [str(m) for ms in exc.message_dict.values() for m in ms]
        field = next(iter(exc.message_dict), None)
        raise DomainError(" ".join(messages), field=field) from exc
