"""`manage.py load_demo_documents`: the demo's tjänsteutlåtanden."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from funds.demo.rows import DemoDataError
from reporting.demo import decision_demo_issue, decision_demo_load


class Command(BaseCommand):
    help = (
        "Skapar demons tjänsteutlåtanden för 2023 och 2024 (kör load_demo först) och utfärdar "
        "2023 års, som nämnden har behandlat. Ändrar inget befintligt."
    )

    def handle(self, *args, **options) -> None:
        try:
            summary = decision_demo_load()
            issued = decision_demo_issue()
        except (DemoDataError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        verb = "skapades" if summary.created else "fanns redan och lämnades orörd"
        self.stdout.write(f"Tjänsteutlåtandet för {summary.document.year} {verb}.")
        if summary.created_next:
            self.stdout.write("Utkastet till tjänsteutlåtandet för 2024 skapades.")
        if issued is not None:
            self.stdout.write(
                f"Tjänsteutlåtandet för {summary.document.year} utfärdades som version "
                f"{issued.document.version}: PDF/UA, PDF/A och Word är sparade."
            )
