"""`manage.py export_survey --organisation 0180 --year 2023 --output FILE.xlsx [--draft]
[--writer xlsxwriter|openpyxl]`.

Writes the year's enkät workbook. While problems remain the export is refused: the
problems are listed on stderr and the command exits with status 1, leaving no file behind.
`--draft` writes the workbook anyway, marked UTKAST on every sheet.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funds.commands import agreement_for_command, require_output_dir
from reporting.survey.checks import SurveyRefused
from reporting.survey.workbook import survey_export
from reporting.survey.writers import DEFAULT_WRITER, WRITERS


class Command(BaseCommand):
    help = "Skriver enkätunderlaget (Socialstyrelsens uppföljning) för ett år som Excel-arbetsbok."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisationens kod, t.ex. 0180")
        parser.add_argument("--year", required=True, type=int, help="Året, t.ex. 2023")
        parser.add_argument("--output", required=True, type=Path, help="Excel-filen som skrivs")
        parser.add_argument(
            "--draft", action="store_true", help="Exportera trots problem, märkt UTKAST"
        )
        parser.add_argument(
            "--writer",
            choices=sorted(WRITERS),
            default=DEFAULT_WRITER,
            help="Biblioteket som skriver filen (för jämförelser; standard %(default)s)",
        )
        parser.add_argument("--exported-by", default="", help="Namnet som står under Exporterad av")

    def handle(self, *args, **options) -> None:
        code, year, output = options["organisation"], options["year"], options["output"]
        agreement = agreement_for_command(code, year)
        require_output_dir(output)

        started = time.perf_counter()
        # Written beside the target and renamed at the end: a failed run leaves no half file.
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=output.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                result = survey_export(
                    agreement=agreement,
                    output=file,
                    exported_by=options["exported_by"] or "manage.py export_survey",
                    draft=options["draft"],
                    writer=options["writer"],
                )
            os.replace(temporary, output)
        except SurveyRefused as refused:
            for problem in refused.check.problems:
                self.stderr.write(f"- {problem.message}")
            raise CommandError(f"{refused} (Se /{code}/{year}/enkat/ i appen.)") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        elapsed = time.perf_counter() - started
        what = f"utkast, {len(result.check.problems)} problem kvar" if result.draft else "slutlig"
        self.stdout.write(
            self.style.SUCCESS(
                f"Skrev {output} ({what}, {result.rows} insatser, "
                f"{output.stat().st_size // 1024} kB, {elapsed:.1f} s)."
            )
        )
