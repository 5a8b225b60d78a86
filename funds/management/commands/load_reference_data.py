"""python manage.py load_reference_data: load funds/national/data/*.toml (idempotent).

`migrate` runs the same loader after every migration; this command is for an operator who
updated the data files without a schema change.
"""

from django.core.management.base import BaseCommand, CommandError

from funds.national.loader import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = "Läser in nationella referensdata (områden, uppföljning, enkätkategorier) per år."

    def handle(self, *args, **options) -> None:
        try:
            summary = reference_data_load()
        except ReferenceDataError as error:
            raise CommandError(str(error)) from None
        years = ", ".join(str(year) for year in summary.years)
        self.stdout.write(
            f"Referensdata för {years}: {summary.created} nya och {summary.updated} ändrade rader."
        )
