"""The calls app's configuration."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Utlysningar"

    def ready(self) -> None:
        # Connects decision_letter_sent to funds.outbox.mail_sent (the worker imports
        # nothing of calls otherwise).
        from calls import workflows  # noqa: F401
