"""`manage.py import_allocations`: the browser's Excel upload, from the command line.

Same reader, same checks, same all-or-nothing save as the upload page
(funds/allocation/imports.py).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from funds.allocation.imports import (
    ImportOutdated,
    ImportPlan,
    ImportRefused,
    allocations_import,
    allocations_import_plan,
    import_refusal,
)
from funds.allocation.upload import SheetRow, read_import_rows
from funds.commands import agreement_for_command
from funds.money import format_kr
from funds.xlsx import MAX_FILE_BYTES, ImportFileError


class Command(BaseCommand):
    help = (
        "Läser in fördelningar från en Excel-fil (.xlsx) med kolumnerna Mottagare, "
        "Mottagartyp, Prioriterat område, Belopp (kr) och Kommentar. Alla rader sparas, "
        "eller ingen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Excel-filen (.xlsx)")
        parser.add_argument(
            "--organisation", required=True, help="Organisationens kod, t.ex. kommunkod 0180"
        )
        parser.add_argument("--year", required=True, type=int, help="Året, t.ex. 2024")
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle ändras; spara inget"
        )
        parser.add_argument(
            "--reason", default="", help="Skäl till ändringarna (krävs efter beslut)"
        )
        parser.add_argument("--user", help="Användarnamn som ändringarna registreras på")

    def handle(self, *args, **options) -> None:
        agreement = agreement_for_command(options["organisation"], options["year"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Det finns ingen användare {options['user']}.")
        refusal = import_refusal(agreement)
        if refusal:
            raise CommandError(refusal)

        rows = _read_rows(options["file"])
        plan = allocations_import_plan(agreement=agreement, rows=rows)
        if plan.has_problems:
            raise CommandError(_problems_text(plan))
        self.stdout.write(_changes_text(plan))
        if options["dry_run"]:
            self.stdout.write("Provkörning (--dry-run): inget sparades.")
            return
        if not plan.changes:
            return
        try:
            result = allocations_import(
                agreement=agreement, rows=rows, user=user, reason=options["reason"]
            )
        except ImportRefused as error:
            raise CommandError(_problems_text(error.plan)) from None
        except ImportOutdated as error:
            raise CommandError(f"Inget sparades: {error}") from None
        except ValidationError as error:
            raise CommandError(f"Inget sparades: {' '.join(error.messages)}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Sparat: {result.amounts_changed} belopp och "
                f"{result.comments_changed} kommentarer ändrades."
            )
        )


def _read_rows(path: Path) -> list[SheetRow]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError("Filen är för stor: högst 2 MB. Dela upp den i flera filer.")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Filen måste vara en Excel-arbetsbok (.xlsx).")
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Filen {path} kunde inte läsas: {error.strerror}.") from None
    try:
        return read_import_rows(data)
    except ImportFileError as error:
        raise CommandError(str(error)) from None


def _problems_text(plan: ImportPlan) -> str:
    lines = [f"Filen har {plan.problem_count} problem. Inget sparades."]
    lines += [f"  {problem}" for problem in plan.area_problems]
    for row in plan.problem_rows:
        for problem in row.problems:
            lines.append(f"  Rad {row.row.number}: {problem}")
    return "\n".join(lines)


def _changes_text(plan: ImportPlan) -> str:
    lines = [
        f"{len(plan.rows)} rader i filen, {len(plan.changes)} ändrar något. "
        f"{plan.untouched} fördelningar finns inte i filen och lämnas oförändrade."
    ]
    for row in plan.changes:
        where = f"Rad {row.row.number}: {row.recipient.name}, {row.area.name}"
        if row.amount_changed:
            old = format_kr(row.old_amount) if row.current else "inget"
            lines.append(f"  {where}: {old} → {format_kr(row.amount)}")
        if row.comment_changed:
            lines.append(f"  {where}: ny kommentar")
    return "\n".join(lines)
