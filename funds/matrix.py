"""The allocation matrix of one agreement: recipients × priority areas, with every total.

Built from three queries (areas, recipients, allocations) whatever the size; all sums are
exact Decimals added in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from funds.models import ZERO, Agreement, Allocation, PriorityArea, Recipient
from funds.money import format_percent


@dataclass
class Cell:
    area: PriorityArea
    recipient: Recipient
    allocation: Allocation | None
    # What the page shows for the cell (the stored value, or a refused input and its error).
    state: object = None

    @property
    def amount(self) -> Decimal:
        return self.allocation.amount if self.allocation else ZERO

    @property
    def version(self) -> int:
        return self.allocation.version if self.allocation else 0

    @property
    def key(self) -> str:
        return f"{self.area.pk}-{self.recipient.pk}"


@dataclass
class Row:
    recipient: Recipient
    cells: list[Cell]
    valid: bool = True

    @property
    def total(self) -> Decimal:
        return sum((cell.amount for cell in self.cells), ZERO)


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

    def row(self, recipient_id: int) -> Row | None:
        for group in self.groups:
            for row in group.rows:
                if row.recipient.pk == recipient_id:
                    return row
        return None

    def column(self, area_id: int) -> AreaColumn:
        return next(column for column in self.columns if column.area.pk == area_id)


def build_matrix(agreement: Agreement) -> Matrix:
    areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    allocations = {
        (a.priority_area_id, a.recipient_id): a
        for a in Allocation.objects.filter(priority_area__agreement=agreement)
    }
    # Every recipient that existed during the year, and any that holds money in it.
    recipients = (
        Recipient.objects.filter(organisation_id=agreement.organisation_id)
        .filter(
            Q(pk__in=Recipient.objects.valid_in_year(agreement.year).values("pk"))
            | Q(allocations__priority_area__agreement=agreement)
        )
        .distinct()
        .order_by("name")
    )
    columns = [AreaColumn(area) for area in areas]
    groups = {
        kind: KindGroup(kind, GROUP_LABELS[kind], subtotals=[Subtotal(area) for area in areas])
        for kind in Recipient.Kind.values
    }
    for recipient in recipients:
        cells = [Cell(area, recipient, allocations.get((area.pk, recipient.pk))) for area in areas]
        group = groups[recipient.kind]
        group.rows.append(Row(recipient, cells, recipient.is_valid_in_year(agreement.year)))
        for index, cell in enumerate(cells):
            group.subtotals[index].amount += cell.amount
            columns[index].allocated += cell.amount
    allocated = sum((column.allocated for column in columns), ZERO)
    for group in groups.values():
        group.share = format_percent(group.total, allocated)
    return Matrix(agreement=agreement, columns=columns, groups=list(groups.values()))
