"""The analysis of one organisation's year, a county's or the nation's: tables, charts,
findings and, for an organisation, the years side by side.

A county's and the nation's analysis read only years that are public already: decided,
in follow-up or closed (the years the open data publishes, reporting/opendata/), never a
draft. An organisation's own page reads every year it has, for its members only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from analysis.charts import Chart, table_chart
from analysis.data import Filters, Loaded, YearMoney, insatser_load
from analysis.findings import Finding, findings_for
from analysis.tables import DIMENSIONS, Table, build_table
from funds.balance import agreement_balance
from funds.models import Agreement, Organisation

PUBLIC_STATUSES = (
    Agreement.Status.DECIDED,
    Agreement.Status.FOLLOW_UP,
    Agreement.Status.CLOSED,
)


@dataclass(frozen=True)
class YearSummary:
    """One year of an organisation's analysis, for the table across the years."""

    year: int
    insatser: int
    spent: Decimal
    activity_type: Table


@dataclass
class Analysis:
    title: str
    year: int
    filters: Filters
    tables: list[Table]
    money: YearMoney
    findings: list[Finding]
    years: list[YearSummary] = field(default_factory=list)
    covered: list[Organisation] = field(default_factory=list)
    missing: list[Organisation] = field(default_factory=list)
    # A länssamordnare's view (public_analysis with `granted`): the covered organisations
    # whose year is in only because they granted it (its status is not public yet).
    through_grant: list[Organisation] = field(default_factory=list)
    # An organisation's unfiltered year: the spent money in funds' balance of the agreement,
    # which the approved and the not yet approved reports must add up to.
    balance_spent: Decimal | None = None

    @property
    def reconciled(self) -> bool:
        return self.balance_spent == self.money.reported

    @property
    def organisations(self) -> int:
        """How many organisations a county's or the nation's analysis looked at."""
        return len(self.covered) + len(self.missing)

    @property
    def insatser(self) -> int:
        return self.tables[0].insatser if self.tables else 0

    @property
    def charts(self) -> list[tuple[Table, Chart]]:
        return [(table, table_chart(table)) for table in self.tables]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def tables_for_year(
    loaded: Loaded, year: int, keys: list[tuple[str, str]]
) -> tuple[list[Table], YearMoney]:
    """The tables of `keys` over the loaded insatser of `year`, and that year's money."""
    insatser = [insats for insats in loaded.insatser if insats.year == year]
    money = loaded.money.get(year, YearMoney())
    tables = [
        build_table(
            key,
            heading,
            insatser,
            loaded.order.get(key, []),
            money.not_on_insats,
            money.approved,
        )
        for key, heading in keys
    ]
    return tables, money


def _analysis(title: str, agreements: list[Agreement], year: int, filters: Filters) -> Analysis:
    loaded = insatser_load(agreements, filters)
    tables, money = tables_for_year(loaded, year, DIMENSIONS)
    years = []
    for other in sorted({agreement.year for agreement in agreements}):
        (activity,), other_money = tables_for_year(loaded, other, DIMENSIONS[:1])
        years.append(YearSummary(other, activity.insatser, other_money.approved, activity))
    return Analysis(
        title=title,
        year=year,
        filters=filters,
        tables=tables,
        money=money,
        findings=findings_for({table.key: table for table in tables}),
        years=years if len(years) > 1 else [],
    )


def organisation_analysis(*, agreement: Agreement, filters: Filters) -> Analysis:
    """The organisation's `agreement` year, with every year it has beside it."""
    organisation = agreement.organisation
    agreements = list(Agreement.objects.filter(organisation=organisation).order_by("year"))
    analysis = _analysis(f"{organisation}", agreements, agreement.year, filters)
    if filters == Filters(area_field=filters.area_field):
        analysis.balance_spent = agreement_balance(agreement).total.spent
    return analysis


def county_members(county_code: str) -> Q:
    """The organisations of a county (län): its kommuner (kommunkod starting with the
    länskod), its region (the länskod) and its county-wide partnership (L + länskod)."""
    return (
        Q(kind=Organisation.Kind.MUNICIPALITY, code__startswith=county_code)
        | Q(kind=Organisation.Kind.REGION, code=county_code)
        | Q(kind=Organisation.Kind.COUNTY_PARTNERSHIP, code=f"L{county_code}")
    )


def visible_years(granted: set[int] = frozenset()) -> Q:
    """The agreements an aggregate may read: public years, and every year of the
    organisations in `granted` (a länssamordnare's view of members that granted it)."""
    return Q(status__in=PUBLIC_STATUSES) | Q(organisation__in=granted)


def public_analysis(
    *, title: str, members: Q, year: int, filters: Filters, granted: set[int] = frozenset()
) -> Analysis:
    """A county's or the nation's `year` over the organisations in `members` that have
    published it (or, for a länssamordnare, granted it); the others are listed as missing.

    Nothing is counted twice: every organisation's own agreements are added, a county
    partnership's included. Money the partnership passes on to a member kommun or the region
    is an allocation of the partnership's agreement and is reported on it (the member as its
    recipient); the member's own agreement holds only what the state gave the member."""
    organisations = list(Organisation.objects.filter(members).order_by("code"))
    agreements = list(
        Agreement.objects.filter(visible_years(granted), organisation__in=organisations, year=year)
    )
    analysis = _analysis(title, agreements, year, filters)
    covered_ids = {agreement.organisation_id for agreement in agreements}
    granted_only = {a.organisation_id for a in agreements if a.status not in PUBLIC_STATUSES}
    analysis.covered = [org for org in organisations if org.pk in covered_ids]
    analysis.missing = [org for org in organisations if org.pk not in covered_ids]
    analysis.through_grant = [org for org in organisations if org.pk in granted_only]
    analysis.years = []
    return analysis
