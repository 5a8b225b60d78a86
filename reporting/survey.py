"""The national follow-up (Socialstyrelsen's enkät): validation, and the year as an .xlsx.

`survey_check(agreement)` lists everything that would make the export wrong or incomplete,
each problem with a link to the page that fixes it. `survey_export(...)` writes the
workbook, and refuses while problems remain unless it is a draft (marked "UTKAST" in the
title row, the printed page header and a red tab of every sheet).

The workbook has three sheets:
  * "Sammanfattning": per priority area granted, allocated, unallocated, spent, unspent,
    repaid by recipients and to the state, straight from `funds.balance.agreement_balance`,
    so the totals equal the year's balance to the öre;
  * "Insatser": one row per intervention, each category of the year's lists its own
    Ja/Nej column (the lists are data, so the columns follow whatever the year has);
  * "Om exporten": who, when, how complete, and the category lists used.
Amounts are numbers (Decimal written as a number) with a kronor number format.

Scale: openpyxl's write-only mode streams each sheet to a temporary file, and the
interventions come from one server-side cursor (`.iterator()`), their category ids
aggregated per row by the database (`StringAgg`), so memory stays flat and the number of
queries is constant whatever the size of the year (docs/performance-survey.md).

Safe content (formula injection): every text from users is written as a string cell
(`t="inlineStr"`, never `<f>`), so neither Excel nor LibreOffice evaluates it on opening.
Text that begins with = + - @, a tab, a carriage return or a line feed also gets Excel's
quote prefix (`cell.quotePrefix`, the stored form of typing a leading apostrophe), so it
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
from decimal import Decimal
from typing import BinaryIO

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

from funds.balance import AgreementBalance, agreement_balance
from funds.followups import REQUIRED_GROUPS, STATE_LABELS
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    Intervention,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.money import format_kr
from funds.spreadsheets import MONEY_FORMAT, XLSX_CONTENT_TYPE

__all__ = [
    "XLSX_CONTENT_TYPE",
    "SurveyCheck",
    "SurveyProblem",
    "SurveyRefused",
    "cell_text",
    "survey_check",
    "survey_export",
    "survey_filename",
]

SUMMARY_SHEET = "Sammanfattning"
INTERVENTIONS_SHEET = "Insatser"
ABOUT_SHEET = "Om exporten"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
YES, NO = "Ja", "Nej"
DRAFT_MARK = "UTKAST – får inte lämnas in"
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
NAMES_PER_PROBLEM = 3  # interventions named in one problem line before "…"
CHUNK = 2_000

_MONEY = DecimalField(max_digits=16, decimal_places=2)
# What XML 1.0 cannot carry (and C1 controls, which only corrupt the display). Tab and line
# feed stay; carriage returns are normalised to line feeds first.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_DRAFT_TITLE = Font(bold=True, size=14, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
_WRAP = Alignment(wrap_text=True, vertical="top")
_DRAFT_TAB = "C00000"


# --- Validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyProblem:
    """One thing that makes the export wrong or incomplete, and where to fix it."""

    message: str
    url: str
    action: str


@dataclass
class SurveyCheck:
    agreement: Agreement
    balance: AgreementBalance
    categories: list[SurveyCategory]
    problems: list[SurveyProblem] = field(default_factory=list)
    follow_ups_expected: int = 0  # allocations with money, or with a follow-up
    follow_ups_approved: int = 0
    interventions_by_area: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def interventions(self) -> int:
        return sum(self.interventions_by_area.values())


class SurveyRefused(Exception):
    """The export was refused: problems remain and it was not a draft."""

    def __init__(self, check: SurveyCheck) -> None:
        self.check = check
        super().__init__(
            f"Exporten vägrades: {len(check.problems)} problem återstår. Rätta dem eller "
            "exportera ett utkast."
        )


def _summed(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated subquery summing one column (the group key makes it one row)."""
    summed = queryset.order_by().values("group_key").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _counted(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("group_key").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted), Value(0))


