"""The allocation matrix of one agreement: recipients × priority areas, with every total.

The page is built from four queries whatever the size (areas with their national areas, the
sums per recipient kind and area, recipients, allocations). A cell save answers with the
totals of its row and its column only (`row_total`, `column_by_kind`); the page then asks
for the agreement-wide totals (`matrix_totals`, one aggregate) once the edits pause. All sums
are exact Decimals.

A large organisation's matrix has thousands of cells, so a cell's markup is built here in
Python (`cell_html`) rather than by a template include per cell; the htmx answer to a cell
save uses the same function, so the page and the answer cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from funds.models import ZERO, Agreement, Allocation, PriorityArea, Recipient
from funds.money import format_amount_input, format_kr, format_percent
from funds.templatetags.words import soft_hyphens

# Query values of the page's view controls (Swedish in the URL, as the user sees them).
SORTS = {"namn": "Namn", "summa": "Summa, störst först"}


@dataclass(slots=True, frozen=True)
class Held:
    """What the matrix needs of a stored allocation: read as a plain row, since building a
    model instance per cell was most of the page's database time in Python (14 ms against
    1,8 ms at 300 × 8)."""

    pk: int
    amount: Decimal
    version: int
    comment: str


@dataclass(slots=True)
class Cell:
    area: PriorityArea
    recipient: Recipient
    allocation: Allocation | Held | None
    # A refused input: what the user typed, and why it was refused (message and code).
    typed: str | None = None
    error: str = ""
    error_code: str = ""

    @property
    def amount(self) -> Decimal:
        return self.allocation.amount if self.allocation else ZERO

    @property
    def version(self) -> int:
        return self.allocation.version if self.allocation else 0

    @property
    def key(self) -> str:
        return f"{self.area.id}-{self.recipient.id}"  # .id: .pk is a property, thousands of times

    @property
    def saved(self) -> str:
        """The stored amount as the input shows it ("" for none)."""
        return format_amount_input(self.amount) if self.allocation and self.amount else ""

    @property
    def value(self) -> str:
        return self.typed if self.typed is not None else self.saved

    @property
    def comment(self) -> str:
        return self.allocation.comment if self.allocation else ""


@dataclass
class Row:
    recipient: Recipient
    cells: list[Cell]
    valid: bool = True
    total: Decimal = ZERO
    html: str = ""  # the whole <tr>, built by row_html for the page

    @property
    def total_cell(self) -> SafeString:
        return row_total_html(self)

    @property
    def total_cell_oob(self) -> SafeString:
        """The row's total as a cell save's answer swaps it in (htmx out of band)."""
        return row_total_html(self, oob=True)


@dataclass
class AreaColumn:
    area: PriorityArea
    allocated: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.area.granted - self.allocated

    @property
    def over_allocated(self) -> bool:
        return self.allocated > self.area.granted

    @property
    def national_label(self) -> str:
        national = self.area.national_area
        if national is not None:
            return f"Nationellt område {national.number}: {national.short_name}"
        if self.area.own_priority_reason.strip():
            return "Egen prioritering"
        return "Inte kopplat till nationellt område"


@dataclass
class Subtotal:
    area: PriorityArea
    amount: Decimal = ZERO


@dataclass
class KindGroup:
    kind: str
    label: str
    rows: list[Row] = field(default_factory=list)
    subtotals: list[Subtotal] = field(default_factory=list)
    share: str = ""

    @property
    def total(self) -> Decimal:
        return sum((subtotal.amount for subtotal in self.subtotals), ZERO)

    def subtotal(self, area_id: int) -> Subtotal:
        return next(subtotal for subtotal in self.subtotals if subtotal.area.pk == area_id)


GROUP_LABELS = {
    Recipient.Kind.DISTRICT: "Stadsdelsförvaltningar",
    Recipient.Kind.DEPARTMENT: "Fackförvaltningar",
    Recipient.Kind.ASSOCIATION: "Civilsamhället (föreningar)",
    Recipient.Kind.OTHER: "Övriga",
}


@dataclass
class Matrix:
    agreement: Agreement
    columns: list[AreaColumn]
    groups: list[KindGroup]

    @property
    def granted(self) -> Decimal:
        return sum((column.area.granted for column in self.columns), ZERO)

    @property
    def allocated(self) -> Decimal:
        return sum((column.allocated for column in self.columns), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.granted - self.allocated

    @property
    def over_allocated(self) -> list[AreaColumn]:
        return [column for column in self.columns if column.over_allocated]

    def cells(self):
        for group in self.groups:
            for row in group.rows:
                yield from row.cells

    def group(self, kind: str) -> KindGroup:
        return next(group for group in self.groups if group.kind == kind)

    def column(self, area_id: int) -> AreaColumn:
        return next(column for column in self.columns if column.area.pk == area_id)


def matrix_areas(agreement: Agreement) -> list[PriorityArea]:
    """The agreement's areas with their national areas, in one query."""
    areas = list(
        PriorityArea.objects.filter(agreement=agreement)
        .select_related("national_area")
        .order_by("number")
    )
    for area in areas:
        area.agreement = agreement
    return areas


