"""A mail backend for tests that run a real worker process: each sent message is appended,
one line of JSON, to the file named by MAIL_SINK; with MAIL_SINK_FAIL=1 every send fails."""

from __future__ import annotations

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        if os.environ.get("MAIL_SINK_FAIL") == "1":
            raise ConnectionRefusedError("Mejlservern svarar inte (test)")
        with open(os.environ["MAIL_SINK"], "a", encoding="utf-8") as sink:
            for message in email_messages:
                line = {
                    "to": message.to,
                    "subject": message.subject,
                    "id": message.extra_headers.get("Message-ID"),
                }
                sink.write(json.dumps(line) + "\n")
                sink.flush()
                os.fsync(sink.fileno())
        return len(email_messages)
