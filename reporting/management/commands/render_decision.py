"""`manage.py render_decision --organisation 0180 --year 2023 --output FILE.pdf [--archival]`.

Writes the year's current tjänsteutlåtande: a draft rendered from today's data (marked
UTKAST), or the latest issued version exactly as it was stored. `--issued-version N`
writes an earlier issued version.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funds.commands import agreement_for_command, require_output_dir
from reporting.documents import decision_document_current, decision_document_pdf, issued_version


class Command(BaseCommand):
    help = (
        "Skriver tjänsteutlåtandet för en organisation och ett rapporteringsår som PDF "
        "(PDF/UA, eller PDF/A med --archival)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisationens kod, t.ex. 0180")
        parser.add_argument("--year", required=True, type=int, help="Rapporteringsåret, t.ex. 2023")
        parser.add_argument("--output", required=True, type=Path, help="PDF-filen som skrivs")
        parser.add_argument(
            "--archival", action="store_true", help="Arkivformat (PDF/A-3b) i stället för PDF/UA"
        )
        parser.add_argument(
            "--issued-version", type=int, help="En utfärdad version (standard: den senaste)"
        )

    def handle(self, *args, **options) -> None:
        code, year, output = options["organisation"], options["year"], options["output"]
        agreement = agreement_for_command(code, year)
        require_output_dir(output)

        started = time.perf_counter()
        document = decision_document_current(agreement)
        version = options["issued_version"] or (None if document.is_draft else document.version)
        if version is not None:
            issued = issued_version(agreement, version)
            if issued is None:
                raise CommandError(
                    f"Version {version} av tjänsteutlåtandet {year} är inte utfärdad."
                )
            data = bytes(issued.archival_pdf if options["archival"] else issued.pdf)
            what = f"utfärdad version {version}, Dnr {issued.registry_number}"
        else:
            data = decision_document_pdf(document, agreement, archival=options["archival"])
            what = f"utkast, version {document.version}"
        output.write_bytes(data)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Skrev {output} ({what}, {len(data) // 1024} kB, {elapsed:.1f} s).")
        )
