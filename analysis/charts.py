"""The geometry of the analysis's SVG charts: per row, the share of insatser against the
share of money, on one 0–100 percent scale, the label on a line of its own above the bars."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analysis.tables import Table

WIDTH = 640
VALUE_ROOM = 150  # right of the longest bar: "100,0 % insatser"
ROW_HEIGHT = 50
TOP = 30  # the legend
SPAN = WIDTH - VALUE_ROOM


@dataclass(frozen=True)
class ChartRow:
    label: str
    count_share: Decimal
    money_share: Decimal
    y: int

    @staticmethod
    def _width(share: Decimal) -> int:
        if not share:
            return 0
        return max(2, int(share * SPAN / 100))  # a visible sliver for tiny shares

    @property
    def count_width(self) -> int:
        return self._width(self.count_share)

    @property
    def money_width(self) -> int:
        return self._width(self.money_share)

    @property
    def label_y(self) -> int:
        return self.y + 12

    @property
    def count_y(self) -> int:
        return self.y + 18

    @property
    def money_y(self) -> int:
        return self.y + 32

    @property
    def count_text_x(self) -> int:
        return self.count_width + 6

    @property
    def money_text_x(self) -> int:
        return self.money_width + 6


@dataclass(frozen=True)
class Chart:
    rows: list[ChartRow]
    width: int = WIDTH
    # Options no insats chose: named under the chart instead of a row of "0,0 %" bars (the
    # table keeps every option).
    empty: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return TOP + ROW_HEIGHT * len(self.rows) + 4


def table_chart(table: Table) -> Chart:
    """One row per option of the table that some insats chose (the extra rows too: their
    money is real); the options nobody chose are listed apart."""
    shares = table.shares()
    chosen = [(row, count, money) for row, count, money in shares if row.count or row.money]
    return Chart(
        rows=[
            ChartRow(label=row.label, count_share=count, money_share=money, y=TOP + ROW_HEIGHT * i)
            for i, (row, count, money) in enumerate(chosen)
        ],
        empty=tuple(row.label for row, _, _ in shares if not (row.count or row.money)),
    )
