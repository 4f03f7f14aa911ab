"""An email backend for the benchmark: appends "recipient|subject|meeting" lines to a file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class LogBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        with open(os.environ["BENCH_MAIL_LOG"], "a") as log:
            for message in email_messages:
                log.write(f"{','.join(message.to)}|{message.subject}|{message.attachments[0][0]}\n")
        return len(email_messages)
