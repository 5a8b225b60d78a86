"""Excel both ways: the allocation matrix as .xlsx, and allocations read back from .xlsx.

The download has two sheets: "Fördelning" (the matrix with every total, for reading) and
"Import" (one row per allocation, in the columns the upload reads), so downloading and
uploading again changes nothing.

An upload is untrusted input. It is refused before openpyxl sees it when it is too large,
is not a zip container, or would expand beyond a sane size (an .xlsx is a zip of XML, and
a small zip can inflate to gigabytes); whatever openpyxl then fails on becomes one Swedish
message, never a 500. Every amount goes through `parse_amount`, every change through
`allocation_set`.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from funds.allocation.matrix import Matrix, build_matrix
from funds.allocation.workflows import AllocationConflict, allocation_set
from funds.models import ZERO, Agreement, Allocation, PriorityArea, Recipient
from funds.money import decimal_from_spreadsheet, format_kr, parse_amount

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MATRIX_SHEET = "Fördelning"
IMPORT_SHEET = "Import"
COLUMNS = ("Mottagare", "Mottagartyp", "Prioriterat område", "Belopp (kr)", "Kommentar")
REQUIRED_COLUMNS = COLUMNS[:4]
# Excel shows this as "1 500 000,00 kr" in a Swedish locale.
MONEY_FORMAT = '#,##0.00 "kr"'

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Row numbers looked at below the header, empty ones included: openpyxl yields every empty row
# before a far-away one, so a 1,6 kB file with one row at 1 048 576 would otherwise cost
# minutes. Excel's own formatted-but-empty rows fit easily within this.
MAX_SHEET_ROWS = 20_000
# All text of the rows together: a tiny file can repeat one long shared string on every row.
MAX_TEXT_CHARS = 2_000_000
# Limits on what the zip may expand to, checked before any XML is parsed.
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
HEADER_SEARCH_ROWS = 10
MAX_NAME_LENGTH = 300
MAX_COMMENT_LENGTH = 2000
DEFAULT_REASON = "Import från Excel"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_WHITESPACE_RE = re.compile(r"\s+")
_NUMBERED_AREA_RE = re.compile(r"(?P<number>[0-9]{1,3})\s*[.):]?\s*(?P<name>.*)")


class ImportFileError(Exception):
    """The upload cannot be read as an allocation sheet. The message is Swedish, for users."""


class ImportOutdated(Exception):
    """The allocations changed between the preview and the save; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Fördelningen har ändrats sedan förhandsgranskningen (av någon annan eller i en "
            "annan flik). Inget sparades. Granska ändringarna på nytt och spara igen."
        )


class ImportRefused(Exception):
    """The file has problems; nothing was saved."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__(
            f"Filen har {plan.problem_count} problem. Inget sparades; rätta filen och försök igen."
        )


def _kind_labels() -> dict[str, str]:
    """Recipient kind → its Swedish label, whatever language the request runs in."""
    with translation.override("sv"):
        return {value: str(label) for value, label in Recipient.Kind.choices}


def _normalise(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip().casefold()


def xlsx_filename(agreement: Agreement) -> str:
    return f"fordelning-{agreement.organisation.code}-{agreement.year}.xlsx"


# --- Download ----------------------------------------------------------------------------

_BOLD = Font(bold=True)
_GROUP_FILL = PatternFill("solid", fgColor="E8EEF4")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _as_text(cell) -> None:
    """Keep text text: openpyxl would store a name or comment starting with "=" as a formula,
    which Excel then runs (formula injection from data that users typed)."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def _amount_cell(sheet: Worksheet, row: int, column: int, amount: Decimal | None, bold=False):
    cell = sheet.cell(row=row, column=column, value=amount)
    cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = _BOLD
    return cell


