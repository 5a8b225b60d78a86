"""Plan builders for tests: sensible defaults, overridable by keyword."""

from __future__ import annotations

from decimal import Decimal

from plans.models import ActionPlan, Activity, Goal, GoalArea, Indicator, PlanPriority


def plan(owner, **kwargs) -> ActionPlan:
    defaults = {
        "title": "Handlingsplan psykisk hälsa",
        "scope": ActionPlan.Scope.LOCAL,
        "period_start": 2023,
        "period_end": 2025,
        "status": ActionPlan.Status.ACTIVE,
    }
    defaults.update(kwargs)
    return ActionPlan.objects.create(owner=owner, **defaults)


def goal_area(p: ActionPlan, **kwargs) -> GoalArea:
    number = kwargs.pop("number", p.goal_areas.count() + 1)
    defaults = {"name": f"Målområde {number}"}
    defaults.update(kwargs)
    return GoalArea.objects.create(plan=p, number=number, **defaults)


def priority(area: GoalArea, **kwargs) -> PlanPriority:
    number = kwargs.pop("number", area.priorities.count() + 1)
    defaults = {"name": f"Prioriterat område {area.number}.{number}"}
    defaults.update(kwargs)
    return PlanPriority.objects.create(goal_area=area, number=number, **defaults)


def activity(p: PlanPriority, **kwargs) -> Activity:
    defaults = {"kind": Activity.Kind.PRIORITISED, "text": "Ta fram ett stödmaterial"}
    defaults.update(kwargs)
    return Activity.objects.create(priority=p, **defaults)


def goal(p: PlanPriority, **kwargs) -> Goal:
    defaults = {"horizon": Goal.Horizon.LONG, "text": "Fler verksamheter samverkar"}
    defaults.update(kwargs)
    return Goal.objects.create(priority=p, **defaults)


def indicator(p: PlanPriority, **kwargs) -> Indicator:
    defaults = {
        "name": f"Indikator {p.pk}",
        "unit": "procent",
        "baseline_year": 2023,
        "baseline": Decimal("40"),
        "target_year": 2026,
        "target": Decimal("60"),
    }
    defaults.update(kwargs)
    return Indicator.objects.create(priority=p, **defaults)


def whole_plan(owner, *, areas: int = 2, priorities: int = 2, **kwargs) -> ActionPlan:
    """A plan with `areas` målområden of `priorities` priorities, each with an activity, a
    goal and an indicator with one value."""
    p = plan(owner, **kwargs)
    for _ in range(areas):
        area = goal_area(p)
        for _ in range(priorities):
            prio = priority(area)
            activity(prio)
            g = goal(prio, measurable=True)
            ind = indicator(prio, goal=g)
            ind.values.create(year=2024, value=Decimal("45"))
    return p
