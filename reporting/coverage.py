"""Coverage: how much of an organisation's money and work serves each priority of its plans.

Per goal area and plan priority of the organisation's active plans, and per year: the number
of insatser linked to the priority, the money allocated (fördelningar linked to it) and the
money spent (the linked insatser's förbrukat belopp).

How shared money is counted
---------------------------
An allocation or insats linked to several priorities is split equally between them, to the
öre, with the leftover öre going to the first priorities in plan order, so the parts add up
exactly to the amount. The money columns can therefore be added up: their sum is exactly the
money that carries links. An insats, on the other hand, is counted once under each priority
it serves; totals count each insats once.

Only links to the organisation's own active plans count, and only money of the organisation
itself, so a stray link cannot show another organisation's money. Allocated money comes from
the allocations' own links and spent money from the insatser's own links: an insats does not
inherit its allocation's priorities.

The number of queries is constant: one each for the priorities, the allocation links, the
insats links and the year totals, whatever the number of plans, years or rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from funds.models import ZERO, Agreement, Allocation, Intervention, Organisation
from plans.models import ActionPlan, GoalArea, PlanPriority

ORE = Decimal("0.01")


def split_equally(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` shares that differ by at most one öre and add up exactly."""
    ore = int((amount / ORE).to_integral_value())
    share, left = divmod(ore, parts)
    return [(share + (1 if index < left else 0)) * ORE for index in range(parts)]


@dataclass
class Figures:
    interventions: int = 0
    allocated: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def funded(self) -> bool:
        """Funded work: money allocated or spent, or at least one insats reported."""
        return bool(self.interventions or self.allocated or self.spent)


@dataclass
class PriorityCoverage:
    priority: PlanPriority
    year: int
    by_year: dict[int, Figures] = field(default_factory=dict)

    @property
    def current(self) -> Figures:
        return self.by_year[self.year]

    @property
    def years(self) -> list[Figures]:
        return [self.by_year[year] for year in sorted(self.by_year)]


@dataclass
class GoalAreaCoverage:
    goal_area: GoalArea
    rows: list[PriorityCoverage]
    total: Figures  # the selected year; insatser counted once


@dataclass
class ChartRow:
    label: str
    name: str
    allocated: Decimal
    spent: Decimal
    funded: bool
    y: int
    allocated_width: int
    spent_width: int

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + max(self.allocated_width, self.spent_width) + 8

    @property
    def spent_y(self) -> int:
        return self.y + 14

    @property
    def text_y(self) -> int:
        return self.y + 16


@dataclass
class Chart:
    width: int
    height: int
    bar_start: int
    rows: list[ChartRow]


@dataclass
class Coverage:
    organisation: Organisation
    year: int
    years: list[int]
    plans: list[ActionPlan]
    goal_areas: list[GoalAreaCoverage]
    total: Figures  # everything linked in the selected year, each allocation/insats once
    total_allocated: Decimal  # everything allocated that year, linked or not
    totals_by_year: dict[int, Figures]

    @property
    def rows(self) -> list[PriorityCoverage]:
        return [row for area in self.goal_areas for row in area.rows]

    @property
    def unfunded(self) -> list[PriorityCoverage]:
        return [row for row in self.rows if not row.current.funded]

    @property
    def unlinked_allocated(self) -> Decimal:
        return self.total_allocated - self.total.allocated

    @property
    def plans_outside_period(self) -> list[ActionPlan]:
        return [plan for plan in self.plans if not plan.covers(self.year)]

    @property
    def year_totals(self) -> list[tuple[int, Figures]]:
        return [(year, self.totals_by_year[year]) for year in self.years]

    def chart(self) -> Chart:
        return coverage_chart(self)


def coverage_build(*, organisation: Organisation, year: int) -> Coverage:
    """Coverage of the organisation's active plans for `year`, with every year it has an
    agreement for comparison."""
    priorities = list(
        PlanPriority.objects.filter(
            goal_area__plan__owner=organisation,
            goal_area__plan__status=ActionPlan.Status.ACTIVE,
        )
        .select_related("goal_area__plan")
        .order_by(
            "goal_area__plan__period_start", "goal_area__plan_id", "goal_area__number", "number"
        )
    )
    year_totals = dict(
        Agreement.objects.filter(organisation=organisation)
        .annotate(total=Sum("priority_areas__allocations__amount"))
        .values_list("year", "total")
    )
    years = sorted(set(year_totals) | {year})
    tally = _Tally(priorities, years)
    links = _PriorityLinks(organisation, tally.order)
    for (_, link_year, amount), ids in links(Allocation, "amount", "priority_area__agreement"):
        tally.add_allocation(link_year, amount, ids)
    interventions = links(
        Intervention, "amount_spent", "follow_up__allocation__priority_area__agreement"
    )
    for (_, link_year, amount), ids in interventions:
        tally.add_intervention(link_year, amount, ids)
    goal_areas, plans = tally.goal_areas(priorities, year)
    return Coverage(
        organisation=organisation,
        year=year,
        years=years,
        plans=plans,
        goal_areas=goal_areas,
        total=tally.totals[year],
        total_allocated=year_totals.get(year) or ZERO,
        totals_by_year=tally.totals,
    )


