"""The findings: sentences in the lägesrapport's style, each computed from one table and
linked to it. None is written by hand; a table without answers gives no sentence."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from analysis.tables import Row, Table, YearsTable
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


# --- Across years ----------------------------------------------------------------------


def _whole_change(tables: list[YearsTable]) -> list[Finding]:
    """The first and the last year with data: insatser and money, and, where the number of
    organisations differs (a county, the nation), that the comparison is uneven."""
    totals = tables[0].totals
    first, last = totals[0], totals[-1]
    found = [
        Finding(
            f"Från {first.year} till {last.year} har antalet insatser gått från "
            f"{first.insatser} till {last.insatser}, och medlen i godkända redovisningar "
            f"från {format_kr(first.spent)} till {format_kr(last.spent)}.",
            "aren",
        )
    ]
    if first.organisations != last.organisations:
        found.append(
            Finding(
                f"Jämför med försiktighet: {first.year} ingår {first.organisations} "
                f"organisationer och {last.year} ingår {last.organisations}.",
                "aren",
            )
        )
    return found


def _shares(before: Decimal, after: Decimal) -> tuple[str, str]:
    """Two shares in whole percent, or with one decimal where whole percent would hide the
    change ("från 20,1 procent till 20,4 procent")."""
    if procent(before) != procent(after):
        return procent(before), procent(after)
    return tuple(f"{share:.1f} procent".replace(".", ",") for share in (before, after))


def _share_change(table: YearsTable) -> Finding | None:
    """Which option grew most, and which shrank most, in share of the money between the
    first and the last year with data (the shares as the table shows them)."""
    first, last = table.totals[0], table.totals[-1]
    if not (first.spent and last.spent):
        return None
    changes = sorted(
        (row.cells[-1].share - row.cells[0].share, row.label, row.cells[0], row.cells[-1])
        for row in table.rows
        if not row.extra and (row.cells[0].money or row.cells[-1].money)
    )
    parts = []
    if changes and changes[-1][0] > 0:
        # The largest change; between equal ones, the first label in alphabetical order.
        _, label, before, after = max(changes, key=lambda change: change[0])
        was, now = _shares(before.share, after.share)
        parts.append(
            f"{label} har ökat mest som andel av medlen, från {was} {first.year} "
            f"till {now} {last.year}."
        )
    if changes and changes[0][0] < 0:
        _, label, before, after = changes[0]
        was, now = _shares(before.share, after.share)
        parts.append(f"{label} har minskat mest, från {was} till {now}.")
    if not parts:
        return None
    return Finding(f"{table.heading}: " + " ".join(parts), table.anchor)


def years_findings(tables: list[YearsTable]) -> list[Finding]:
    """The findings across years (at least two years with data), in the order of the page."""
    found = _whole_change(tables)
    for table in tables:
        change = _share_change(table)
        if change is not None:
            found.append(change)
    return found
