"""Two interchangeable .xlsx writers for the enkät export: xlsxwriter and openpyxl.

The export describes its sheets once (widths, print set-up, rows of typed values) and either
writer turns that into a file. `survey_export` uses `DEFAULT_WRITER`; the other is kept so the
benchmark (benchmarks/survey_export.py) can compare both on the real workbook and the tests
can check that the two files read back the same (docs/performance-survey.md).

A row is a list of values:
  * None: an empty cell;
  * str: text from users or the data. Always a string cell, never a formula. Text that
    begins with = + - @, a tab or a line break also gets Excel's quote prefix, so it stays
    text when someone edits the cell and presses Enter;
  * bool is not used; int: a number; Decimal: kronor with the money number format;
    datetime: a local date and time;
  * Styled(value, style): one of STYLES (title, header, bold …).

Every style names its font (Arial, which LibreOffice maps to the metric-compatible
Liberation Sans), and so does the workbook's default style, so nothing falls back to a
serif font when the file is printed or converted to PDF.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO, Protocol

from funds.xlsx import MONEY_FORMAT

FONT = "Arial"
FONT_SIZE = 10
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = "E8EEF4"
DRAFT_COLOUR = "C00000"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Points per line of 10 pt Arial, and characters of a column width unit per line, for the
# height of wrapped header rows (neither Excel nor LibreOffice grows a row on opening).
LINE_HEIGHT = 12.75
# Page margins in inches: left, right, top, bottom, header, footer.
MARGINS = (0.5, 0.5, 0.75, 0.6, 0.3, 0.3)
PRINT_CHARS_PER_PAGE = 240  # column width units printed across a landscape A4 at ~55 %

STYLES = {
    "title": {"bold": True, "size": 14},
    "draft_title": {"bold": True, "size": 14, "color": DRAFT_COLOUR},
    "header": {"bold": True, "fill": HEADER_FILL, "wrap": True},
    "bold": {"bold": True},
    "money": {"number_format": MONEY_FORMAT},
    "money_bold": {"bold": True, "number_format": MONEY_FORMAT},
    "datetime": {"number_format": DATETIME_FORMAT, "align": "left"},
}


@dataclass(frozen=True, slots=True)
class Styled:
    value: object
    style: str


@dataclass(frozen=True)
class PageSetup:
    """What a printed sheet says and how it fits on paper."""

    header_left: str  # organisation
    header_center: str  # what and which year
    draft: bool
    header_row: int  # 1-based; repeated on every printed page
    freeze_row: int  # first scrolling row (1-based)
    pages_wide: int = 1


_LEAD_CHARACTERS = frozenset(FORMULA_LEADS)


def needs_quote_prefix(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (after any leading space)."""
    first = text[:1]
    if first in _LEAD_CHARACTERS:
        return True
    return first.isspace() and text.lstrip()[:1] in _LEAD_CHARACTERS


