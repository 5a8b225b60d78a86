"""The funds app's configuration; loads national reference data after every migrate."""

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate


def site_url_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Links in mails are built by the worker, with no request to take a host from: in
    production DJANGO_SITE_URL must say where the site is."""
    if settings.SITE_URL.startswith(("https://", "http://")):
        return []
    return [
        checks.Warning(
            "DJANGO_SITE_URL is not set: links in invitations and mails would not work.",
            hint="Set DJANGO_SITE_URL to the public address, e.g. https://medel.example.se.",
            id="funds.W001",
        )
    ]


def _load_reference_data(sender, using, **kwargs) -> None:
    # After every migrate (and every test flush) the national reference data is there, so a
    # year never starts without its national areas and enkät categories.
    from funds.national.loader import reference_data_load

    if using == "default":
        reference_data_load()


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "Medel"

    def ready(self) -> None:
        post_migrate.connect(_load_reference_data, sender=self)
        checks.register(site_url_check, checks.Tags.security, deploy=True)
        from funds.onboarding import signals  # noqa: F401  (the "Du är utloggad" message)
