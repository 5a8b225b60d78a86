"""`manage.py load_demo_calls`: the demo's open call for applications (calls/demo_data/call.toml).
Idempotent; run `load_demo` first."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from calls.demo import CallDemoError, call_demo_load


class Command(BaseCommand):
    help = (
        "Lägger in demons öppna utlysning för föreningar (barn och unga 2024), publicerad och "
        "öppen i 30 dagar från i dag. Kan köras flera gånger; kör load_demo först."
    )

    def handle(self, *args, **options) -> None:
        try:
            summary = call_demo_load()
        except (CallDemoError, ValidationError) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(f"Utlysningen kunde inte läggas in: {message}") from error
        call = summary.call
        state = "Lade in" if summary.created else "Fanns redan:"
        closes = call.closes_at.astimezone().strftime("%Y-%m-%d")
        self.stdout.write(
            self.style.SUCCESS(f"{state} utlysningen ”{call.title}”, öppen till {closes}.")
        )