def header_height(labels: list[str], widths: list[float]) -> float:
    """The height in points that shows every wrapped header label in full."""
    lines = 1
    for label, width in zip(labels, widths, strict=False):
        per_line = max(width - 1.5, 1.0)
        words, line, count = label.split(), 0.0, 1
        for word in words:
            size = len(word) * 1.1
            if line and line + 1 + size > per_line:
                count += 1 + int(size // per_line)
                line = size % per_line
            else:
                line += (1 if line else 0) + size
        lines = max(lines, count)
    # In whole pixels (0.75 pt), as xlsxwriter stores it.
    return math.ceil((lines * LINE_HEIGHT + 4) / 0.75) * 0.75


def stored_width(width: float) -> float:
    """A column width as Excel stores it: the characters plus the cell padding, in whole
    pixels of the default font (what xlsxwriter writes; openpyxl gets the same)."""
    pixels = int(width * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


def pages_wide(widths: list[float]) -> int:
    return max(1, math.ceil(sum(widths) / PRINT_CHARS_PER_PAGE))


def _header_footer_text(text: str) -> str:
    """Header and footer codes start with &; a literal & is written twice."""
    return text.replace("&", "&&")[:80]


def header_parts(setup: PageSetup) -> list[tuple[str, str, str | None]]:
    """(text, font, colour) of the page header's left, centre and right parts."""
    regular, bold = f"{FONT},Regular", f"{FONT},Bold"
    return [
        (_header_footer_text(setup.header_left), regular, None),
        (_header_footer_text(setup.header_center), regular, None),
        ("UTKAST", bold, DRAFT_COLOUR) if setup.draft else ("", regular, None),
    ]


def header_string(setup: PageSetup) -> str:
    """The page header in Excel's code form (&L left &C centre &R right)."""
    text = ""
    for code, (part, font, colour) in zip("LCR", header_parts(setup), strict=True):
        if part:
            text += f'&{code}&"{font}"&{FONT_SIZE}' + (f"&K{colour}" if colour else "") + part
    return text


FOOTER_TEXT = "Sida &P av &N"
FOOTER = f'&C&"{FONT},Regular"&{FONT_SIZE}{FOOTER_TEXT}'


class Sheet(Protocol):
    def append(self, values: list) -> None: ...
    def finish(self, *, filter_rows: tuple[int, int] | None, columns: int) -> None: ...


class Book(Protocol):
    def sheet(
        self, name: str, widths: list[float], setup: PageSetup, *, header_labels: list[str]
    ) -> Sheet: ...
    def save(self) -> None: ...


# --- xlsxwriter ------------------------------------------------------------------------------


class XlsxwriterBook:
    """xlsxwriter in constant-memory mode: each row goes to a temporary file as it is
    written, strings inline (no shared-string table held in memory)."""

    def __init__(self, output: BinaryIO, *, title: str) -> None:
        import xlsxwriter

        self.workbook = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            },
        )
        self.workbook.set_properties(
            {"title": title, "author": "Stimulansmedel psykisk hälsa", "language": "sv-SE"}
        )
        self.formats: dict[tuple[str | None, bool], object] = {}

    def format(self, style: str | None, quote: bool = False):
        key = (style, quote)
        if key not in self.formats:
            spec = STYLES.get(style, {}) if style else {}
            properties = {"font_name": FONT, "font_size": spec.get("size", FONT_SIZE)}
            if spec.get("bold"):
                properties["bold"] = True
            if spec.get("color"):
                properties["font_color"] = "#" + spec["color"]
            if spec.get("fill"):
                properties.update(pattern=1, bg_color="#" + spec["fill"])
            if spec.get("wrap"):
                properties.update(text_wrap=True, valign="top")
            if spec.get("number_format"):
                properties["num_format"] = spec["number_format"]
            if spec.get("align"):
                properties["align"] = spec["align"]
            if quote:
                properties["quote_prefix"] = True
            self.formats[key] = self.workbook.add_format(properties)
        return self.formats[key]

    def sheet(self, name, widths, setup, *, header_labels):
        return _XlsxwriterSheet(self, name, widths, setup, header_labels)

    def save(self) -> None:
        self.workbook.close()


class _XlsxwriterSheet:
    def __init__(self, book: XlsxwriterBook, name, widths, setup: PageSetup, header_labels):
        self.book = book
        ws = self.sheet = book.workbook.add_worksheet(name)
        self.row = 0
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)
        ws.freeze_panes(setup.freeze_row - 1, 1)
        ws.set_landscape()
        ws.set_margins(*MARGINS[:4])
        ws.set_paper(9)  # A4
        ws.fit_to_pages(setup.pages_wide, 0)
        ws.repeat_rows(setup.header_row - 1)
        ws.repeat_columns(0)
        ws.set_header(header_string(setup), {"margin": MARGINS[4]})
        ws.set_footer(FOOTER, {"margin": MARGINS[5]})
        if setup.draft:
            ws.set_tab_color("#" + DRAFT_COLOUR)
        self.header_row = setup.header_row
        self.header_height = header_height(header_labels, widths)

    def append(self, values: list) -> None:
        ws, book, row = self.sheet, self.book, self.row
        if row + 1 == self.header_row:
            ws.set_row(row, self.header_height)
        # Most cells are plain text (an insats row has one per category): the workbook's
        # default format is already the sheet's font, so they carry no style of their own.
        # The formula test is inlined for them: one look at the first character, and the
        # full test only when that is a space.
        write_string, quoted, leads = ws.write_string, book.format(None, True), _LEAD_CHARACTERS
        for column, value in enumerate(values):
            if value.__class__ is str:
                first = value[:1]
                if first in leads or (first.isspace() and needs_quote_prefix(value)):
                    write_string(row, column, value, quoted)
                else:
                    write_string(row, column, value)
                continue
            style = None
            if isinstance(value, Styled):
                value, style = value.value, value.style
            if value is None:
                if style:
                    ws.write_blank(row, column, None, book.format(style))
            elif isinstance(value, str):
                ws.write_string(row, column, value, book.format(style, needs_quote_prefix(value)))
            elif isinstance(value, Decimal):
                money = "money_bold" if style == "bold" else style or "money"
                # xlsxwriter writes a Decimal's own digits ("1500000.50"): exact in the file.
                ws.write_number(row, column, value, book.format(money))
            elif isinstance(value, datetime.datetime):
                ws.write_datetime(row, column, value, book.format(style or "datetime"))
            else:
                ws.write_number(row, column, value, book.format(style) if style else None)
        self.row += 1

    def finish(self, *, filter_rows, columns) -> None:
        if filter_rows:
            self.sheet.autofilter(filter_rows[0] - 1, 0, filter_rows[1] - 1, columns - 1)


