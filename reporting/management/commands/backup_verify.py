"""python manage.py backup_verify FILE: check a dump against its own manifest (FILE.manifest.json,
written when it was taken): the file's SHA-256, then a restore into a scratch database and every
table's row count and content hash and the schema's hash. Non-zero exit on any difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.backup import BackupError, backup_verify


class Command(BaseCommand):
    help = "Läser tillbaka en säkerhetskopia i en tillfällig databas och jämför den med manifestet."

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
            f"Kopian kontrollerad: {result.tables} tabeller med {result.rows} rader och "
            f"{result.documents} utfärdade dokument stämmer med manifestet."
        )
