"""`manage.py load_demo`: load Stockholms stad's demo data (idempotent; see funds/demo/)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from funds.demo.loader import DemoSummary, demo_load
from funds.demo.rows import DemoDataError


class Command(BaseCommand):
    help = (
        "Läser in demodata för Stockholms stad (överenskommelserna 2023 och 2024, mottagare, "
        "fördelningar, redovisningar och demoanvändare). Kan köras flera gånger."
    )

    def handle(self, *args, **options) -> None:
        try:
            summary = demo_load()
        except (DemoDataError, ValidationError) as error:
            raise CommandError(f"Demodata kunde inte läsas in: {_message(error)}") from error
        except DatabaseError as error:
            raise CommandError(
                f"Demodata kunde inte läsas in ({error}). Har du kört `manage.py migrate`?"
            ) from error
        self.stdout.write(self.style.SUCCESS(_summary_text(summary)))


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _summary_text(summary: DemoSummary) -> str:
    if summary.created or summary.updated:
        changes = f"Skapade: {summary.created}, uppdaterade: {summary.updated}."
    else:
        changes = "Inget ändrades: demodatan fanns redan."
    counts = ", ".join(f"{count} {name}" for name, count in summary.counts.items())
    lines = [
        f"Demodata för {summary.organisation} är inläst. {changes}",
        f"I databasen: {counts}.",
        f"Inloggningar (lösenord ”{summary.password}”):",
    ]
    for login in summary.logins:
        mark = "" if login.password_set else "*"
        line = f"  {login.username + mark:<12} {login.full_name}, {login.role.lower()}"
        if login.recipient:
            line += f" för {login.recipient}"
        lines.append(line)
    if not all(login.password_set for login in summary.logins):
        lines.append("  * Kontot fanns redan; dess lösenord ändrades inte.")
    return "\n".join(lines)