# --- openpyxl --------------------------------------------------------------------------------


class OpenpyxlBook:
    """openpyxl in write-only mode: each sheet streams to a temporary file."""

    def __init__(self, output: BinaryIO, *, title: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, NamedStyle
        from openpyxl.utils.indexed_list import IndexedList

        self.output = output
        workbook = self.workbook = Workbook(write_only=True)
        # The default ("Normal") style names its font too: cells without a style use it.
        default = Font(name=FONT, size=FONT_SIZE)
        workbook._fonts = IndexedList([default])
        workbook._named_styles = type(workbook._named_styles)()
        workbook.add_named_style(NamedStyle(name="Normal", font=default, builtinId=0))
        workbook.properties.title = title
        workbook.properties.language = "sv-SE"
        workbook.properties.creator = "Stimulansmedel psykisk hälsa"
        self.styles: dict[tuple[str | None, bool], dict] = {}

    def style(self, style: str | None, quote: bool = False) -> dict:
        key = (style, quote)
        if key not in self.styles:
            from openpyxl.styles import Alignment, Font, PatternFill

            spec = STYLES.get(style, {}) if style else {}
            attributes: dict = {
                "font": Font(
                    name=FONT,
                    size=spec.get("size", FONT_SIZE),
                    bold=spec.get("bold", False),
                    color=spec.get("color"),
                )
            }
            if spec.get("fill"):
                attributes["fill"] = PatternFill("solid", fgColor=spec["fill"])
            if spec.get("wrap"):
                attributes["alignment"] = Alignment(wrap_text=True, vertical="top")
            if spec.get("align"):
                attributes["alignment"] = Alignment(horizontal=spec["align"])
            if spec.get("number_format"):
                attributes["number_format"] = spec["number_format"]
            if quote:
                attributes["quotePrefix"] = True
            self.styles[key] = attributes
        return self.styles[key]

    def sheet(self, name, widths, setup, *, header_labels):
        return _OpenpyxlSheet(self, name, widths, setup, header_labels)

    def save(self) -> None:
        self.workbook.save(self.output)


class _OpenpyxlSheet:
    def __init__(self, book: OpenpyxlBook, name, widths, setup: PageSetup, header_labels):
        from openpyxl.utils import get_column_letter

        self.book = book
        ws = self.sheet = book.workbook.create_sheet(name)
        # In write-only mode everything that precedes the rows in the XML is set first.
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = stored_width(width)
        ws.freeze_panes = f"B{setup.freeze_row}"
        ws.page_setup.orientation = "landscape"
        margins = ws.page_margins
        (margins.left, margins.right, margins.top, margins.bottom) = MARGINS[:4]
        margins.header, margins.footer = MARGINS[4:]
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = setup.pages_wide
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{setup.header_row}:{setup.header_row}"
        ws.print_title_cols = "A:A"
        for part, (text, font, colour) in zip(
            (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right),
            header_parts(setup),
            strict=True,
        ):
            if text:
                part.text, part.font, part.size, part.color = text, font, FONT_SIZE, colour
        footer = ws.oddFooter.center
        footer.text, footer.font, footer.size = FOOTER_TEXT, f"{FONT},Regular", FONT_SIZE
        ws.row_dimensions[setup.header_row].height = header_height(header_labels, widths)
        if setup.draft:
            ws.sheet_properties.tabColor = DRAFT_COLOUR

    def append(self, values: list) -> None:
        from openpyxl.cell import WriteOnlyCell

        sheet, book = self.sheet, self.book
        row = []
        for value in values:
            style = None
            if isinstance(value, Styled):
                value, style = value.value, value.style
            if isinstance(value, Decimal):
                style = "money_bold" if style == "bold" else style or "money"
            elif isinstance(value, datetime.datetime):
                style = style or "datetime"
            quote = isinstance(value, str) and needs_quote_prefix(value)
            if style is None and not quote:
                row.append(value)  # plain str, int or None: no cell object needed
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            for attribute, setting in book.style(style, quote).items():
                setattr(cell, attribute, setting)
            row.append(cell)
        sheet.append(row)

    def finish(self, *, filter_rows, columns) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.filters import AutoFilter

        if filter_rows:
            last = get_column_letter(columns)
            self.sheet.auto_filter = AutoFilter(ref=f"A{filter_rows[0]}:{last}{filter_rows[1]}")


WRITERS = {"xlsxwriter": XlsxwriterBook, "openpyxl": OpenpyxlBook}
DEFAULT_WRITER = "xlsxwriter"