class _PriorityLinks:
    """The links of an organisation's objects (allocations or insatser) to the priorities
    in `order`: {(object id, year, amount): [priority ids in plan order]}, one query."""

    def __init__(self, organisation: Organisation, order: dict[int, int]) -> None:
        self.organisation, self.order = organisation, order

    def __call__(self, model, amount_field: str, year_field: str):
        name = model._meta.model_name
        grouped: dict[tuple[int, int, Decimal], list[int]] = defaultdict(list)
        rows = (
            model.plan_priorities.through.objects.filter(planpriority_id__in=self.order)
            .filter(**{f"{name}__{year_field}__organisation": self.organisation})
            .values_list(
                f"{name}_id",
                f"{name}__{year_field}__year",
                f"{name}__{amount_field}",
                "planpriority_id",
            )
        )
        for object_id, link_year, amount, priority_id in rows:
            grouped[object_id, link_year, amount].append(priority_id)
        for ids in grouped.values():
            ids.sort(key=self.order.__getitem__)
        return grouped.items()


class _Tally:
    """The figures per priority, goal area and year as the links are added."""

    def __init__(self, priorities: list[PlanPriority], years: list[int]) -> None:
        self.order = {p.pk: index for index, p in enumerate(priorities)}
        self.figures = {p.pk: {y: Figures() for y in years} for p in priorities}
        self.totals = {y: Figures() for y in years}
        self.area_totals: dict[tuple[int, int], Figures] = defaultdict(Figures)
        self.area_of = {p.pk: p.goal_area_id for p in priorities}

    def add_allocation(self, link_year: int, amount: Decimal, ids: list[int]) -> None:
        self.totals[link_year].allocated += amount
        for priority_id, share in zip(ids, split_equally(amount, len(ids)), strict=True):
            self.figures[priority_id][link_year].allocated += share
            self.area_totals[self.area_of[priority_id], link_year].allocated += share

    def add_intervention(self, link_year: int, amount: Decimal, ids: list[int]) -> None:
        self.totals[link_year].spent += amount
        self.totals[link_year].interventions += 1
        for priority_id, share in zip(ids, split_equally(amount, len(ids)), strict=True):
            self.figures[priority_id][link_year].spent += share
            self.figures[priority_id][link_year].interventions += 1
            self.area_totals[self.area_of[priority_id], link_year].spent += share
        for area_id in {self.area_of[priority_id] for priority_id in ids}:
            self.area_totals[area_id, link_year].interventions += 1

    def goal_areas(
        self, priorities: list[PlanPriority], year: int
    ) -> tuple[list[GoalAreaCoverage], list[ActionPlan]]:
        """The priorities grouped by goal area in plan order, and the plans they belong to."""
        goal_areas: list[GoalAreaCoverage] = []
        plans: list[ActionPlan] = []
        for priority in priorities:
            area = priority.goal_area
            if area.plan not in plans:
                plans.append(area.plan)
            if not goal_areas or goal_areas[-1].goal_area.pk != area.pk:
                goal_areas.append(
                    GoalAreaCoverage(goal_area=area, rows=[], total=self.area_totals[area.pk, year])
                )
            goal_areas[-1].rows.append(
                PriorityCoverage(priority=priority, year=year, by_year=self.figures[priority.pk])
            )
        return goal_areas, plans


# The chart: geometry only; templates/reporting/coverage.html draws it as SVG.
CHART_WIDTH = 720
LABEL_WIDTH = 48
VALUE_WIDTH = 190  # room for "18,5 mnkr" / "inget finansierat arbete" after the longest bar
ROW_HEIGHT = 34
TOP = 40


def coverage_chart(coverage: Coverage) -> Chart:
    """One row per priority: a bar for allocated and a thinner one for spent, the selected
    year, all on one scale."""
    rows = coverage.rows
    scale_max = max([max(row.current.allocated, row.current.spent) for row in rows] or [ZERO])
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def width(amount: Decimal) -> int:
        if not scale_max or not amount:
            return 0
        return max(2, int(amount * span / scale_max))  # a visible sliver for tiny amounts

    return Chart(
        width=CHART_WIDTH,
        height=TOP + ROW_HEIGHT * len(rows) + 8,
        bar_start=LABEL_WIDTH,
        rows=[
            ChartRow(
                label=row.priority.code,
                name=row.priority.name,
                allocated=row.current.allocated,
                spent=row.current.spent,
                funded=row.current.funded,
                y=TOP + ROW_HEIGHT * index,
                allocated_width=width(row.current.allocated),
                spent_width=width(row.current.spent),
            )
            for index, row in enumerate(rows)
        ],
    )
