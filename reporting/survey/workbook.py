"""The enkät's workbook: the year as an .xlsx for Socialstyrelsen's national follow-up.

`survey_export(...)` writes the workbook, and refuses while `survey_check` (checks.py)
finds problems, unless it is a draft (marked "UTKAST" in the
title row, the printed page header and a red tab of every sheet).

The workbook, one sheet per purpose so that nothing is reported twice:
  * "Sammanfattning": per local priority area, with its national area and follow-up route,
    granted, allocated, unallocated, spent, unspent, repaid by recipients and to the state,
    straight from `funds.balance.agreement_balance`, so the totals equal the balance;
  * "Per nationellt område": the same money summed per national area and route (own
    priorities and unmapped areas on lines of their own); the same totals;
  * one sheet of insatser per follow-up route: the organisation's own enkät (for a kommun
    "Kommunenkät") always, then "Länsgemensam enkät", "Länsdialog" … when an area of the
    year is followed up that way. Each category of the year's lists is a column reading
    Ja, Nej or Ej besvarat (the group was not answered, which is not a "Nej");
  * "Om exporten": who, when, how complete, what each sheet is, the category lists used.
Amounts are numbers with a kronor number format. Every sheet is set up for printing:
landscape A4, fitted to the width (or a few pages wide for the insatser), the header row
and first column repeated, a page header with organisation, year and UTKAST on drafts,
page numbers in the footer (reporting/survey/writers.py).

Scale: the writer (xlsxwriter in constant-memory mode, or openpyxl's write-only mode)
streams each sheet to a temporary file, and the interventions come from one server-side
cursor per route (`.iterator()`), their category ids aggregated per row by the database
(`StringAgg`), so memory stays flat and the number of queries is constant whatever the
size of the year (docs/performance-survey.md).

Safe content (formula injection): every text from users is written as a string cell
(never `<f>`), so neither Excel nor LibreOffice evaluates it on opening.
Text that begins with = + - @, a tab, a carriage return or a line feed also gets Excel's
quote prefix (the quotePrefix cell style, the stored form of typing a leading apostrophe), so it
stays text when someone edits the cell and presses Enter. The text itself is not changed:
no apostrophe or space is added, so the data stays exact. Control characters that XML 1.0
cannot carry (and C1 controls, lone surrogates, U+FFFE/U+FFFF) are removed, line breaks are
normalised to "\\n", and text is cut at Excel's cell limit of 32 767 characters.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast
from django.utils import timezone, translation

from funds.balance import AgreementBalance, BalanceLine
from funds.models import Agreement, Intervention, SurveyCategory
from funds.xlsx import XLSX_CONTENT_TYPE
from reporting.survey.checks import (
    CHUNK,
    SurveyCheck,
    SurveyRefused,
    category_through,
    group_labels,
    kind_labels,
    state_labels,
    survey_check,
)
from reporting.survey.routes import (
    ROUTE_OWN,
    ROUTE_UNMAPPED,
    AreaRoute,
    Route,
    route_labels,
    route_order,
)
from reporting.survey.writers import (
    DEFAULT_WRITER,
    WRITERS,
    Book,
    PageSetup,
    Sheet,
    Styled,
    pages_wide,
)

__all__ = [
    "XLSX_CONTENT_TYPE",
    "cell_text",
    "survey_export",
    "survey_filename",
]

SUMMARY_SHEET = "Sammanfattning"
NATIONAL_SHEET = "Per nationellt område"
ABOUT_SHEET = "Om exporten"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
YES, NO, UNANSWERED = "Ja", "Nej", "Ej besvarat"
DRAFT_MARK = "UTKAST – får inte lämnas in"
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

# What XML 1.0 cannot carry (and C1 controls, which only corrupt the display). Tab and line
# feed stay; carriage returns are normalised to line feeds first.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def cell_text(value: object) -> str:
    """Text as it may go into a cell: no control characters, at most 32 767 characters."""
    if value is None:
        return ""
    text = str(value)
    # Printable text holds none of the characters below (a quick test in C); text with a
    # line break or a tab is not printable, so it takes the full way.
    if not text.isprintable():
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL_RE.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def _text(value: object) -> str | None:
    """A cell value for text from users: None when empty, else a string (never a formula:
    the writers store it as text and quote-prefix what looks like one)."""
    return cell_text(value) or None


def _bold(value: object) -> Styled:
    return Styled(value, "bold")


@dataclass(frozen=True)
class _Context:
    agreement: Agreement
    check: SurveyCheck
    draft: bool
    book: Book

    def title(self, what: str) -> str:
        agreement = self.agreement
        title = f"Enkät {agreement.year} – {agreement.organisation.name} – {what}"
        if self.draft:
            title += f" – {DRAFT_MARK} ({len(self.check.problems)} problem kvar)"
        return title

    def sheet(self, name: str, columns: list[tuple[str, float]], *, covers: str = "") -> Sheet:
        """A sheet with its title row and header row written, set up for printing. `covers`
        follows the title (which priority areas a route's sheet holds)."""
        labels, widths = [label for label, _ in columns], [width for _, width in columns]
        agreement = self.agreement
        setup = PageSetup(
            header_left=agreement.organisation.name,
            header_center=f"Enkät {agreement.year}: {name}",
            draft=self.draft,
            header_row=HEADER_ROW,
            freeze_row=FIRST_DATA_ROW,
            pages_wide=pages_wide(widths),
        )
        sheet = self.book.sheet(name, widths, setup, header_labels=labels)
        title_style = "draft_title" if self.draft else "title"
        title = self.title(name) + (f": {covers}" if covers else "")
        sheet.append([Styled(cell_text(title), title_style)])
        sheet.append([Styled(cell_text(label) or None, "header") for label in labels])
        return sheet


AMOUNT_COLUMNS = (
    ("Tilldelat (kr)", 16, "granted"),
    ("Fördelat (kr)", 16, "allocated"),
    ("Ofördelat (kr)", 16, "unallocated"),
    ("Förbrukat (kr)", 16, "spent"),
    ("Oförbrukat (kr)", 16, "unspent"),
    ("Återbetalt av mottagare (kr)", 16, "repaid_by_recipients"),
    ("Återbetalt till staten (kr)", 16, "repaid_to_state"),
)
SUMMARY_COLUMNS = (
    ("Prioriterat område", 40),
    ("Nr", 6),
    ("Nationellt område nr", 10),
    ("Nationellt område", 40),
    ("Uppföljning", 18),
    *((label, width) for label, width, _ in AMOUNT_COLUMNS),
    ("Antal insatser", 10),
)
NATIONAL_COLUMNS = (
    ("Nationellt område", 48),
    ("Nationellt område nr", 10),
    ("Uppföljning", 18),
    ("Prioriterade områden (egna)", 40),
    *((label, width) for label, width, _ in AMOUNT_COLUMNS),
    ("Antal insatser", 10),
)


def _amounts(line: BalanceLine, *, bold: bool = False) -> list:
    values = [getattr(line, name) for _, _, name in AMOUNT_COLUMNS]
    return [_bold(value) if bold else value for value in values]


def _total_row(check: SurveyCheck, before: int, after: int = 0) -> list:
    return [
        _bold("Totalt"),
        *([None] * before),
        *_amounts(check.balance.total, bold=True),
        *([None] * after),
        _bold(check.interventions),
    ]


def _write_summary(context: _Context) -> None:
    """Per local priority area, with its national area and route: the year's balance."""
    check = context.check
    sheet = context.sheet(SUMMARY_SHEET, list(SUMMARY_COLUMNS))
    lines = check.balance.lines
    for line in lines:
        route = check.routes.get(line.area_id) or AreaRoute(None, "", "", "")
        sheet.append(
            [
                _text(line.label),
                line.number,
                route.national_number,
                _text(route.national_name),
                route.route_label,
                *_amounts(line),
                check.interventions_by_area.get(line.area_id, 0),
            ]
        )
    sheet.append(_total_row(check, before=4))
    # The filter covers the areas, not the totals row, so sorting keeps the total last.
    sheet.finish(
        filter_rows=(HEADER_ROW, HEADER_ROW + max(len(lines), 1)), columns=len(SUMMARY_COLUMNS)
    )


@dataclass
class NationalLine:
    """The money of the local areas that belong to one national area (or to none)."""

    route: str
    route_label: str
    national_number: int | None
    national_name: str
    local_areas: list[str] = field(default_factory=list)
    lines: list[BalanceLine] = field(default_factory=list)
    interventions: int = 0

    @property
    def balance(self) -> BalanceLine:
        return AgreementBalance(agreement=None, lines=self.lines).total  # type: ignore[arg-type]


def national_lines(check: SurveyCheck) -> list[NationalLine]:
    """The balance per national area and route, in the workbook's route order; own
    priorities and unmapped areas as one line each. Their sum is the year's balance."""
    grouped: dict[tuple[str, int | None], NationalLine] = {}
    for line in check.balance.lines:
        route = check.routes.get(line.area_id) or AreaRoute(
            None, "", ROUTE_UNMAPPED, route_labels()[ROUTE_UNMAPPED]
        )
        key = (route.route, route.national_number)
        national = grouped.setdefault(
            key,
            NationalLine(
                route.route, route.route_label, route.national_number, route.national_name
            ),
        )
        national.local_areas.append(f"{line.number}. {line.label}")
        national.lines.append(line)
        national.interventions += check.interventions_by_area.get(line.area_id, 0)
    kind = check.agreement.organisation.kind
    order = {route: index for index, route in enumerate(route_order(kind))}
    return sorted(
        grouped.values(),
        key=lambda n: (order.get(n.route, len(order)), n.national_number or 0),
    )


def _write_national(context: _Context) -> None:
    check = context.check
    sheet = context.sheet(NATIONAL_SHEET, list(NATIONAL_COLUMNS))
    lines = national_lines(check)
    for national in lines:
        sheet.append(
            [
                _text(national.national_name),
                national.national_number,
                national.route_label,
                _text("; ".join(national.local_areas)),
                *_amounts(national.balance),
                national.interventions,
            ]
        )
    sheet.append(_total_row(check, before=3))
    sheet.finish(
        filter_rows=(HEADER_ROW, HEADER_ROW + max(len(lines), 1)), columns=len(NATIONAL_COLUMNS)
    )


def _intervention_rows(agreement: Agreement, area_ids: list[int]) -> Iterator[tuple]:
    """The interventions of some priority areas with what their rows need: one streamed
    query."""
    category_ids = (
        category_through()
        .objects.filter(intervention_id=OuterRef("pk"))
        .order_by()
        .values("intervention_id")
        .annotate(ids=StringAgg(Cast("surveycategory_id", CharField()), delimiter=Value(",")))
        .values("ids")
    )
    allocation = "follow_up__allocation__"
    rows = (
        Intervention.objects.filter(
            follow_up__allocation__priority_area__agreement=agreement,
            follow_up__allocation__priority_area__in=area_ids,
        )
        .annotate(category_ids=Subquery(category_ids, output_field=CharField()))
        .order_by(
            f"{allocation}priority_area__number",
            f"{allocation}recipient__name",
            f"{allocation}recipient_id",
            "pk",
        )
        .values_list(
            "pk",
            f"{allocation}priority_area_id",
            f"{allocation}priority_area__number",
            f"{allocation}priority_area__name",
            f"{allocation}recipient__name",
            f"{allocation}recipient__kind",
            "responsible_unit",
            "name",
            "description",
            "category_ids",
            "answered_groups",
            "amount_spent",
            "results",
            "follow_up__status",
        )
    )
    return rows.iterator(chunk_size=CHUNK)


# The interventions sheets: these columns, then one per category, then these. The first
# column is repeated on every printed page, so it names the insats.
COLUMNS_BEFORE_CATEGORIES = (
    ("Insats", 36),
    ("Insats-id", 9),
    ("Prioriterat område", 30),
    ("Nationellt område nr", 10),
    ("Nationellt område", 30),
    ("Uppföljning", 16),
    ("Mottagare", 30),
    ("Mottagartyp", 18),
    ("Ansvarig verksamhet, annan (fritext)", 24),
    ("Beskrivning", 50),
)
COLUMNS_AFTER_CATEGORIES = (
    ("Förbrukat belopp (kr)", 16),
    ("Resultat och effekter", 50),
    ("Redovisningens status", 14),
)
CATEGORY_WIDTH = 12


def _category_header(category: SurveyCategory, labels: dict[str, str]) -> str:
    return f"{labels[category.group]}: {category.label}"


class _InterventionCells:
    """Turns a row of `_intervention_rows` into the cells of its line on a route's sheet."""

    def __init__(self, check: SurveyCheck) -> None:
        self.routes = check.routes
        self.kinds, self.states = kind_labels(), state_labels()
        self.positions = [(category.pk, category.group) for category in check.categories]
        self.groups_of = dict(self.positions)
        # What every insats of one area, or of one recipient, shares: made once.
        self.areas: dict[int, tuple] = {}
        self.recipients: dict[str, str | None] = {}

    def area_cells(self, area_id: int, number: int, name: str) -> tuple:
        if area_id not in self.areas:
            where = self.routes[area_id]
            self.areas[area_id] = (
                _text(f"{number}. {name}"),
                where.national_number,
                _text(where.national_name),
                where.route_label,
            )
        return self.areas[area_id]

    def recipient_cell(self, name: str) -> str | None:
        if name not in self.recipients:
            self.recipients[name] = _text(name)
        return self.recipients[name]

    def __call__(self, row: tuple) -> list:
        (
            pk,
            area_id,
            area_number,
            area_name,
            recipient,
            kind,
            unit,
            name,
            description,
            category_ids,
            answered_groups,
            amount,
            results,
            status,
        ) = row
        chosen = {int(i) for i in category_ids.split(",")} if category_ids else set()
        answered = {self.groups_of.get(i) for i in chosen} | set(answered_groups or ())
        return [
            _text(name),
            pk,
            *self.area_cells(area_id, area_number, area_name),
            self.recipient_cell(recipient),
            self.kinds.get(kind, kind),
            _text(unit),
            _text(description),
            *(
                (YES if category_id in chosen else NO) if group in answered else UNANSWERED
                for category_id, group in self.positions
            ),
            amount,
            _text(results),
            self.states.get(status, status),
        ]


def _write_interventions(context: _Context, route: str, area_ids: list[int]) -> int:
    """One sheet of the interventions followed up by one route; returns the row count."""
    check = context.check
    labels = group_labels()
    category_columns = [(_category_header(c, labels), CATEGORY_WIDTH) for c in check.categories]
    columns = [*COLUMNS_BEFORE_CATEGORIES, *category_columns, *COLUMNS_AFTER_CATEGORIES]
    covered = [line for line in check.balance.lines if line.area_id in set(area_ids)]
    covers = "; ".join(f"{line.number}. {line.label}" for line in covered) or "inga områden"
    sheet = context.sheet(route_sheet_name(route), columns, covers=covers)
    cells = _InterventionCells(check)
    rows = 0
    for row in _intervention_rows(context.agreement, area_ids):
        sheet.append(cells(row))
        rows += 1
    sheet.finish(filter_rows=(HEADER_ROW, HEADER_ROW + max(rows, 1)), columns=len(columns))
    return rows


def route_sheet_name(route: str) -> str:
    return route_labels()[route][:31]


def _routes_with_areas(check: SurveyCheck) -> list[tuple[str, list[int]]]:
    """(route, its priority areas) in sheet order: the organisation's own enkät always, the
    others when an area belongs to them."""
    by_route: dict[str, list[int]] = defaultdict(list)
    for area_id, route in check.routes.items():
        by_route[route.route].append(area_id)
    ordered = route_order(check.agreement.organisation.kind)
    return [
        (route, by_route.get(route, []))
        for route in ordered
        if route == ordered[0] or by_route.get(route)
    ]


ROUTE_NOTES = {
    Route.MUNICIPALITY_SURVEY: "Besvaras i Socialstyrelsens kommunenkät.",
    Route.REGION_SURVEY: "Besvaras i Socialstyrelsens regionenkäter.",
    Route.COUNTY_SURVEY: "Länsgemensamma medel: redovisas i den länsgemensamma enkäten, "
    "inte i kommunens egen.",
    Route.COUNTY_DIALOGUE: "Följs upp genom Folkhälsomyndighetens länsdialoger, inte i en enkät.",
    Route.NOT_SET: "Den nationella uppföljningen för området är inte fastställd.",
    ROUTE_OWN: "Kommunens egna prioriteringar utanför den nationella överenskommelsens områden.",
    ROUTE_UNMAPPED: "Områden som ännu inte är kopplade till ett nationellt område.",
}


def export_status(check: SurveyCheck, *, draft: bool) -> str:
    """The workbook's status line: final only when no check remains open."""
    if draft or check.problems:
        return f"{DRAFT_MARK}: {len(check.problems)} problem återstod vid exporten."
    allowed = "; ".join(
        f"{item.label} är Ej besvarat för {item.count} "
        f"{'insats' if item.count == 1 else 'insatser'}"
        for item in check.unanswered_allowed
    )
    if allowed:
        return f"Slutlig: inga problem återstod vid exporten. {allowed}, vilket enkäten tillåter."
    return "Slutlig: alla kontroller var godkända vid exporten."


def _about_facts(
    context: _Context, *, exported_at: datetime.datetime, exported_by: str, rows: dict[str, int]
) -> list[tuple[str, object]]:
    """The "Om exporten" sheet's first rows: who, when, how complete."""
    agreement, check = context.agreement, context.check
    organisation = agreement.organisation
    with translation.override("sv"):
        status = str(agreement.get_status_display())
    local = timezone.localtime(exported_at).replace(tzinfo=None, microsecond=0)
    return [
        ("Exportens status", export_status(check, draft=context.draft)),
        ("Organisation", _text(organisation.name)),
        ("Kod", organisation.code),
        ("Organisationsnummer", organisation.organisation_number or None),
        ("År", agreement.year),
        ("Överenskommelse", _text(agreement.title)),
        ("Diarienummer", _text(agreement.registry_number)),
        ("Överenskommelsens status", status),
        ("Exporterad", local),
        ("Exporterad av", _text(exported_by)),
        ("Redovisningar som väntas", check.follow_ups_expected),
        ("Redovisningar som är godkända", check.follow_ups_approved),
        *((f"Ej besvarat: {item.label}", item.count) for item in check.unanswered),
        *(
            (f"Insatser på bladet {route_sheet_name(route)}", count)
            for route, count in rows.items()
        ),
        (
            "Belopp",
            "Kronor med öre, som tal. Summorna på bladen Sammanfattning och Per nationellt "
            "område är årets balans, exakt på öret.",
        ),
        (
            "Ja, Nej, Ej besvarat",
            "Ja: alternativet är valt. Nej: frågan är besvarad men alternativet gäller inte. "
            "Ej besvarat: frågan (hela gruppen) är inte besvarad.",
        ),
    ]


def _write_about(
    context: _Context,
    *,
    exported_at: datetime.datetime,
    exported_by: str,
    rows: dict[str, int],
) -> None:
    agreement, check = context.agreement, context.check
    sheet = context.sheet(ABOUT_SHEET, [("Uppgift", 36), ("Värde", 70), ("", 12)])
    facts = _about_facts(context, exported_at=exported_at, exported_by=exported_by, rows=rows)
    for label, value in facts:
        sheet.append([_bold(label), value])
    sheet.append([])
    sheet.append([_bold("Blad per uppföljning")])
    for route in rows:
        sheet.append([_bold(route_sheet_name(route)), ROUTE_NOTES[route]])
    sheet.append([])
    sheet.append([_bold(f"Kategorilistor {agreement.year}")])
    sheet.append([_bold(label) for label in ("Grupp", "Kategori", "Kolumn")])
    from openpyxl.utils import get_column_letter  # only here: not loaded at start-up

    labels = group_labels()
    first_category_column = len(COLUMNS_BEFORE_CATEGORIES) + 1
    for index, category in enumerate(check.categories):
        sheet.append(
            [
                labels[category.group],
                _text(category.label),
                get_column_letter(first_category_column + index),
            ]
        )
    sheet.finish(filter_rows=None, columns=3)


@dataclass(frozen=True)
class SurveyExport:
    check: SurveyCheck
    rows: int
    rows_by_route: dict[str, int]
    draft: bool


def survey_filename(agreement: Agreement, *, draft: bool = False) -> str:
    suffix = "-utkast" if draft else ""
    return f"enkat-{agreement.organisation.code}-{agreement.year}{suffix}.xlsx"


def survey_export(
    *,
    agreement: Agreement,
    output: BinaryIO,
    exported_by: str,
    draft: bool = False,
    now: datetime.datetime | None = None,
    writer: str = DEFAULT_WRITER,
) -> SurveyExport:
    """Write the year's enkät workbook to `output` (a binary file).

    Raises SurveyRefused before writing anything when problems remain and `draft` is False.
    A constant number of queries whatever the size of the year: those of `survey_check` and
    one stream per follow-up route.
    """
    check = survey_check(agreement)
    if check.problems and not draft:
        raise SurveyRefused(check)
    title = f"Enkät {agreement.year} – {agreement.organisation.name}"
    book = WRITERS[writer](output, title=f"{title} (utkast)" if draft else title)
    context = _Context(agreement=agreement, check=check, draft=draft, book=book)
    _write_summary(context)
    _write_national(context)
    rows = {
        route: _write_interventions(context, route, area_ids)
        for route, area_ids in _routes_with_areas(check)
    }
    _write_about(context, exported_at=now or timezone.now(), exported_by=exported_by, rows=rows)
    book.save()
    return SurveyExport(check=check, rows=sum(rows.values()), rows_by_route=rows, draft=draft)
