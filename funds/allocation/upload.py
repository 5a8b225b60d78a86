"""Reading an uploaded allocation sheet into rows: the Import sheet's columns, the limits on
what is read, and the rows as typed (nothing is checked against the year here).

Whatever openpyxl fails on becomes one Swedish message, never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils import translation

from config.untrusted import workbook_check
from funds.models import Recipient
from funds.money import decimal_from_spreadsheet
from funds.xlsx import MAX_FILE_BYTES, UNREADABLE, ImportFileError, check_container

IMPORT_SHEET = "Import"
COLUMNS = ("Mottagare", "Mottagartyp", "Prioriterat område", "Belopp (kr)", "Kommentar")
REQUIRED_COLUMNS = COLUMNS[:4]

MAX_ROWS = 5000
# Row numbers looked at below the header, empty ones included: openpyxl yields every empty row
# before a far-away one, so a 1,6 kB file with one row at 1 048 576 would otherwise cost
# minutes. Excel's own formatted-but-empty rows fit easily within this.
MAX_SHEET_ROWS = 20_000
# All text of the rows together: a tiny file can repeat one long shared string on every row.
MAX_TEXT_CHARS = 2_000_000
HEADER_SEARCH_ROWS = 10
MAX_NAME_LENGTH = 300
MAX_COMMENT_LENGTH = 2000

_WHITESPACE_RE = re.compile(r"\s+")


def kind_labels() -> dict[str, str]:
    """Recipient kind → its Swedish label, whatever language the request runs in."""
    with translation.override("sv"):
        return {value: str(label) for value, label in Recipient.Kind.choices}


def normalise(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class SheetRow:
    """One data row of the import sheet, as typed. `number` is the row number in Excel."""

    number: int
    recipient: str
    kind: str
    area: str
    amount: object  # the cell as read: str, int, Decimal (from a number cell), None, or odd
    comment: str

    @property
    def amount_text(self) -> str:
        return "" if self.amount is None else str(self.amount)


def rows_to_session(rows: list[SheetRow]) -> list[list]:
    """The parsed rows in a form the session can keep (JSON): the save step uses them as they
    were previewed instead of parsing the file a second time."""

    def amount(value: object) -> object:
        return ["decimal", str(value)] if isinstance(value, Decimal) else value

    return [[r.number, r.recipient, r.kind, r.area, amount(r.amount), r.comment] for r in rows]


def rows_from_session(data: list[list]) -> list[SheetRow]:
    def amount(value: object) -> object:
        return Decimal(value[1]) if isinstance(value, list) else value

    return [
        SheetRow(number=n, recipient=r, kind=k, area=a, amount=amount(v), comment=c)
        for n, r, k, a, v, c in data
    ]


def check_upload(name: str, size: int) -> None:
    """Refuse an upload by its name and size before reading it (Swedish messages)."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            "Filen är för stor: högst 2 MB. Ta bort onödiga blad eller dela upp filen."
        )
    if not name.lower().endswith(".xlsx"):
        if name.lower().endswith(".xls"):
            raise ImportFileError(
                "Filen är i det gamla Excel-formatet (.xls). Spara den som Excel-arbetsbok "
                "(.xlsx) och försök igen."
            )
        raise ImportFileError(
            "Filen måste vara en Excel-arbetsbok (.xlsx). Ladda ned fördelningen som Excel "
            "och använd bladet Import som mall."
        )


def _text(value: object, limit: int = MAX_NAME_LENGTH) -> str:
    if value is None:
        return ""
    return _WHITESPACE_RE.sub(" ", str(value)).strip()[: limit + 1]


