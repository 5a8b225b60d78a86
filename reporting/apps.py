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
        from django.db.models.signals import post_delete, post_save

        from funds.models import Agreement, Allocation, AllocationChange
        from reporting.opendata import checks  # noqa: F401  (registers the deploy check)
        from reporting.opendata.files import published_version_forget

        # A save that changes the public data forgets the kept version in this process.
        for model in (Agreement, Allocation, AllocationChange):
            for signal in (post_save, post_delete):
                signal.connect(
                    published_version_forget,
                    sender=model,
                    dispatch_uid=f"opendata-{model.__name__}",
                )