def _write_matrix_sheet(sheet: Worksheet, matrix: Matrix) -> None:
    agreement = matrix.agreement
    sheet.title = MATRIX_SHEET
    last_column = len(matrix.columns) + 2
    headers = ["Mottagare"]
    headers += [f"{column.area.number}. {column.area.name}" for column in matrix.columns]
    headers.append("Summa")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = _BOLD
        cell.alignment = _WRAP
    row_number = 1
    longest_name = len("Kvar att fördela")
    for group in matrix.groups:
        if not group.rows:
            continue
        row_number += 1
        for column in range(1, last_column + 1):
            sheet.cell(row=row_number, column=column).fill = _GROUP_FILL
        sheet.cell(row=row_number, column=1, value=group.label).font = _BOLD
        for row in group.rows:
            row_number += 1
            name = row.recipient.name
            if not row.valid:
                name += f" (fanns inte {agreement.year})"
            longest_name = max(longest_name, len(name))
            _as_text(sheet.cell(row=row_number, column=1, value=name))
            for index, cell in enumerate(row.cells, start=2):
                _amount_cell(sheet, row_number, index, cell.amount or None)
            _amount_cell(sheet, row_number, last_column, row.total, bold=True)
        row_number += 1
        label = f"Summa {group.label.lower()}"
        longest_name = max(longest_name, len(label))
        sheet.cell(row=row_number, column=1, value=label).font = _BOLD
        for index, subtotal in enumerate(group.subtotals, start=2):
            _amount_cell(sheet, row_number, index, subtotal.amount, bold=True)
        _amount_cell(sheet, row_number, last_column, group.total, bold=True)
    row_number += 1  # an empty row before the totals
    totals = (
        ("Fördelat", [c.allocated for c in matrix.columns], matrix.allocated),
        ("Tilldelat", [c.area.granted for c in matrix.columns], matrix.granted),
        ("Kvar att fördela", [c.remaining for c in matrix.columns], matrix.remaining),
    )
    for label, amounts, total in totals:
        row_number += 1
        sheet.cell(row=row_number, column=1, value=label).font = _BOLD
        for index, amount in enumerate(amounts, start=2):
            _amount_cell(sheet, row_number, index, amount, bold=True)
        _amount_cell(sheet, row_number, last_column, total, bold=True)

    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = min(longest_name + 2, 60)
    for column in range(2, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 22
    sheet.row_dimensions[1].height = 60
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.page_setup.orientation = "landscape"


def _write_import_sheet(sheet: Worksheet, matrix: Matrix) -> None:
    labels = _kind_labels()
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = _BOLD
    for group in matrix.groups:
        for row in group.rows:
            for cell in row.cells:
                if not cell.amount:
                    continue
                sheet.append(
                    [
                        row.recipient.name,
                        labels[row.recipient.kind],
                        cell.area.name,
                        cell.amount,
                        cell.allocation.comment,
                    ]
                )
                for written in sheet[sheet.max_row]:
                    _as_text(written)
                sheet.cell(row=sheet.max_row, column=4).number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:E{max(sheet.max_row, 2)}"
    for letter, width in zip("ABCDE", (45, 22, 50, 18, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    kinds = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(labels.values())),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Mottagartyp",
        error="Välj Stadsdelsförvaltning, Fackförvaltning, Förening eller Övrig.",
    )
    kinds.add(f"B2:B{MAX_ROWS + 1}")
    sheet.add_data_validation(kinds)


def allocations_export(*, agreement: Agreement) -> bytes:
    """The agreement's allocations as an .xlsx workbook: the matrix, and the import sheet."""
    matrix = build_matrix(agreement)
    workbook = Workbook()
    _write_matrix_sheet(workbook.active, matrix)
    _write_import_sheet(workbook.create_sheet(IMPORT_SHEET), matrix)
    workbook.properties.title = f"Fördelning {agreement.year} – {agreement.organisation.name}"
    workbook.properties.language = "sv-SE"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading an upload -------------------------------------------------------------------


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
    wanted = {_normalise(name): name for name in COLUMNS}
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and _normalise(value) in wanted:
            found.setdefault(wanted[_normalise(value)], index)
    return found if all(name in found for name in REQUIRED_COLUMNS) else None


def _check_container(data: bytes) -> None:
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
        raise ImportFileError(_UNREADABLE) from None
    # zipfile never inflates a member beyond its declared size, so the declared sizes bound
    # what openpyxl can be made to read.
    if len(members) > MAX_ZIP_MEMBERS or (
        sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES
    ):
        raise ImportFileError("Filen är för stor att läsa in. Dela upp den i flera filer.")


_UNREADABLE = (
    "Filen kunde inte läsas. Kontrollera att det är en Excel-arbetsbok (.xlsx) som inte är "
    "skadad, och försök igen."
)
_NO_SHEET = (
    "Hittade inget blad med kolumnerna Mottagare, Mottagartyp, Prioriterat område och "
    "Belopp (kr). Ladda ned fördelningen som Excel och använd bladet Import som mall."
)


def read_import_rows(data: bytes) -> list[SheetRow]:
    """The rows of the "Import" sheet, or of the first sheet that has the import columns.

    Raises ImportFileError (Swedish message) for anything that is not such a workbook.
    """
    _check_container(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(_UNREADABLE) from None
    try:
        return _read_rows(workbook)
    except ImportFileError:
        raise
    except Exception:  # read-only mode parses lazily, so a damaged file fails here
        raise ImportFileError(_UNREADABLE) from None
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


# --- Validation and the plan -------------------------------------------------------------


@dataclass
class RowPlan:
    """One row of the file: what it resolves to, its problems, and the change it makes."""

    row: SheetRow
    problems: list[str] = field(default_factory=list)
    recipient: Recipient | None = None
    area: PriorityArea | None = None
    amount: Decimal | None = None
    current: Allocation | None = None

    @property
    def old_amount(self) -> Decimal:
        return self.current.amount if self.current else ZERO

    @property
    def version(self) -> int:
        return self.current.version if self.current else 0

    @property
    def is_new(self) -> bool:
        return self.current is None and self.amount_changed

    @property
    def amount_changed(self) -> bool:
        return not self.problems and self.amount is not None and self.amount != self.old_amount

    @property
    def comment_changed(self) -> bool:
        if self.problems or (self.current is None and not self.amount_changed):
            return False
        old = self.current.comment.replace("\r\n", "\n").strip() if self.current else ""
        return self.row.comment != old

    @property
    def changed(self) -> bool:
        return self.amount_changed or self.comment_changed

    @property
    def status(self) -> str:
        if self.problems:
            return "Fel"
        if self.is_new:
            return "Ny"
        if self.amount_changed:
            return "Ändras"
        if self.comment_changed:
            return "Kommentar ändras"
        return "Oförändrad"


@dataclass
class ImportPlan:
    agreement: Agreement
    rows: list[RowPlan]
    area_problems: list[str]
    untouched: int  # allocations with an amount that the file does not name: left as they are
    fingerprint: str  # of the database state the plan was made from

    @property
    def problem_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.problems]

    @property
    def problem_count(self) -> int:
        return sum(len(row.problems) for row in self.rows)

    @property
    def has_problems(self) -> bool:
        return bool(self.problem_count or self.area_problems)

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.changed]

    @property
    def amount_changes(self) -> int:
        return sum(1 for row in self.rows if row.amount_changed)