def matrix_totals(agreement: Agreement, areas: list[PriorityArea]) -> Matrix:
    """Every total of the matrix (per area, per recipient kind and area, overall) from one
    aggregate query, without its rows."""
    columns = [AreaColumn(area) for area in areas]
    index = {area.pk: i for i, area in enumerate(areas)}
    groups = {
        kind: KindGroup(kind, GROUP_LABELS[kind], subtotals=[Subtotal(area) for area in areas])
        for kind in Recipient.Kind.values
    }
    sums = (
        Allocation.objects.filter(priority_area__agreement=agreement)
        .order_by()
        .values_list("recipient__kind", "priority_area_id")
        .annotate(total=Sum("amount"))
    )
    for kind, area_id, total in sums:
        groups[kind].subtotals[index[area_id]].amount = total
        columns[index[area_id]].allocated += total
    allocated = sum((column.allocated for column in columns), ZERO)
    for group in groups.values():
        group.share = format_percent(group.total, allocated)
    return Matrix(agreement=agreement, columns=columns, groups=list(groups.values()))


def build_matrix(agreement: Agreement, *, sort: str = "namn", kind: str = "") -> Matrix:
    """The matrix with its rows: every recipient of `kind` (all kinds when empty) that existed
    during the year or holds money in it, sorted by name or by total (largest first)."""
    areas = matrix_areas(agreement)
    matrix = matrix_totals(agreement, areas)
    allocations = Allocation.objects.filter(priority_area__agreement=agreement)
    # The year's recipients and those holding money in it, the holders as a semi-join: no
    # join over the allocations and no DISTINCT (they took 19 ms of the 300 × 8 page's 34 ms
    # of queries).
    mine = Recipient.objects.filter(organisation_id=agreement.organisation_id)
    holders = Allocation.objects.filter(priority_area__agreement=agreement).values("recipient_id")
    recipients = (mine.valid_in_year(agreement.year) | mine.filter(pk__in=holders)).order_by("name")
    if kind:
        allocations = allocations.filter(recipient__kind=kind)
        recipients = recipients.filter(kind=kind)
    rows = allocations.order_by().values_list(
        "priority_area_id", "recipient_id", "pk", "amount", "version", "comment"
    )
    by_cell = {(area_id, recipient_id): Held(*held) for area_id, recipient_id, *held in rows}
    groups = {group.kind: group for group in matrix.groups}
    for recipient in recipients:
        cells = [Cell(area, recipient, by_cell.get((area.id, recipient.id))) for area in areas]
        total = sum((cell.amount for cell in cells), ZERO)
        groups[recipient.kind].rows.append(
            Row(recipient, cells, recipient.is_valid_in_year(agreement.year), total)
        )
    if sort == "summa":
        for group in matrix.groups:
            group.rows.sort(key=lambda row: -row.total)  # stable: equal totals stay by name
    return matrix


def column_by_kind(area: PriorityArea) -> dict[str, Decimal]:
    """One area's allocated sums per recipient kind: one aggregate over the column."""
    sums = (
        Allocation.objects.filter(priority_area=area)
        .order_by()
        .values_list("recipient__kind")
        .annotate(total=Sum("amount"))
    )
    return dict(sums)


