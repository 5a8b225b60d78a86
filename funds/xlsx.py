"""What every Excel workbook of the site shares: the content type, the money format, and the
checks an uploaded .xlsx passes before openpyxl sees it.

An upload is untrusted input. It is refused when it is too large, is not a zip container,
or would expand beyond a sane size (an .xlsx is a zip of XML, and a small zip can inflate
to gigabytes).
"""

from __future__ import annotations

import zipfile
from io import BytesIO

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel shows this as "1 500 000,00 kr" in a Swedish locale.
MONEY_FORMAT = '#,##0.00 "kr"'

MAX_FILE_BYTES = 2 * 1024 * 1024
# Limits on what the zip may expand to, checked before any XML is parsed.
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 500

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx

UNREADABLE = (
    "Filen kunde inte läsas. Kontrollera att det är en Excel-arbetsbok (.xlsx) som inte är "
    "skadad, och försök igen."
)


class ImportFileError(Exception):
    """The upload cannot be read as the sheet it should be. The message is Swedish, for users."""


def check_container(data: bytes) -> None:
    """Refuse what is not a sane .xlsx, before openpyxl reads any of it."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            "Filen är för stor: högst 2 MB. Ta bort onödiga blad eller dela upp filen."
        )
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            "Filen är i det gamla Excel-formatet (.xls) eller lösenordsskyddad. Spara den som "
            "Excel-arbetsbok (.xlsx) utan lösenord och försök igen."
        )
    if not data.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            "Filen är inte en Excel-arbetsbok (.xlsx). Spara den som Excel-arbetsbok och "
            "försök igen."
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(UNREADABLE) from None
    # zipfile never inflates a member beyond its declared size, so the declared sizes bound
    # what openpyxl can be made to read.
    if len(members) > MAX_ZIP_MEMBERS or (
        sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES
    ):
        raise ImportFileError("Filen är för stor att läsa in. Dela upp den i flera filer.")