def _allocations(agreement: Agreement) -> QuerySet[Allocation]:
    """Every allocation of the year with its follow-up and the sums that must agree: one query."""
    interventions = Intervention.objects.filter(follow_up__allocation=OuterRef("pk")).annotate(
        group_key=Value(1)
    )
    repaid = Repayment.objects.filter(
        kind=Repayment.Kind.FROM_RECIPIENT,
        priority_area=OuterRef("priority_area"),
        recipient=OuterRef("recipient"),
    ).annotate(group_key=Value(1))
    return (
        Allocation.objects.filter(priority_area__agreement=agreement)
        .select_related("priority_area", "recipient")
        .annotate(
            follow_up_status=F("follow_up__status"),
            follow_up_spent=F("follow_up__spent"),
            intervention_count=_counted(interventions),
            intervention_sum=_summed(interventions, "amount_spent"),
            repaid=_summed(repaid, "amount"),
        )
        .order_by("priority_area__number", "recipient__name", "recipient_id")
    )


def _through() -> type:
    return Intervention.categories.through


def _incomplete_interventions(agreement: Agreement) -> Iterator[tuple]:
    """Interventions lacking a required category group, or holding another year's categories.

    Yields (allocation id, name, {group: present}, other_year); one streamed query.
    """
    through = _through()
    year = agreement.year
    present = {
        f"has_{group}": Exists(
            through.objects.filter(
                intervention_id=OuterRef("pk"),
                surveycategory__year=year,
                surveycategory__group=group,
            )
        )
        for group in REQUIRED_GROUPS
    }
    other_year = Exists(
        through.objects.filter(intervention_id=OuterRef("pk")).exclude(surveycategory__year=year)
    )
    lacking = Q(other_year=True)
    for name in present:
        lacking |= Q(**{name: False})
    rows = (
        Intervention.objects.filter(follow_up__allocation__priority_area__agreement=agreement)
        .annotate(**present, other_year=other_year)
        .filter(lacking)
        .order_by("pk")
        .values_list("follow_up__allocation_id", "name", *present, "other_year")
    )
    for allocation_id, name, *flags in rows.iterator(chunk_size=CHUNK):
        yield allocation_id, name, dict(zip(REQUIRED_GROUPS, flags[:-1], strict=True)), flags[-1]


@dataclass
class _Lacking:
    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.names) < NAMES_PER_PROBLEM:
            self.names.append(name)

    def text(self) -> str:
        named = ", ".join(f"”{name}”" for name in self.names)
        return named + (" …" if self.count > len(self.names) else "")


def _state_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {key: str(label) for key, label in STATE_LABELS.items()}


def _group_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {value: str(label) for value, label in SurveyCategory.Group.choices}


def _kind_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {value: str(label) for value, label in Recipient.Kind.choices}


def _ordered_categories(categories: QuerySet[SurveyCategory]) -> list[SurveyCategory]:
    """The year's categories in the order of the groups' definition, then position."""
    order = {value: index for index, (value, _) in enumerate(SurveyCategory.Group.choices)}
    return sorted(categories, key=lambda c: (order.get(c.group, len(order)), c.position, c.label))