def row_total(agreement: Agreement, recipient: Recipient) -> Decimal:
    return (
        Allocation.objects.filter(
            recipient=recipient, priority_area__agreement=agreement
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )


# The markup of a cell --------------------------------------------------------------------


@dataclass(frozen=True)
class CellUrls:
    """URL prefixes, reversed once per page: a cell's URL is prefix + "<area>/<recipient>/"."""

    save: str
    history: str
    comment: str


def cells_html(cells: list[Cell], *, editable: bool, urls: CellUrls) -> SafeString:
    """The <td>s of a row's cells."""
    # Safe: every text from the database is escaped in cell_content_html.
    return mark_safe(  # noqa: S308
        "".join(f"<td>{cell_content_html(cell, editable, urls)}</td>" for cell in cells)
    )


def row_total_html(row: Row, *, oob: bool = False) -> SafeString:
    """The row's total cell: on the page, and (`oob`) in a cell save's answer."""
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 (an integer id and a formatted amount)
        f'<td id="rowtotal-{row.recipient.pk}" class="num total sum"{swap}>'
        f"{format_kr(row.total)}</td>"
    )


def row_html(row: Row, *, year: int, editable: bool, urls: CellUrls) -> SafeString:
    """A recipient's whole row: its heading (the name, escaped, with soft hyphens in long
    compound words), its cells and its total. Built here rather than by the template for
    each of a large matrix's rows (the template's loop was 18 ms of 43 at 300 × 8)."""
    gone = "" if row.valid else f' <span class="muted">(fanns inte {year})</span>'
    return mark_safe(  # noqa: S308 (the name is escaped by soft_hyphens, the rest is ours)
        f'<tr>\n<th scope="row"><span id="r{row.recipient.pk}">'
        f"{soft_hyphens(row.recipient.name)}</span>{gone}</th>"
        f"{cells_html(row.cells, editable=editable, urls=urls)}{row_total_html(row)}</tr>"
    )


def cell_content_html(cell: Cell, editable: bool, urls: CellUrls) -> str:
    """A cell's markup, lean because a matrix has thousands of them: what the page's script
    can work out from the cell's name or from the row and column headers (its label, the
    URLs of its save, history and comment) is not repeated in every cell. The input's name
    is amount-<area>-<recipient>; its label is the row's and the column's heading
    (aria-labelledby r<recipient> c<area>); its value attribute is the saved amount unless
    a refused value is shown, which then carries the saved one in data-saved."""
    key = cell.key
    comment = cell.comment
    if not editable:
        return _read_only_html(cell, urls)
    described = [f"error-{key}"] if cell.error else []
    if comment:
        described.append(f"comment-{key}")
    attributes = ' aria-invalid="true"' if cell.error else ""
    if described:
        attributes += f' aria-describedby="{" ".join(described)}"'
    stored = cell.saved  # formatted once: a matrix has thousands of cells
    if cell.typed is None or cell.typed == stored:
        value, saved = stored, ""
    else:
        value, saved = escape(cell.typed), f' data-saved="{stored}"'
    parts = [
        f'<input name="amount-{key}" id="amount-{key}" value="{value}"{saved}'
        f' aria-labelledby="r{cell.recipient.id} c{cell.area.id}"{attributes}>'
        f'<input type="hidden" name="version-{key}" value="{cell.version}">'
    ]
    if cell.error:
        parts.append(
            f'<span class="cell-error" id="error-{key}" role="alert"'
            f' data-code="{cell.error_code}">{escape(cell.error)}</span>'
        )
    if comment:
        text = escape(comment)
        parts.append(
            f'<span class="comment-mark" title="{text}"><span class="visually-hidden"'
            f' id="comment-{key}">Kommentar: {text}</span></span>'
        )
    return "".join(parts)


def _read_only_html(cell: Cell, urls: CellUrls) -> str:
    """A cell that cannot be changed: its amount as a link to its history (a Tab stop of its
    own: there are no inputs to move between), and its comment."""
    if cell.allocation is None:
        return ""
    parts = [
        f'<a href="{urls.history}{cell.area.id}/{cell.recipient.id}/"'
        f' aria-describedby="r{cell.recipient.id} c{cell.area.id}">{format_kr(cell.amount)}</a>'
    ]
    if cell.comment:
        text = escape(cell.comment)
        parts.append(
            f'<span class="comment-mark" title="{text}"><span class="visually-hidden">'
            f"Kommentar: {text}</span></span>"
        )
    return "".join(parts)
