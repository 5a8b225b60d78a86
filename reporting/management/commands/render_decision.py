"""`manage.py render_decision --organisation 0180 --year 2023 --output FILE.pdf [--archival]`.

Writes the year's current tjänsteutlåtande: a draft rendered from today's data (marked
UTKAST), or the latest issued version exactly as it was stored. `--issued-version N`
writes an earlier issued version. The format follows the file name: `.pdf` or `.docx`
(Word; an issued version's stored Word file).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funds.commands import agreement_for_command, require_output_dir
from reporting.documents import (
    decision_document_current,
    decision_document_docx,
    decision_document_pdf,
    issued_version,
)

FORMATS = (".pdf", ".docx")


class Command(BaseCommand):
    help = (
        "Skriver tjänsteutlåtandet för en organisation och ett rapporteringsår som PDF "
        "(PDF/UA, eller PDF/A med --archival) eller Word (.docx), efter filnamnets ändelse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisationens kod, t.ex. 0180")
        parser.add_argument("--year", required=True, type=int, help="Rapporteringsåret, t.ex. 2023")
        parser.add_argument(
            "--output", required=True, type=Path, help="Filen som skrivs: .pdf eller .docx"
        )
        parser.add_argument(
            "--archival", action="store_true", help="Arkivformat (PDF/A-3b) i stället för PDF/UA"
        )
        parser.add_argument(
            "--issued-version", type=int, help="En utfärdad version (standard: den senaste)"
        )

    def handle(self, *args, **options) -> None:
        code, year, output = options["organisation"], options["year"], options["output"]
        suffix = output.suffix.lower()
        if suffix not in FORMATS:
            raise CommandError("Ange en fil som slutar på .pdf eller .docx.")
        word = suffix == ".docx"
        if word and options["archival"]:
            raise CommandError("--archival gäller bara PDF.")
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
            if word and not issued.docx_sha256:
                raise CommandError(
                    f"Version {version} utfärdades innan Word-filer sparades; välj .pdf."
                )
            if word:
                data = bytes(issued.docx)
            else:
                data = bytes(issued.archival_pdf if options["archival"] else issued.pdf)
            what = f"utfärdad version {version}, Dnr {issued.registry_number}"
        elif word:
            data = decision_document_docx(document, agreement)
            what = f"utkast, version {document.version}"
        else:
            data = decision_document_pdf(document, agreement, archival=options["archival"])
            what = f"utkast, version {document.version}"
        output.write_bytes(data)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Skrev {output} ({what}, {len(data) // 1024} kB, {elapsed:.1f} s).")
        )