def _follow_up_problems(
    allocation: Allocation, states: dict[str, str], lacking: dict[str, _Lacking], year: int
) -> list[tuple[str, bool]]:
    """One allocation's problems as (message, fixed on the repayments page)."""
    found: list[tuple[str, bool]] = []
    status = allocation.follow_up_status
    if status is None:
        found.append(("redovisningen är inte påbörjad.", False))
    elif status != FollowUp.Status.APPROVED:
        found.append((f"redovisningen är inte godkänd (status: {states[status]}).", False))

    spent = allocation.follow_up_spent
    if status is not None and spent is None:
        found.append(("förbrukat belopp saknas.", False))
    if spent is not None:
        summed = allocation.intervention_sum
        if spent and not allocation.intervention_count:
            found.append(
                (f"{format_kr(spent)} är förbrukat men inga insatser är redovisade.", False)
            )
        elif summed != spent:
            found.append(
                (
                    f"insatsernas belopp ({format_kr(summed)}) stämmer inte med förbrukat belopp "
                    f"({format_kr(spent)}), skillnad {format_kr(abs(spent - summed))}.",
                    False,
                )
            )
        unspent = max(allocation.amount - spent, ZERO)
        if unspent > allocation.repaid:
            found.append(
                (f"{format_kr(unspent - allocation.repaid)} oförbrukat är inte återbetalt.", True)
            )
        elif allocation.repaid > unspent:
            found.append(
                (
                    f"{format_kr(allocation.repaid - unspent)} mer är återbetalt än som blev "
                    "oförbrukat.",
                    True,
                )
            )

    for label, interventions in lacking.items():
        counted = f"{interventions.count} {'insats' if interventions.count == 1 else 'insatser'}"
        if label:
            text = f"{counted} saknar {label}: "
        else:
            text = f"{counted} har kategorier från ett annat år än {year} och kommer inte med: "
        found.append((text + interventions.text() + ".", False))
    return found


def survey_check(agreement: Agreement) -> SurveyCheck:
    """Everything that would make the year's export wrong or incomplete. Four queries."""
    code, year = agreement.organisation.code, agreement.year
    balance = agreement_balance(agreement)
    categories = _ordered_categories(SurveyCategory.objects.filter(year=year))
    check = SurveyCheck(agreement=agreement, balance=balance, categories=categories)
    problems = check.problems
    group_labels = _group_labels()

    if agreement.status == Agreement.Status.DRAFT:
        problems.append(
            SurveyProblem(
                f"Överenskommelsen {year} är inte beslutad: fördelningen kan fortfarande ändras.",
                reverse("agreement_decision", args=[code, year]),
                "Till beslutet",
            )
        )
    admin_url = reverse("admin:funds_surveycategory_changelist") + f"?year={year}"
    groups = {category.group for category in categories}
    if not categories:
        problems.append(
            SurveyProblem(
                f"Det finns inga enkätkategorier för {year}. En administratör lägger in årets "
                "listor.",
                admin_url,
                "Enkätkategorier",
            )
        )
    else:
        for group in REQUIRED_GROUPS:
            if group not in groups:
                problems.append(
                    SurveyProblem(
                        f"Listan ”{group_labels[group]}” saknas för {year}.",
                        admin_url,
                        "Enkätkategorier",
                    )
                )

    for line in balance.lines:
        area = f"{line.number}. {line.label}"
        if line.over_allocated:
            problems.append(
                SurveyProblem(
                    f"{area}: {format_kr(line.allocated)} är fördelat men bara "
                    f"{format_kr(line.granted)} tilldelat.",
                    reverse("allocation_matrix", args=[code, year]),
                    "Öppna fördelningen",
                )
            )
        difference = line.state_difference
        if difference:
            message = (
                f"{area}: {format_kr(difference)} ska betalas tillbaka till staten."
                if difference > ZERO
                else f"{area}: {format_kr(-difference)} för mycket är återbetalt till staten."
            )
            problems.append(
                SurveyProblem(
                    message, reverse("repayments", args=[code, year]), "Öppna återbetalningar"
                )
            )

    lacking: dict[int, dict[str, _Lacking]] = defaultdict(lambda: defaultdict(_Lacking))
    for allocation_id, name, present, other_year in _incomplete_interventions(agreement):
        for group, has in present.items():
            if not has:
                lacking[allocation_id][REQUIRED_GROUPS[group]].add(name)
        if other_year:
            lacking[allocation_id][""].add(name)

    states = _state_labels()
    by_area: dict[int, int] = defaultdict(int)
    edit, repay = "Öppna redovisningen", "Öppna återbetalningar"
    repayments_url = reverse("repayments", args=[code, year])
    for allocation in _allocations(agreement):
        by_area[allocation.priority_area_id] += allocation.intervention_count
        status = allocation.follow_up_status
        if not allocation.amount and status is None:
            continue  # nothing given, nothing to report
        check.follow_ups_expected += 1
        if status == FollowUp.Status.APPROVED:
            check.follow_ups_approved += 1
        area = allocation.priority_area
        where = f"{allocation.recipient.name} – {area.number}. {area.name}"
        edit_url = reverse("followup_edit", args=[code, year, allocation.pk])
        found = _follow_up_problems(allocation, states, lacking.pop(allocation.pk, {}), year)
        problems += [
            SurveyProblem(
                f"{where}: {message}",
                repayments_url if is_repayment else edit_url,
                repay if is_repayment else edit,
            )
            for message, is_repayment in found
        ]
    check.interventions_by_area = dict(by_area)
    return check


