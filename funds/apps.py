"""The funds app's configuration; loads national reference data after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


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
        from funds.onboarding import signals  # noqa: F401  (the "Du är utloggad" message)
