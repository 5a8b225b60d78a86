"""python manage.py backup_verify FILE: restore a dump into a scratch database and compare it
with the live data (balances to the öre, issued documents' SHA-256). Non-zero exit on any
difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.backup import BackupError, backup_verify


class Command(BaseCommand):
    help = "Läser tillbaka en säkerhetskopia i en tillfällig databas och jämför den."

    def add_arguments(self, parser) -> None:
        parser.add_argument("dump", type=Path)

    def handle(self, *args, dump: Path, **options) -> None:
        if not dump.is_file():
            raise CommandError(f"Filen {dump} finns inte.")
        try:
            result = backup_verify(dump=dump)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            raise CommandError("Kopian stämmer inte:\n" + "\n".join(result.differences))
        self.stdout.write(
            f"Kopian kontrollerad: {result.agreements} överenskommelser och "
            f"{result.documents} utfärdade dokument stämmer exakt."
        )
