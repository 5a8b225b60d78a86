"""The allocation matrix as an .xlsx download, and the import's template to fill in.

Two sheets: "Fördelning" (the matrix with every total, for reading) and "Import" (one row
per allocation, in the columns the upload reads), so downloading and uploading again
changes nothing. The template has the Import sheet with every recipient and area of the
year, and a sheet that says how to fill it in.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from funds.allocation.matrix import Matrix, build_matrix
from funds.allocation.upload import COLUMNS, IMPORT_SHEET, MAX_ROWS, kind_labels
from funds.models import Agreement
from funds.xlsx import MONEY_FORMAT

MATRIX_SHEET = "Fördelning"


def xlsx_filename(agreement: Agreement) -> str:
    return f"fordelning-{agreement.organisation.code}-{agreement.year}.xlsx"


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
    _write_totals(sheet, matrix, row_number + 1)  # after an empty row
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = min(longest_name + 2, 60)
    for column in range(2, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 22
    sheet.row_dimensions[1].height = 60
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.page_setup.orientation = "landscape"


def _write_totals(sheet: Worksheet, matrix: Matrix, row_number: int) -> None:
    """Allocated, granted and remaining per area and overall, from `row_number` down."""
    last_column = len(matrix.columns) + 2
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


def _write_import_sheet(sheet: Worksheet, matrix: Matrix) -> None:
    labels = kind_labels()
    _start_import_sheet(sheet)
    for group in matrix.groups:
        for row in group.rows:
            for cell in row.cells:
                if cell.amount:
                    _append_import_row(sheet, row.recipient, labels, cell)
    _finish_import_sheet(sheet, labels)


def _start_import_sheet(sheet: Worksheet) -> None:
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = _BOLD


def _append_import_row(sheet: Worksheet, recipient, labels: dict[str, str], cell) -> None:
    """One row in the upload's columns; a cell without an allocation gets 0 (no money)."""
    sheet.append(
        [recipient.name, labels[recipient.kind], cell.area.name, cell.amount, cell.comment]
    )
    for written in sheet[sheet.max_row]:
        _as_text(written)
    sheet.cell(row=sheet.max_row, column=4).number_format = MONEY_FORMAT


def _finish_import_sheet(sheet: Worksheet, labels: dict[str, str]) -> None:
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


# --- The template to fill in -------------------------------------------------------------

GUIDE_SHEET = "Så fyller du i"


def template_filename(agreement: Agreement) -> str:
    return f"fordelning-mall-{agreement.organisation.code}-{agreement.year}.xlsx"


def _template_guide(agreement: Agreement) -> list[str]:
    year = agreement.year
    return [
        f"Mall för fördelningen {year}, {agreement.organisation.name}.",
        f"Bladet Import har en rad för varje mottagare och prioriterat område {year}.",
        "Skriv beloppet i kronor i kolumnen Belopp (kr), till exempel 1500000 eller "
        "1 500 000. 0 betyder inga pengar.",
        "Har en rad redan ett belopp i fördelningen står det där. Ändra det eller låt det stå.",
        "Ändra inte rubrikraden eller namnen på mottagare, mottagartyper och områden: "
        "importen känner igen dem på namnen.",
        "Du kan ta bort rader du inte behöver. Fördelningar som inte finns i filen ändras inte.",
        "Kommentar är frivillig.",
        "Ladda upp filen under Fördelning, Importera från Excel. Du ser varje rad och vad den "
        "ändrar innan något sparas.",
    ]


def _write_guide_sheet(sheet: Worksheet, matrix: Matrix) -> None:
    for line in _template_guide(matrix.agreement):
        sheet.append([line])
    sheet.append([])
    sheet.append(["Prioriterat område", "Tilldelat (kr)"])
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
    for column in matrix.columns:
        sheet.append([f"{column.area.number}. {column.area.name}", column.area.granted])
        _as_text(sheet.cell(row=sheet.max_row, column=1))
        sheet.cell(row=sheet.max_row, column=2).number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 100
    sheet.column_dimensions["B"].width = 20


def allocations_template(*, agreement: Agreement) -> bytes:
    """The import's template: the Import sheet with a row for every recipient that exists in
    the year and every area (this year's amount and comment where there is one, else 0), and
    a sheet saying how to fill it in. Uploaded unchanged, it changes nothing."""
    matrix = build_matrix(agreement)
    labels = kind_labels()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = IMPORT_SHEET
    _start_import_sheet(sheet)
    for position in range(len(matrix.columns)):
        for group in matrix.groups:
            for row in group.rows:
                if row.valid:
                    _append_import_row(sheet, row.recipient, labels, row.cells[position])
    _finish_import_sheet(sheet, labels)
    # After the Import sheet, so the upload never takes the guide for data.
    _write_guide_sheet(workbook.create_sheet(GUIDE_SHEET), matrix)
    workbook.properties.title = f"Mall för fördelning {agreement.year}"
    workbook.properties.language = "sv-SE"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
