"""The analysis's tables: insatser and money per enkät question, national area and route.

How money is counted: every table's money column adds up exactly, to the öre, to the money
spent in the approved reports it covers. An insats that chose several options of a question
(two activity types, say) has its money split equally between them on the öre (as the
coverage page does, reporting.coverage.split_equally); it is counted once under each option
it chose, so the count column may add up to more than the number of insatser. A third
column, as seed 003 counts "insatser där ungdomsmottagningar varit ansvarig verksamhet,
ensamt eller tillsammans med andra", gives the whole money of every insats that chose the
option. Money an approved report spent but did not put on an insats is a row of its own, so
nothing is lost; reports not yet approved are left out and said to be.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from funds.models import ZERO, SurveyCategory
from reporting.coverage import split_equally

# The dimensions, in the order of the page: (key, heading, kind). Group keys are those of
# SurveyCategory.Group; "national_area" and "route" come from the insats's priority area.
DIMENSIONS: list[tuple[str, str]] = [
    (SurveyCategory.Group.ACTIVITY_TYPE, "Typ av insats"),
    (SurveyCategory.Group.PERFORMANCE, "Prestation"),
    (SurveyCategory.Group.GOAL, "Mål"),
    (SurveyCategory.Group.TARGET_GROUP, "Målgrupp"),
    (SurveyCategory.Group.RESPONSIBLE_UNIT, "Ansvarig verksamhet"),
    (SurveyCategory.Group.PERSPECTIVE, "Perspektiv"),
    (SurveyCategory.Group.COLLABORATION, "Samverkan"),
    ("national_area", "Nationellt prioriterat område"),
    ("route", "Nationell uppföljning"),
]
CATEGORY_GROUPS = {key for key, _ in DIMENSIONS} - {"national_area", "route"}
NONE_CHOSEN = "Inget alternativ valt"
NOT_ON_INSATS = "Förbrukat men inte fört på någon insats"
HUNDRED = Decimal(100)


@dataclass
class Insats:
    """One insats as the analysis sees it: its money and its answer per dimension."""

    pk: int
    year: int
    amount: Decimal
    answers: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Row:
    label: str
    count: int = 0
    money: Decimal = ZERO  # split equally between the options an insats chose
    money_whole: Decimal = ZERO  # the whole money of the insatser that chose the option
    extra: bool = False  # "inget alternativ valt" and money not on an insats

    def count_share(self, total: int) -> Decimal:
        return _percent(Decimal(self.count), Decimal(total))

    def money_share(self, total: Decimal) -> Decimal:
        return _percent(self.money, total)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return ZERO
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Table:
    key: str
    heading: str
    rows: list[Row]
    insatser: int
    spent: Decimal

    @property
    def money_sum(self) -> Decimal:
        return sum((row.money for row in self.rows), ZERO)

    @property
    def options(self) -> list[Row]:
        """The rows that are real answers, most insatser first (ties: most money)."""
        chosen = [row for row in self.rows if not row.extra and row.count]
        return sorted(chosen, key=lambda row: (-row.count, -row.money, row.label))

    @property
    def anchor(self) -> str:
        return f"tabell-{self.key.replace('_', '-')}"

    def shares(self) -> list[tuple[Row, Decimal, Decimal]]:
        return [
            (row, row.count_share(self.insatser), row.money_share(self.spent)) for row in self.rows
        ]


def build_table(
    key: str,
    heading: str,
    insatser: list[Insats],
    order: list[str],
    not_on_insats: Decimal,
    spent: Decimal,
) -> Table:
    """One dimension's table over `insatser`; `order` is the options' order of the enkät."""
    rows = {label: Row(label) for label in order}
    for insats in insatser:
        chosen = insats.answers.get(key) or [NONE_CHOSEN]
        for label, share in zip(chosen, split_equally(insats.amount, len(chosen)), strict=True):
            row = rows.setdefault(label, Row(label, extra=label == NONE_CHOSEN))
            row.count += 1
            row.money += share
            row.money_whole += insats.amount
    listed = [row for row in rows.values() if row.count or not row.extra]
    if not_on_insats:
        listed.append(Row(NOT_ON_INSATS, money=not_on_insats, extra=True))
    # The extra rows last, whatever order they were met in.
    listed.sort(key=lambda row: row.extra)
    return Table(key=key, heading=heading, rows=listed, insatser=len(insatser), spent=spent)


def option_order(categories: list[tuple[str, str, int, int]]) -> dict[str, list[str]]:
    """Each group's labels in the enkät's order (latest year's position first seen wins)."""
    order: dict[str, list[str]] = defaultdict(list)
    for group, label, _position, _year in sorted(categories, key=lambda c: (-c[3], c[2])):
        if label not in order[group]:
            order[group].append(label)
    return order


# --- Across years: one question's tables, one per year, side by side ----------------------


@dataclass(frozen=True)
class YearColumn:
    """An option's cell in one year: insatser, money and share of the year's money."""

    count: int
    money: Decimal
    share: Decimal  # percent with one decimal


@dataclass(frozen=True)
class YearsRow:
    label: str
    cells: list[YearColumn]  # one per year, oldest first
    extra: bool = False


@dataclass(frozen=True)
class YearTotal:
    """A year's whole: its insatser, the money its approved reports spent, and how many
    organisations' agreements it covers."""

    year: int
    insatser: int
    spent: Decimal
    organisations: int


@dataclass(frozen=True)
class YearsTable:
    key: str
    heading: str
    rows: list[YearsRow]
    totals: list[YearTotal]

    @property
    def anchor(self) -> str:
        return f"tabell-{self.key.replace('_', '-')}"

    @property
    def money_sums(self) -> list[Decimal]:
        """Each year's money column added up: the year's spent money, to the öre."""
        return [
            sum((row.cells[i].money for row in self.rows), ZERO) for i in range(len(self.totals))
        ]

    @property
    def columns(self) -> list[tuple[YearTotal, Decimal]]:
        return list(zip(self.totals, self.money_sums, strict=True))


def years_table(key: str, heading: str, tables: list[Table], totals: list[YearTotal]) -> YearsTable:
    """One question's tables, one per year, as rows with a cell per year (0 where a year
    did not have the option); the extra rows last, as in each year's table."""
    extra: dict[str, bool] = {}
    for table in tables:
        for row in table.rows:
            extra.setdefault(row.label, row.extra)
    by_label = [{row.label: row for row in table.rows} for table in tables]
    rows = []
    for label in sorted(extra, key=lambda label: extra[label]):  # stable: the first-met order
        cells = []
        for table, rows_of_year in zip(tables, by_label, strict=True):
            row = rows_of_year.get(label)
            cells.append(
                YearColumn(row.count, row.money, row.money_share(table.spent))
                if row
                else YearColumn(0, ZERO, ZERO)
            )
        rows.append(YearsRow(label=label, cells=cells, extra=extra[label]))
    return YearsTable(key=key, heading=heading, rows=rows, totals=totals)
