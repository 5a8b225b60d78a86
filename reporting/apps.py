"""The reporting app's configuration."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        # Closing a year with enkät problems needs a reason: funds asks reporting's check
        # through a registry, since funds may not import reporting.
        from funds.year.status import register_soft_check
        from reporting.survey.checks import status_obstacles

        register_soft_check(status_obstacles)
        from reporting.opendata import checks  # noqa: F401  (registers the deploy check)