def import_refusal(agreement: Agreement) -> str | None:
    """Why the agreement takes no import at all, or None."""
    if not agreement.is_editable:
        return "Året är avslutat och kan inte ändras. Ingen import är möjlig."
    return None


class _Lookup:
    """Finds recipients and areas by what users type: exact name, else case-insensitive."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
        for area in self.areas:
            area.agreement = agreement  # allocation_set reads it; no query per row
        self.recipients = list(
            Recipient.objects.filter(organisation_id=agreement.organisation_id).select_related(
                "successor"
            )
        )
        self.recipients_by_name = {r.name: r for r in self.recipients}
        self.recipients_by_key = defaultdict(list)
        for recipient in self.recipients:
            self.recipients_by_key[_normalise(recipient.name)].append(recipient)
        self.labels = _kind_labels()
        self.kinds = {_normalise(label): value for value, label in self.labels.items()}
        self.kinds.update({value: value for value in self.labels})

    def recipient(self, name: str) -> Recipient | None:
        if name in self.recipients_by_name:
            return self.recipients_by_name[name]
        matches = self.recipients_by_key.get(_normalise(name), [])
        return matches[0] if len(matches) == 1 else None

    def area(self, text: str) -> PriorityArea | None:
        key = _normalise(text)
        for area in self.areas:
            if _normalise(area.name) == key:
                return area
        numbered = _NUMBERED_AREA_RE.fullmatch(key)
        if numbered:
            for area in self.areas:
                if area.number == int(numbered["number"]) and (
                    not numbered["name"] or numbered["name"] == _normalise(area.name)
                ):
                    return area
        return None


def _fingerprint(agreement: Agreement, lookup: _Lookup, allocations: list[Allocation]) -> str:
    state = [
        agreement.status,
        [(a.pk, str(a.granted), a.name) for a in lookup.areas],
        sorted(
            (r.pk, r.name, r.kind, str(r.valid_from), str(r.valid_to), r.successor_id)
            for r in lookup.recipients
        ),
        sorted((a.pk, a.version, str(a.amount), a.comment) for a in allocations),
    ]
    return hashlib.sha256(repr(state).encode()).hexdigest()


def _check_row(plan: RowPlan, lookup: _Lookup) -> None:
    row, year = plan.row, lookup.agreement.year
    if not row.recipient:
        plan.problems.append("Ange mottagare.")
    elif len(row.recipient) > MAX_NAME_LENGTH:
        plan.problems.append("Mottagarens namn är för långt.")
    else:
        plan.recipient = lookup.recipient(row.recipient)
        if plan.recipient is None:
            plan.problems.append(
                f"Okänd mottagare ”{row.recipient}”. Kontrollera stavningen, eller lägg till "
                "mottagaren i fördelningen först."
            )
        elif not plan.recipient.is_valid_in_year(year):
            message = f"{plan.recipient.name} fanns inte under {year}."
            if plan.recipient.successor:
                message += f" Använd {plan.recipient.successor.name}."
            plan.problems.append(message)

    kinds = ", ".join(lookup.labels.values())
    if not row.kind:
        plan.problems.append(f"Ange mottagartyp ({kinds}).")
    elif _normalise(row.kind) not in lookup.kinds:
        plan.problems.append(f"Okänd mottagartyp ”{row.kind}”. Använd {kinds}.")
    elif plan.recipient and lookup.kinds[_normalise(row.kind)] != plan.recipient.kind:
        plan.problems.append(
            f"{plan.recipient.name} har mottagartypen {lookup.labels[plan.recipient.kind]}, "
            f"inte {row.kind}."
        )

    if not row.area:
        plan.problems.append("Ange prioriterat område.")
    else:
        plan.area = lookup.area(row.area)
        if plan.area is None:
            names = "; ".join(f"{a.number}. {a.name}" for a in lookup.areas)
            plan.problems.append(
                f"Okänt prioriterat område ”{row.area[:100]}”. Områdena {year}: {names}."
            )

    try:
        plan.amount = parse_amount(row.amount)
    except ValidationError as error:
        typed = f" ”{row.amount_text[:40]}”" if row.amount_text else ""
        plan.problems.append(f"Belopp{typed}: {error.messages[0]}")

    if len(row.comment) > MAX_COMMENT_LENGTH:
        plan.problems.append(f"Kommentaren är för lång (högst {MAX_COMMENT_LENGTH} tecken).")


def allocations_import_plan(*, agreement: Agreement, rows: list[SheetRow]) -> ImportPlan:
    """Check every row against the agreement and work out what saving would change.

    Reads only; nothing is saved. Four queries whatever the size of the file.
    """
    lookup = _Lookup(agreement)
    allocations = list(Allocation.objects.filter(priority_area__agreement=agreement))
    by_key = {(a.priority_area_id, a.recipient_id): a for a in allocations}
    plans = [RowPlan(row) for row in rows]
    for plan in plans:
        _check_row(plan, lookup)
        if plan.recipient and plan.area:
            plan.current = by_key.get((plan.area.pk, plan.recipient.pk))

    # The same cell twice: which amount is meant is anybody's guess.
    seen: dict[tuple, list[RowPlan]] = defaultdict(list)
    for plan in plans:
        if plan.recipient and plan.area:
            key: tuple = (plan.area.pk, plan.recipient.pk)
        else:
            key = (_normalise(plan.row.area), _normalise(plan.row.recipient))
        seen[key].append(plan)
    for same in seen.values():
        if len(same) > 1:
            for plan in same:
                others = ", ".join(str(p.row.number) for p in same if p is not plan)
                plan.problems.append(
                    f"Dubblett: samma mottagare och prioriterade område finns också på rad "
                    f"{others}."
                )

    area_problems = _over_granted(lookup.areas, allocations, plans)
    named = {(p.area.pk, p.recipient.pk) for p in plans if p.area and p.recipient}
    untouched = sum(
        1 for a in allocations if a.amount and (a.priority_area_id, a.recipient_id) not in named
    )
    return ImportPlan(
        agreement=agreement,
        rows=plans,
        area_problems=area_problems,
        untouched=untouched,
        fingerprint=_fingerprint(agreement, lookup, allocations),
    )


def _over_granted(
    areas: list[PriorityArea], allocations: list[Allocation], plans: list[RowPlan]
) -> list[str]:
    """Areas the file would take beyond their granted amount.

    Only an import that raises an area's total is refused: a file that leaves an already
    over-allocated draft alone (or lowers it) must still round-trip.
    """
    new_amounts = {
        (p.area.pk, p.recipient.pk): p.amount
        for p in plans
        if not p.problems and p.amount is not None
    }
    before: dict[int, Decimal] = defaultdict(lambda: ZERO)
    after: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations:
        before[allocation.priority_area_id] += allocation.amount
        key = (allocation.priority_area_id, allocation.recipient_id)
        if key not in new_amounts:
            after[allocation.priority_area_id] += allocation.amount
    for (area_id, _), amount in new_amounts.items():
        after[area_id] += amount
    problems = []
    for area in areas:
        if after[area.pk] > area.granted and after[area.pk] > before[area.pk]:
            message = (
                f"{area.number}. {area.name} blir överfördelat: {format_kr(after[area.pk])} "
                f"av tilldelade {format_kr(area.granted)} "
                f"({format_kr(after[area.pk] - area.granted)} för mycket)."
            )
            problems.append(message)
            for plan in plans:
                if plan.area == area and plan.amount_changed and plan.amount > plan.old_amount:
                    plan.problems.append(message)
    return problems


# --- Saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    amounts_changed: int
    comments_changed: int


def allocations_import(
    *,
    agreement: Agreement,
    rows: list[SheetRow],
    user,
    reason: str = "",
    fingerprint: str | None = None,
) -> ImportResult:
    """Apply every row of the file, or none: one transaction, every amount via allocation_set.

    The rows are checked again here, against what the database holds now. With
    `fingerprint` (from the preview), any change since the preview refuses the save.
    Raises ValidationError (closed year, missing reason), ImportRefused (problems in the
    file) or ImportOutdated.
    """
    reason = reason.strip()
    try:
        with transaction.atomic():
            # Lock the year, then its allocations: deciding the year or editing an existing
            # cell waits until the import is in, and the versions read below stay the ones
            # written over. A cell created meanwhile makes allocation_set raise a conflict.
            agreement = (
                Agreement.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=agreement.pk)
            )
            refusal = import_refusal(agreement)
            if refusal:
                raise ValidationError(refusal, code="closed")
            list(
                Allocation.objects.select_for_update(of=("self",))
                .filter(priority_area__agreement=agreement)
                .values_list("pk", flat=True)
            )
            plan = allocations_import_plan(agreement=agreement, rows=rows)
            if fingerprint is not None and plan.fingerprint != fingerprint:
                raise ImportOutdated()
            if plan.has_problems:
                raise ImportRefused(plan)
            if plan.amount_changes and agreement.changes_need_reason and not reason:
                raise ValidationError(
                    "Året är beslutat: ange ett skäl till ändringarna.", code="reason_required"
                )
            amounts = comments = 0
            for row in plan.changes:
                if row.amount_changed:
                    allocation_set(
                        area=row.area,
                        recipient=row.recipient,
                        amount=row.amount,
                        expected_version=row.version,
                        user=user,
                        reason=reason or DEFAULT_REASON,
                    )
                    amounts += 1
                if row.comment_changed:
                    Allocation.objects.filter(
                        priority_area=row.area, recipient=row.recipient
                    ).update(comment=row.row.comment)
                    comments += 1
    except AllocationConflict:
        # A cell was created by someone else after the lock above (new rows cannot be
        # locked in advance); everything written so far is rolled back.
        raise ImportOutdated() from None
    return ImportResult(plan=plan, amounts_changed=amounts, comments_changed=comments)
