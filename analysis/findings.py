"""The findings: sentences in the lägesrapport's style, each computed from one table and
linked to it. None is written by hand; a table without answers gives no sentence."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from analysis.tables import Row, Table
from funds.money import format_kr

# Question groups whose most common option gets a sentence, with the noun for it.
_MOST_COMMON = {
    "activity_type": "den vanligaste typen av insats",
    "target_group": "den vanligaste målgruppen",
    "goal": "det vanligaste målet",
}


@dataclass(frozen=True)
class Finding:
    text: str
    anchor: str  # the table it is computed from


def procent(share: Decimal) -> str:
    """A share in whole percent as a report writes it: "35 procent", "mindre än 1 procent"."""
    whole = share.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if share and not whole:
        return "mindre än 1 procent"
    return f"{whole} procent"


def _most_common(table: Table, noun: str) -> Finding | None:
    options = table.options
    if not options:
        return None
    top = options[0]
    count = top.count_share(table.insatser)
    money = top.money_share(table.spent)
    tied = [row.label for row in options if row.count == top.count]
    if len(tied) > 1:
        names = ", ".join(tied[:-1]) + " och " + tied[-1]
        text = f"{names} är lika vanliga ({procent(count)} av insatserna var)."
        return Finding(text, table.anchor)
    joint = "men har" if money < count else "och har"
    text = (
        f"{top.label} är {noun} ({procent(count)} av insatserna) "
        f"{joint} fått {procent(money)} av medlen."
    )
    richest = max(options, key=lambda row: row.money)
    if richest is not top:
        text += (
            f" Störst andel av medlen, {procent(richest.money_share(table.spent))}, "
            f"har gått till {richest.label}."
        )
    return Finding(text, table.anchor)


def _responsible(table: Table) -> list[Finding]:
    rows: list[Row] = sorted(table.options, key=lambda row: (-row.money_whole, row.label))
    return [
        Finding(
            f"Totalt har {format_kr(row.money_whole)} lagts på insatser med ansvarig "
            f"verksamhet ”{row.label}”, ensamt eller tillsammans med andra verksamheter "
            f"({row.count} av {table.insatser} insatser).",
            table.anchor,
        )
        for row in rows
    ]


def _largest_money(table: Table, what: str) -> Finding | None:
    rows = [row for row in table.rows if row.money]
    if not rows:
        return None
    parts = ", ".join(
        f"{row.label} {procent(row.money_share(table.spent))}"
        for row in sorted(rows, key=lambda row: (-row.money, row.label))
    )
    return Finding(f"Medlen per {what}: {parts}.", table.anchor)


def findings_for(tables: dict[str, Table]) -> list[Finding]:
    """The findings over the tables, in the order of the page."""
    found: list[Finding | None] = []
    for key, noun in _MOST_COMMON.items():
        if key in tables:
            found.append(_most_common(tables[key], noun))
    if "responsible_unit" in tables:
        found += _responsible(tables["responsible_unit"])
    if "national_area" in tables:
        found.append(_largest_money(tables["national_area"], "nationellt prioriterat område"))
    if "route" in tables:
        found.append(_largest_money(tables["route"], "nationell uppföljning"))
    return [finding for finding in found if finding is not None]
