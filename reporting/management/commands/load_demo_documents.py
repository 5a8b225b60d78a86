"""`manage.py load_demo_documents`: the demo's tjänsteutlåtanden."""

from django.core.management.base import BaseCommand, CommandError

from funds.demo.rows import DemoDataError
from reporting.demo import decision_demo_load


class Command(BaseCommand):
    help = (
        "Skapar demons tjänsteutlåtanden för 2023 och 2024 (kör load_demo först). "
        "Ändrar inget befintligt."
    )

    def handle(self, *args, **options) -> None:
        try:
            summary = decision_demo_load()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        verb = "skapades" if summary.created else "fanns redan och lämnades orörd"
        self.stdout.write(f"Tjänsteutlåtandet för {summary.document.year} {verb}.")
        if summary.created_next:
            self.stdout.write("Utkastet till tjänsteutlåtandet för 2024 skapades.")