def _comment(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()[: MAX_COMMENT_LENGTH + 1]


def _raw_amount(value: object) -> object:
    if isinstance(value, str):
        return value[:100]
    if isinstance(value, float):  # a number cell: the Decimal the user sees, read once here
        return decimal_from_spreadsheet(value)
    if value is None or isinstance(value, int | Decimal):
        return value
    return str(value)  # a date or a time: parse_amount refuses it with its usual message


def _header_columns(values: tuple) -> dict[str, int] | None:
    """Column index per expected header, if this row is the header row."""
    wanted = {normalise(name): name for name in COLUMNS}
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and normalise(value) in wanted:
            found.setdefault(wanted[normalise(value)], index)
    return found if all(name in found for name in REQUIRED_COLUMNS) else None


_NO_SHEET = (
    "Hittade inget blad med kolumnerna Mottagare, Mottagartyp, Prioriterat område och "
    "Belopp (kr). Ladda ned fördelningen som Excel och använd bladet Import som mall."
)


def read_import_rows(data: bytes) -> list[SheetRow]:
    """The rows of the "Import" sheet, or of the first sheet that has the import columns.

    Raises ImportFileError (Swedish message) for anything that is not such a workbook.
    """
    check_container(data)
    workbook_check(data, ImportFileError)
    try:
        from openpyxl import load_workbook  # imported when a workbook arrives, not at start-up

        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(UNREADABLE) from None
    try:
        return _read_rows(workbook)
    except ImportFileError:
        raise
    except Exception:  # read-only mode parses lazily, so a damaged file fails here
        raise ImportFileError(UNREADABLE) from None
    finally:
        workbook.close()


def _read_rows(workbook) -> list[SheetRow]:
    names = workbook.sheetnames
    ordered = [IMPORT_SHEET] if IMPORT_SHEET in names else []
    ordered += [name for name in names if name != IMPORT_SHEET]
    for name in ordered:
        sheet = workbook[name]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        header_row = columns = None
        for number, values in enumerate(
            sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=50, values_only=True), start=1
        ):
            columns = _header_columns(values)
            if columns:
                header_row = number
                break
        if header_row is None:
            continue
        return _data_rows(sheet, header_row, columns)
    raise ImportFileError(_NO_SHEET)


def _data_rows(sheet, header_row: int, columns: dict[str, int]) -> list[SheetRow]:
    width = max(columns.values()) + 1
    rows: list[SheetRow] = []
    last_row = header_row + MAX_SHEET_ROWS
    text_chars = 0
    # max_row bounds the walk: openpyxl stops at it even when the sheet goes on, and yields
    # that last row (as an empty one) only if the sheet has a row at or beyond it.
    for number, values in enumerate(
        sheet.iter_rows(
            min_row=header_row + 1, max_row=last_row + 1, max_col=width, values_only=True
        ),
        start=header_row + 1,
    ):
        if number > last_row:
            raise ImportFileError(
                f"Filen har rader längre ned än rad {last_row}. Ta bort tomma rader under "
                "tabellen eller dela upp filen."
            )
        if not any(value is not None for value in values):
            continue  # the empty rows openpyxl fills in between rows, cheaply skipped
        values = tuple(values) + (None,) * (width - len(values))
        record = {name: values[index] for name, index in columns.items()}
        if all(
            value is None or (isinstance(value, str) and not value.strip())
            for value in record.values()
        ):
            continue  # Excel keeps formatted empty rows; they are not data
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                f"Filen har fler än {MAX_ROWS} rader. Dela upp den i flera filer."
            )
        row = SheetRow(
            number=number,
            recipient=_text(record["Mottagare"]),
            kind=_text(record["Mottagartyp"]),
            area=_text(record["Prioriterat område"]),
            amount=_raw_amount(record["Belopp (kr)"]),
            comment=_comment(record.get("Kommentar")),
        )
        text_chars += len(row.recipient) + len(row.kind) + len(row.area) + len(row.comment)
        if text_chars > MAX_TEXT_CHARS:
            raise ImportFileError(
                "Filen innehåller för mycket text (högst 2 miljoner tecken). Korta kommentarerna "
                "eller dela upp filen."
            )
        rows.append(row)
    if not rows:
        raise ImportFileError("Filen innehåller inga rader att importera.")
    return rows
