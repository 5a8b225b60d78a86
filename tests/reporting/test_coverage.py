"""reporting.coverage: per plan priority and year, insatser, allocated and spent money."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds.models import Intervention
from plans.models import ActionPlan
from reporting.coverage import coverage_build, split_equally
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def test_split_equally_adds_up_to_the_ore():
    assert split_equally(Decimal("100.00"), 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert sum(split_equally(Decimal("1000000.01"), 7)) == Decimal("1000000.01")
    assert split_equally(Decimal("5.00"), 1) == [Decimal("5.00")]


def _intervention(alloc, amount: str, name: str = "Insats") -> Intervention:
    follow_up = getattr(alloc, "follow_up", None) or f.follow_up(alloc, alloc.amount)
    return Intervention.objects.create(follow_up=follow_up, name=name, amount_spent=Decimal(amount))


@pytest.fixture
def world():
    org = f.organisation(name="Täckningsstad")
    agr_2023, agr_2024 = f.agreement(org, 2023), f.agreement(org, 2024)
    area_2023, area_2024 = f.area(agr_2023, "5000000"), f.area(agr_2024, "5000000")
    rec = f.recipient(org)
    plan = pf.plan(org)
    ga1, ga2 = pf.goal_area(plan), pf.goal_area(plan)
    p11, p12, p21 = pf.priority(ga1), pf.priority(ga1), pf.priority(ga2)
    return {
        "org": org,
        "areas": {2023: area_2023, 2024: area_2024},
        "rec": rec,
        "plan": plan,
        "p": {"1.1": p11, "1.2": p12, "2.1": p21},
    }


def test_money_shared_by_priorities_is_split_equally_and_adds_up(world):
    p = world["p"]
    shared = f.allocation(world["areas"][2023], world["rec"], "100000.00")
    shared.plan_priorities.set([p["1.1"], p["1.2"], p["2.1"]])
    other = f.allocation(world["areas"][2023], f.recipient(world["org"]), "50000.01")
    other.plan_priorities.set([p["1.1"]])
    f.allocation(world["areas"][2023], f.recipient(world["org"]), "70000.00")  # no link
    one = _intervention(shared, "30000.00", "Delad")
    one.plan_priorities.set([p["1.1"], p["2.1"]])

    coverage = coverage_build(organisation=world["org"], year=2023)

    rows = {row.priority.code: row.current for row in coverage.rows}
    assert rows["1.1"].allocated == Decimal("33333.34") + Decimal("50000.01")
    assert rows["1.2"].allocated == Decimal("33333.33")
    assert rows["2.1"].allocated == Decimal("33333.33")
    assert sum(row.allocated for row in rows.values()) == Decimal("150000.01")
    assert coverage.total.allocated == Decimal("150000.01")
    assert coverage.total_allocated == Decimal("220000.01")
    assert coverage.unlinked_allocated == Decimal("70000.00")
    # The insats counts under both of its priorities; its money is split; totals count it once.
    assert (rows["1.1"].interventions, rows["2.1"].interventions) == (1, 1)
    assert rows["1.1"].spent == rows["2.1"].spent == Decimal("15000.00")
    assert (coverage.total.interventions, coverage.total.spent) == (1, Decimal("30000.00"))
    area_totals = [area.total for area in coverage.goal_areas]
    assert [t.allocated for t in area_totals] == [Decimal("116666.68"), Decimal("33333.33")]
    assert [t.interventions for t in area_totals] == [1, 1]
    assert coverage.unfunded == []


def test_priorities_without_funded_work_are_listed(world):
    alloc = f.allocation(world["areas"][2023], world["rec"], "1000.00")
    alloc.plan_priorities.set([world["p"]["1.1"]])
    coverage = coverage_build(organisation=world["org"], year=2023)
    assert [row.priority.code for row in coverage.unfunded] == ["1.2", "2.1"]


def test_years_are_compared_side_by_side(world):
    p = world["p"]
    f.allocation(world["areas"][2023], world["rec"], "1000.00").plan_priorities.set([p["1.1"]])
    f.allocation(world["areas"][2024], world["rec"], "2000.00").plan_priorities.set([p["1.2"]])
    coverage = coverage_build(organisation=world["org"], year=2024)
    assert coverage.years == [2023, 2024]
    by_code = {row.priority.code: row for row in coverage.rows}
    assert [y.allocated for y in by_code["1.1"].years] == [Decimal("1000.00"), Decimal("0.00")]
    assert [y.allocated for y in by_code["1.2"].years] == [Decimal("0.00"), Decimal("2000.00")]
    assert [row.priority.code for row in coverage.unfunded] == ["1.1", "2.1"]
    assert [t.allocated for _, t in coverage.year_totals] == [
        Decimal("1000.00"),
        Decimal("2000.00"),
    ]


def test_only_the_organisations_active_plans_and_own_money_count(world):
    p = world["p"]
    draft = pf.plan(world["org"], title="Utkast", status=ActionPlan.Status.DRAFT)
    draft_priority = pf.priority(pf.goal_area(draft))
    stranger = f.organisation(name="Annanstad")
    stranger_area = f.area(f.agreement(stranger, 2023), "9000")
    # A stray link: another organisation's money pointing at this organisation's priority.
    f.allocation(stranger_area, f.recipient(stranger), "9000.00").plan_priorities.set([p["1.1"]])
    mine = f.allocation(world["areas"][2023], world["rec"], "1000.00")
    mine.plan_priorities.set([p["1.1"], draft_priority])

    coverage = coverage_build(organisation=world["org"], year=2023)

    assert coverage.plans == [world["plan"]]
    assert draft_priority.pk not in {row.priority.pk for row in coverage.rows}
    # Only links into the active plan count, so the allocation is not split with the draft.
    assert coverage.rows[0].current.allocated == Decimal("1000.00")
    assert coverage.total.allocated == Decimal("1000.00")


def test_a_year_without_plans_or_money_is_empty_not_an_error(world):
    ActionPlan.objects.update(status=ActionPlan.Status.ARCHIVED)
    coverage = coverage_build(organisation=world["org"], year=2023)
    assert coverage.rows == [] and coverage.plans == []
    assert coverage.chart().rows == []


def _fill(world, n: int) -> None:
    """n more priorities, allocations and insatser, each linked to two priorities."""
    org, plan = world["org"], world["plan"]
    area = pf.goal_area(plan)
    priorities = [pf.priority(area) for _ in range(n)]
    for index in range(n):
        for year in (2023, 2024):
            alloc = f.allocation(world["areas"][year], f.recipient(org), "1000.00")
            pair = [priorities[index], priorities[(index + 1) % n]]
            alloc.plan_priorities.set(pair)
            _intervention(alloc, "500.00").plan_priorities.set(pair)


def _queries(world) -> int:
    with CaptureQueriesContext(connection) as queries:
        coverage = coverage_build(organisation=world["org"], year=2023)
        coverage.chart()
        [(row.current, row.years) for row in coverage.rows]
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_data(world):
    _fill(world, 2)
    small = _queries(world)
    _fill(world, 12)
    assert _queries(world) == small == 4


def test_the_chart_puts_every_priority_on_one_scale(world):
    p = world["p"]
    f.allocation(world["areas"][2023], world["rec"], "1000.00").plan_priorities.set([p["1.1"]])
    f.allocation(world["areas"][2023], f.recipient(world["org"]), "250.00").plan_priorities.set(
        [p["1.2"]]
    )
    chart = coverage_build(organisation=world["org"], year=2023).chart()
    widths = [row.allocated_width for row in chart.rows]
    assert abs(widths[0] - 4 * widths[1]) < 4 and widths[2] == 0  # whole pixels
    assert [row.funded for row in chart.rows] == [True, True, False]
    assert chart.height > chart.rows[-1].y
