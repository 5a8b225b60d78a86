"""A mail backend for tests that run a real worker process: each sent message is appended,
one line of JSON, to the file named by MAIL_SINK; with MAIL_SINK_FAIL=1 every send fails;
with MAIL_SINK_HANG_AFTER=n the send after the n-th hangs (a mail server that stops
answering) after creating MAIL_SINK + ".hanging", so a test can kill the worker there."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        if os.environ.get("MAIL_SINK_FAIL") == "1":
            raise ConnectionRefusedError("Mejlservern svarar inte (test)")
        sink_path = Path(os.environ["MAIL_SINK"])
        hang_after = os.environ.get("MAIL_SINK_HANG_AFTER")
        sent = len(sink_path.read_text().splitlines()) if sink_path.exists() else 0
        if hang_after is not None and sent >= int(hang_after):
            Path(f"{sink_path}.hanging").touch()
            time.sleep(600)
        with sink_path.open("a", encoding="utf-8") as sink:
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
