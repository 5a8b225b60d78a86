"""The analysis across years: per question, each year's insatser and money side by side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from analysis.data import Filters, insatser_load
from analysis.findings import Finding, years_findings
from analysis.report import PUBLIC_STATUSES, tables_for_year
from analysis.tables import DIMENSIONS, YearsTable, YearTotal, years_table
from funds.models import Agreement, Organisation


@dataclass
class AcrossYears:
    title: str
    tables: list[YearsTable]
    totals: list[YearTotal]
    without_data: list[int]  # years with an agreement but no approved report
    findings: list[Finding]

    @property
    def years(self) -> list[int]:
        return [total.year for total in self.totals]

    def table(self, key: str) -> YearsTable:
        return next(table for table in self.tables if table.key == key)


def _across_years(title: str, agreements: list[Agreement]) -> AcrossYears:
    loaded = insatser_load(agreements, Filters())
    organisations: dict[int, set[int]] = defaultdict(set)
    for agreement in agreements:
        organisations[agreement.year].add(agreement.organisation_id)
    with_data = {insats.year for insats in loaded.insatser} | {
        year for year, money in loaded.money.items() if money.approved
    }
    years = sorted(with_data)
    per_year = [tables_for_year(loaded, year, DIMENSIONS) for year in years]
    totals = [
        YearTotal(year, tables[0].insatser, money.approved, len(organisations[year]))
        for year, (tables, money) in zip(years, per_year, strict=True)
    ]
    tables = [
        years_table(key, heading, [tables[i] for tables, _ in per_year], totals)
        for i, (key, heading) in enumerate(DIMENSIONS)
    ]
    return AcrossYears(
        title=title,
        tables=tables,
        totals=totals,
        without_data=sorted(set(organisations) - with_data),
        findings=years_findings(tables) if len(totals) > 1 else [],
    )


def organisation_years(*, organisation: Organisation) -> AcrossYears:
    """Every year the organisation has, drafts too: the page is for its members only."""
    agreements = list(Agreement.objects.filter(organisation=organisation).order_by("year"))
    return _across_years(f"{organisation}", agreements)


def public_years(*, title: str, members: Q) -> AcrossYears:
    """A county's or the nation's years over the organisations in `members`, each year
    only where it is public already (decided, in follow-up or closed), never a draft."""
    agreements = list(
        Agreement.objects.filter(
            organisation__in=Organisation.objects.filter(members),
            status__in=PUBLIC_STATUSES,
        ).order_by("year", "organisation_id")
    )
    return _across_years(title, agreements)
