"""Reading a sheet of recipients: .xlsx or .csv, bounded before any row is walked.

An upload is untrusted. The file is refused by size and kind before it is parsed; an .xlsx
goes through the allocation import's container checks (zip bombs, .xls, damaged files), its
declared dimension is checked before its rows are read, and the rows are read with an upper
bound, so a sheet whose only data row sits at row 1 000 000 costs one row's work. Empty rows
count towards the limit: a sheet is refused rather than walked when it claims more rows than
the limit. A .csv is UTF-8 (with or without BOM), separated by ";" or ",".
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from io import BytesIO

from config.untrusted import workbook_check
from funds.xlsx import ImportFileError, check_container

MAX_FILE_BYTES = 1024 * 1024
# A municipality has tens of recipients, the largest about a hundred; a thousand rows (empty
# ones included) is far beyond any real sheet and still cheap to check.
MAX_ROWS = 1000
MAX_CELL_LENGTH = 300
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 30

# Column key → the headers accepted for it (compared case- and space-insensitively).
COLUMNS = {
    "name": ("namn", "mottagare"),
    "kind": ("typ", "mottagartyp"),
    "organisation_number": ("organisationsnummer", "orgnr", "org.nr"),
    "valid_from": ("giltig från", "giltig fr.o.m."),
    "valid_to": ("giltig till", "giltig t.o.m."),
    "successor": ("efterträdare",),
    "parent": ("förvaltning",),
}
REQUIRED = ("name", "kind")
HEADERS = "namn, typ, organisationsnummer, giltig från, giltig till, efterträdare och förvaltning"


@dataclass(frozen=True)
class SheetRow:
    """One data row as text (dates as YYYY-MM-DD), with its row number in the file. `parent`
    is None when the file has no Förvaltning column (the recipients keep theirs), "" when
    the row's cell is empty (none)."""

    number: int
    name: str = ""
    kind: str = ""
    organisation_number: str = ""
    valid_from: str = ""
    valid_to: str = ""
    successor: str = ""
    parent: str | None = None

    def as_list(self) -> list:
        return [self.number, self.name, self.kind, self.organisation_number,
                self.valid_from, self.valid_to, self.successor, self.parent]  # fmt: skip

    @classmethod
    def from_list(cls, values: list) -> SheetRow:
        parent = values[7] if len(values) > 7 and values[7] is not None else None
        return cls(
            int(values[0]),
            *(str(value) for value in values[1:7]),
            parent=None if parent is None else str(parent),
        )


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


_HEADER_KEYS = {_normalise(header): key for key, headers in COLUMNS.items() for header in headers}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Cut long cells here; the check for too-long names sees the extra character.
    return " ".join(str(value).split())[: MAX_CELL_LENGTH + 1]


def _header(values) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str):
            key = _HEADER_KEYS.get(_normalise(value))
            if key:
                found.setdefault(key, index)
    return found if all(key in found for key in REQUIRED) else None


_NO_HEADER = (
    "Hittade ingen rubrikrad med kolumnerna namn och typ bland de första tio raderna. "
    f"Filen ska ha kolumnerna {HEADERS}."
)
_TOO_MANY = (
    f"Filen har fler än {MAX_ROWS} rader (tomma rader räknas). Ta bort tomma rader i slutet "
    "av bladet eller dela upp filen."
)


def _rows(records, columns: dict[str, int], first_number: int) -> list[SheetRow]:
    rows: list[SheetRow] = []
    for offset, values in enumerate(records):
        if offset >= MAX_ROWS:
            raise ImportFileError(_TOO_MANY)
        values = list(values)[:MAX_COLUMNS]
        cells = {
            key: _text(values[index]) if index < len(values) else ""
            for key, index in columns.items()
        }
        if not any(cells.values()):
            continue
        rows.append(SheetRow(number=first_number + offset, **cells))
    if not rows:
        raise ImportFileError("Filen innehåller inga mottagare under rubrikraden.")
    return rows


def check_upload(name: str, size: int) -> None:
    lowered = name.lower()
    if size > MAX_FILE_BYTES:
        raise ImportFileError("Filen är för stor: högst 1 MB.")
    if lowered.endswith(".xls"):
        raise ImportFileError(
            "Filen är i det gamla Excel-formatet (.xls). Spara den som Excel-arbetsbok (.xlsx) "
            "eller som CSV och försök igen."
        )
    if not lowered.endswith((".xlsx", ".csv")):
        raise ImportFileError(
            "Filen måste vara en Excel-arbetsbok (.xlsx) eller en CSV-fil (.csv)."
        )


def read_recipient_rows(name: str, data: bytes) -> list[SheetRow]:
    """The data rows of the file, or ImportFileError with a Swedish message."""
    check_upload(name, len(data))
    if name.lower().endswith(".csv"):
        return _read_csv(data)
    return _read_xlsx(data)