# --- The workbook ---------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """Text as it may go into a cell: no control characters, at most 32 767 characters."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def _text(sheet, value: object):
    """A cell value for text from users: None when empty, else never a formula."""
    text = cell_text(value)
    if not text:
        return None
    if not text.startswith(_FORMULA_LEADS) and not text.lstrip().startswith(_FORMULA_LEADS):
        return text  # openpyxl stores a plain str as a string cell
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    cell.quotePrefix = True
    return cell


def _amount(sheet, amount: Decimal | None, *, bold: bool = False):
    if amount is None:
        return None
    cell = WriteOnlyCell(sheet, value=amount)
    cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = _BOLD
    return cell


def _styled(sheet, value, *, font=None, fill=None, alignment=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


@dataclass(frozen=True)
class _Context:
    agreement: Agreement
    check: SurveyCheck
    draft: bool

    def title(self, what: str) -> str:
        agreement = self.agreement
        title = f"Enkät {agreement.year} – {agreement.organisation.name} – {what}"
        if self.draft:
            title += f" – {DRAFT_MARK} ({len(self.check.problems)} problem kvar)"
        return title


def _new_sheet(workbook: Workbook, context: _Context, name: str, widths: list[float]):
    """A write-only sheet with title row, widths, frozen header and draft marks.

    Everything that goes before the rows in the XML (widths, panes) must be set before the
    first append in write-only mode.
    """
    sheet = workbook.create_sheet(name)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if context.draft:
        sheet.sheet_properties.tabColor = _DRAFT_TAB
        sheet.oddHeader.center.text = DRAFT_MARK
        sheet.oddHeader.center.color = _DRAFT_TAB
    sheet.append(
        [
            _styled(
                sheet,
                cell_text(context.title(name)),
                font=_DRAFT_TITLE if context.draft else _TITLE,
            )
        ]
    )
    return sheet


def _header(sheet, labels: list[str]) -> None:
    sheet.append(
        [
            _styled(sheet, cell_text(label), font=_BOLD, fill=_HEADER_FILL, alignment=_WRAP)
            for label in labels
        ]
    )


SUMMARY_COLUMNS = (
    ("Nr", 6),
    ("Prioriterat område", 48),
    ("Tilldelat (kr)", 18),
    ("Fördelat (kr)", 18),
    ("Ofördelat (kr)", 18),
    ("Förbrukat (kr)", 18),
    ("Oförbrukat (kr)", 18),
    ("Återbetalt av mottagare (kr)", 18),
    ("Återbetalt till staten (kr)", 18),
    ("Antal insatser", 10),
)


def _write_summary(workbook: Workbook, context: _Context) -> None:
    check = context.check
    sheet = _new_sheet(workbook, context, SUMMARY_SHEET, [w for _, w in SUMMARY_COLUMNS])
    _header(sheet, [label for label, _ in SUMMARY_COLUMNS])

    def amounts(line, bold=False):
        return [
            _amount(sheet, value, bold=bold)
            for value in (
                line.granted,
                line.allocated,
                line.unallocated,
                line.spent,
                line.unspent,
                line.repaid_by_recipients,
                line.repaid_to_state,
            )
        ]

    lines = check.balance.lines
    for line in lines:
        count = check.interventions_by_area.get(line.area_id, 0)
        sheet.append([line.number, _text(sheet, line.label), *amounts(line), count])
    total = check.balance.total
    sheet.append(
        [
            None,
            _styled(sheet, "Totalt", font=_BOLD),
            *amounts(total, bold=True),
            _styled(sheet, check.interventions, font=_BOLD),
        ]
    )
    last_column = get_column_letter(len(SUMMARY_COLUMNS))
    # The filter covers the areas, not the totals row, so sorting keeps the total last.
    sheet.auto_filter = AutoFilter(
        ref=f"A{HEADER_ROW}:{last_column}{HEADER_ROW + max(len(lines), 1)}"
    )


def _intervention_rows(agreement: Agreement) -> Iterator[tuple]:
    """Every intervention of the year with what its row needs: one streamed query."""
    category_ids = (
        _through()
        .objects.filter(intervention_id=OuterRef("pk"))
        .order_by()
        .values("intervention_id")
        .annotate(ids=StringAgg(Cast("surveycategory_id", CharField()), delimiter=Value(",")))
        .values("ids")
    )
    allocation = "follow_up__allocation__"
    rows = (
        Intervention.objects.filter(follow_up__allocation__priority_area__agreement=agreement)
        .annotate(category_ids=Subquery(category_ids, output_field=CharField()))
        .order_by(
            f"{allocation}priority_area__number",
            f"{allocation}recipient__name",
            f"{allocation}recipient_id",
            "pk",
        )
        .values_list(
            "pk",
            f"{allocation}priority_area__number",
            f"{allocation}priority_area__name",
            f"{allocation}recipient__name",
            f"{allocation}recipient__kind",
            "responsible_unit",
            "name",
            "description",
            "category_ids",
            "amount_spent",
            "results",
            "follow_up__status",
        )
    )
    return rows.iterator(chunk_size=CHUNK)


# The interventions sheet: these columns, then one per category, then these.
COLUMNS_BEFORE_CATEGORIES = (
    ("Insats-id", 10),
    ("Prioriterat område", 30),
    ("Mottagare", 32),
    ("Mottagartyp", 20),
    ("Ansvarig enhet", 26),
    ("Insats", 36),
    ("Beskrivning", 60),
)
COLUMNS_AFTER_CATEGORIES = (
    ("Förbrukat belopp (kr)", 18),
    ("Resultat och effekter", 60),
    ("Redovisningens status", 16),
)


def _write_interventions(workbook: Workbook, context: _Context) -> int:
    categories = context.check.categories
    group_labels, kinds, states = _group_labels(), _kind_labels(), _state_labels()
    category_columns = [(f"{group_labels[c.group]}: {c.label}", 16) for c in categories]
    columns = [*COLUMNS_BEFORE_CATEGORIES, *category_columns, *COLUMNS_AFTER_CATEGORIES]
    sheet = _new_sheet(workbook, context, INTERVENTIONS_SHEET, [w for _, w in columns])
    _header(sheet, [label for label, _ in columns])

    positions = [category.pk for category in categories]
    rows = 0
    for (
        pk,
        area_number,
        area_name,
        recipient,
        kind,
        unit,
        name,
        description,
        category_ids,
        amount,
        results,
        status,
    ) in _intervention_rows(context.agreement):
        chosen = {int(i) for i in category_ids.split(",")} if category_ids else set()
        sheet.append(
            [
                pk,
                _text(sheet, f"{area_number}. {area_name}"),
                _text(sheet, recipient),
                kinds.get(kind, kind),
                _text(sheet, unit),
                _text(sheet, name),
                _text(sheet, description),
                *(YES if category_id in chosen else NO for category_id in positions),
                _amount(sheet, amount),
                _text(sheet, results),
                states.get(status, status),
            ]
        )
        rows += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter = AutoFilter(ref=f"A{HEADER_ROW}:{last}{HEADER_ROW + max(rows, 1)}")
    return rows


def _write_about(
    workbook: Workbook,
    context: _Context,
    *,
    exported_at: datetime.datetime,
    exported_by: str,
    rows: int,
) -> None:
    agreement, check = context.agreement, context.check
    organisation = agreement.organisation
    sheet = _new_sheet(workbook, context, ABOUT_SHEET, [36, 70, 12])
    _header(sheet, ["Uppgift", "Värde", ""])
    with translation.override("sv"):
        status = str(agreement.get_status_display())
    local = timezone.localtime(exported_at).replace(tzinfo=None, microsecond=0)
    when = WriteOnlyCell(sheet, value=local)
    when.number_format = "yyyy-mm-dd hh:mm"
    when.alignment = Alignment(horizontal="left")
    facts = [
        (
            "Exportens status",
            f"{DRAFT_MARK}: {len(check.problems)} problem återstod vid exporten."
            if context.draft
            else "Slutlig: alla kontroller var godkända vid exporten.",
        ),
        ("Organisation", _text(sheet, organisation.name)),
        ("Kod", organisation.code),
        ("Organisationsnummer", organisation.organisation_number or None),
        ("År", agreement.year),
        ("Överenskommelse", _text(sheet, agreement.title)),
        ("Diarienummer", _text(sheet, agreement.registry_number)),
        ("Överenskommelsens status", status),
        ("Exporterad", when),
        ("Exporterad av", _text(sheet, exported_by)),
        ("Redovisningar som väntas", check.follow_ups_expected),
        ("Redovisningar som är godkända", check.follow_ups_approved),
        ("Insatser (rader på bladet Insatser)", rows),
        (
            "Belopp",
            "Kronor med öre, som tal. Summorna på bladet Sammanfattning är årets balans, "
            "exakt på öret.",
        ),
    ]
    for label, value in facts:
        sheet.append([_styled(sheet, label, font=_BOLD), value])
    sheet.append([])
    sheet.append([_styled(sheet, f"Kategorilistor {agreement.year}", font=_BOLD)])
    sheet.append([_styled(sheet, label, font=_BOLD) for label in ("Grupp", "Kategori", "Kolumn")])
    group_labels = _group_labels()
    first_category_column = len(COLUMNS_BEFORE_CATEGORIES) + 1
    for index, category in enumerate(check.categories):
        sheet.append(
            [
                group_labels[category.group],
                _text(sheet, category.label),
                get_column_letter(first_category_column + index),
            ]
        )


@dataclass(frozen=True)
class SurveyExport:
    check: SurveyCheck
    rows: int
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
) -> SurveyExport:
    """Write the year's enkät workbook to `output` (a binary file).

    Raises SurveyRefused before writing anything when problems remain and `draft` is False.
    Five queries whatever the size of the year: the four of `survey_check` and the stream.
    """
    check = survey_check(agreement)
    if check.problems and not draft:
        raise SurveyRefused(check)
    context = _Context(agreement=agreement, check=check, draft=draft)
    workbook = Workbook(write_only=True)
    title = f"Enkät {agreement.year} – {agreement.organisation.name}"
    workbook.properties.title = f"{title} (utkast)" if draft else title
    workbook.properties.language = "sv-SE"
    workbook.properties.creator = "Stimulansmedel psykisk hälsa"
    _write_summary(workbook, context)
    rows = _write_interventions(workbook, context)
    _write_about(
        workbook,
        context,
        exported_at=now or timezone.now(),
        exported_by=exported_by,
        rows=rows,
    )
    workbook.save(output)
    return SurveyExport(check=check, rows=rows, draft=draft)
