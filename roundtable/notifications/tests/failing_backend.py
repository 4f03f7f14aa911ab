"""An email backend whose server is down: every send raises, as SMTP does when unreachable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def open(self) -> bool:
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise ConnectionRefusedError("[Errno 111] Connection refused")