# --- .xlsx ---------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> list[SheetRow]:
    check_container(data)
    workbook_check(data, ImportFileError)
    try:
        from openpyxl import load_workbook  # imported when a workbook arrives, not at start-up

        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(_UNREADABLE) from None
    try:
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            if rows is not None:
                return rows
        raise ImportFileError(_NO_HEADER)
    except ImportFileError:
        raise
    except Exception:  # read-only mode parses lazily, so a damaged file fails here
        raise ImportFileError(_UNREADABLE) from None
    finally:
        workbook.close()


_UNREADABLE = (
    "Filen kunde inte läsas. Kontrollera att det är en Excel-arbetsbok (.xlsx) som inte är "
    "skadad, och försök igen."
)


def _sheet_rows(sheet) -> list[SheetRow] | None:
    header_number = columns = None
    for number, values in enumerate(
        sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True),
        start=1,
    ):
        columns = _header(values)
        if columns:
            header_number = number
            break
    if header_number is None:
        return None
    # The declared dimension before any data row: a sheet that says it is huge is refused
    # unread (the header search above reads at most ten rows).
    declared = sheet.max_row
    if declared is not None and declared > header_number + MAX_ROWS:
        raise ImportFileError(_TOO_MANY)
    # The dimension can lie (or be missing): the walk itself stops one row past the limit.
    # openpyxl fills a gap before a far-away row with empty rows, but only up to max_row,
    # and it stops parsing at the first row beyond it.
    records = sheet.iter_rows(
        min_row=header_number + 1,
        max_row=header_number + MAX_ROWS + 1,
        max_col=max(columns.values()) + 1,
        values_only=True,
    )
    return _rows(records, columns, header_number + 1)


# --- .csv ----------------------------------------------------------------------------------


def _read_csv(data: bytes) -> list[SheetRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "CSV-filen är inte i teckenkodningen UTF-8. Spara den som ”CSV UTF-8” och försök igen."
        ) from None
    if "\x00" in text:
        raise ImportFileError(
            "CSV-filen innehåller tecken som inte hör hemma i en textfil. Spara den som CSV "
            "och försök igen."
        )
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise ImportFileError(_TOO_MANY)
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_number = columns = None
        for number, values in enumerate(reader, start=1):
            columns = _header(values[:MAX_COLUMNS])
            if columns:
                header_number = number
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if header_number is None:
            raise ImportFileError(_NO_HEADER)
        return _rows(reader, columns, header_number + 1)
    except csv.Error:
        raise ImportFileError(
            "CSV-filen kunde inte läsas (felaktiga citattecken eller för långa fält)."
        ) from None


# --- The template to fill in -----------------------------------------------------------------

TEMPLATE_GUIDE = [
    "Fyll i en rad per mottagare på bladet Mottagare. Rubrikraden ska stå kvar.",
    "Namn och typ krävs.",
    "Typ är Stadsdelsförvaltning, Fackförvaltning, Förening eller Övrig.",
    "Föreningar måste ha organisationsnummer, tio siffror, till exempel 802000-0009.",
    "Datum skrivs år-månad-dag, till exempel 2025-01-01.",
    "Efterträdare är namnet på en annan mottagare i filen eller i organisationen.",
    "Förvaltning fylls i för en enhet inom en förvaltning: förvaltningens namn, eller dess "
    "organisationsnummer om ingen annan mottagare har samma. Förvaltningen ska finnas i filen "
    "eller i organisationen och får inte själv vara en enhet. En tom cell betyder ingen "
    "förvaltning; utan kolumnen behåller mottagarna sina förvaltningar.",
    "En mottagare som redan finns (samma namn) uppdateras.",
    "Mallen innehåller organisationens mottagare; läses den in oförändrad ändras ingenting.",
]


def recipient_template(recipients=()) -> bytes:
    """An .xlsx with exactly the headers the import reads, a row per recipient given (with
    `successor` and `parent` selected) as the import reads it back unchanged, and a sheet
    that says how to fill it in (after the data sheet, so the import never mistakes it for
    data)."""
    from openpyxl import Workbook  # when a template is asked for, not at start-up
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mottagare"
    sheet.append([headers[0].capitalize() for headers in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for recipient in recipients:
        sheet.append(
            [
                recipient.name,
                recipient.get_kind_display(),
                recipient.organisation_number,
                recipient.valid_from,
                recipient.valid_to,
                recipient.successor.name if recipient.successor_id else "",
                recipient.parent.name if recipient.parent_id else "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value:
                # Names are what users typed: never a formula that Excel would run.
                cell.data_type = "s"
                cell.quotePrefix = cell.value[0] in "=+-@"
            elif cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFG", (40, 24, 20, 14, 14, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Så fyller du i")
    for line in TEMPLATE_GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 90
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
