"""The analysis across years: per question, each year's insatser and money side by side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from analysis.data import Filters, insatser_load
from analysis.findings import Finding, years_findings
from analysis.report import PUBLIC_STATUSES, tables_for_year, visible_years
from analysis.tables import DIMENSIONS, YearsTable, YearTotal, years_table
from funds.models import Agreement, NationalArea, Organisation, PriorityArea

NO_FILTERS = Filters()


@dataclass
class AcrossYears:
    title: str
    tables: list[YearsTable]
    totals: list[YearTotal]
    without_data: list[int]  # years with an agreement but no approved report
    findings: list[Finding]
    filters: Filters = field(default_factory=Filters)
    # A länssamordnare's view: (organisation, year) in only because the organisation granted it.
    through_grant: list[tuple[str, int]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [total.year for total in self.totals]

    def table(self, key: str) -> YearsTable:
        return next(table for table in self.tables if table.key == key)


def _across_years(title: str, agreements: list[Agreement], filters: Filters) -> AcrossYears:
    loaded = insatser_load(agreements, filters)
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
        filters=filters,
    )


def organisation_years(*, organisation: Organisation, filters: Filters = NO_FILTERS) -> AcrossYears:
    """Every year the organisation has, drafts too: the page is for its members only."""
    agreements = list(Agreement.objects.filter(organisation=organisation).order_by("year"))
    return _across_years(f"{organisation}", agreements, filters)


def public_years(
    *,
    title: str,
    members: Q,
    filters: Filters = NO_FILTERS,
    granted: set[int] = frozenset(),
) -> AcrossYears:
    """A county's or the nation's years over the organisations in `members`, each year
    only where it is public already (decided, in follow-up or closed), never a draft; for a
    länssamordnare also every year of the members in `granted`."""
    agreements = list(
        Agreement.objects.filter(
            visible_years(granted), organisation__in=Organisation.objects.filter(members)
        )
        .select_related("organisation")
        .order_by("year", "organisation_id")
    )
    across = _across_years(title, agreements, filters)
    across.through_grant = [
        (agreement.organisation.name, agreement.year)
        for agreement in agreements
        if agreement.status not in PUBLIC_STATUSES
    ]
    return across


def area_names(organisation: Organisation | None) -> list[str]:
    """The areas the pages across years filter by, by name: the organisation's own areas,
    or (None) the national areas of every year."""
    if organisation is None:
        names = NationalArea.objects.values_list("short_name", flat=True)
    else:
        names = PriorityArea.objects.filter(agreement__organisation=organisation).values_list(
            "name", flat=True
        )
    return sorted(set(names))
