"""The reporting app's configuration."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        from reporting.opendata import checks  # noqa: F401  (registers the deploy check)
