"""python manage.py backup_database --output FILE [--verify]

Dumps the PostgreSQL database with pg_dump (custom format) and writes its manifest beside it
(FILE.manifest.json: the file's SHA-256, each table's row count and content hash, the schema's
hash, all from the dump's own snapshot). With --verify the dump is at once checked against the
manifest as backup_verify does; a difference exits non-zero.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.backup import BackupError, backup_verify, database_dump


class Command(BaseCommand):
    help = "Säkerhetskopierar databasen (pg_dump) och kontrollerar kopian med --verify."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, required=True, help="Fil att skriva (.dump)")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Läs tillbaka kopian i en tillfällig databas och jämför den med manifestet.",
        )

    def handle(self, *args, output: Path, verify: bool, **options) -> None:
        if not output.parent.is_dir():
            raise CommandError(f"Katalogen {output.parent} finns inte.")
        try:
            size = database_dump(output=output)
            self.stdout.write(f"Säkerhetskopia skriven: {output} ({size} byte).")
            if verify:
                result = backup_verify(dump=output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if verify:
            if not result.ok:
                raise CommandError("Kopian stämmer inte:\n" + "\n".join(result.differences))
            self.stdout.write(
                f"Kopian kontrollerad: {result.tables} tabeller med {result.rows} rader och "
                f"{result.documents} utfärdade dokument stämmer med manifestet."
            )
