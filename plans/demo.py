"""Loads the demo's action plan (demo_data/inriktning.toml) and links it to the funds demo.

`plan_demo_load(organisation)` is idempotent: rows are found by natural key and written only
when missing or different. The data file says what is seed 000's word for word and what is
invented for the demo.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model

from plans.models import ActionPlan, GoalArea, Indicator, IndicatorValue, PlanPriority

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "inriktning.toml"


def plan_demo_data() -> dict[str, Any]:
    """The parsed data file: the plan, its goal areas and priorities, indicator and links."""
    with open(DATA_FILE, "rb") as file:
        return tomllib.load(file)


class PlanDemoError(Exception):
    """The demo cannot be loaded (e.g. the funds demo is missing)."""


@dataclass(frozen=True)
class PlanDemoSummary:
    plan: ActionPlan
    created: int
    updated: int
    linked_interventions: int = 0


def _upsert(model, lookup: dict, values: dict, counts: list[int]):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counts[0] += 1
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        counts[1] += 1
    return obj


@transaction.atomic
def plan_demo_load(organisation: Model) -> PlanDemoSummary:
    """Load (or restore) the Inriktning 2024–2026 as the organisation's active plan."""
    data = plan_demo_data()
    counts = [0, 0]
    plan = _upsert(
        ActionPlan,
        {"owner": organisation, "title": data["title"], "period_start": data["period_start"]},
        {
            "period_end": data["period_end"],
            "scope": data["scope"],
            "status": data["status"],
            "description": data["description"],
        },
        counts,
    )
    priorities = {}
    for goal_area in data["goal_areas"]:
        area = _upsert(
            GoalArea,
            {"plan": plan, "number": goal_area["number"]},
            {"name": goal_area["name"], "description": goal_area["description"]},
            counts,
        )
        for number, name in enumerate(goal_area["priorities"], start=1):
            priorities[f"{goal_area['number']}.{number}"] = _upsert(
                PlanPriority, {"goal_area": area, "number": number}, {"name": name}, counts
            )
    _load_indicator(data["indicator"], priorities, counts)
    return PlanDemoSummary(plan=plan, created=counts[0], updated=counts[1])


def _load_indicator(
    data: dict[str, Any], priorities: dict[str, PlanPriority], counts: list[int]
) -> None:
    lookup = {"priority": priorities[data["priority"]], "name": data["name"]}
    # Only created, never updated: users enter and correct indicator values in the app.
    if Indicator.objects.filter(**lookup).exists():
        return
    indicator = _upsert(
        Indicator,
        lookup,
        {
            "unit": data["unit"],
            "baseline_year": data["baseline_year"],
            "baseline": Decimal(data["baseline"]),
            "target_year": data["target_year"],
            "target": Decimal(data["target"]),
            "source": data["source"],
        },
        counts,
    )
    for year, value in data["values"].items():
        _upsert(
            IndicatorValue,
            {"indicator": indicator, "year": int(year)},
            {"value": Decimal(value)},
            counts,
        )


@transaction.atomic
def plan_demo_link_funds(organisation: Model, plan: ActionPlan) -> int:
    """Link funds' 2023 demo insatser, and the fördelningar they report on, to priorities.

    The links are funds' rows (funds points at plans). plans never imports funds, so the
    Intervention model comes from the app registry; this belongs in funds/demo/ once its
    owner takes it. Links are only added, never removed: a second run changes nothing, and
    links made in the app stay.
    """
    links = plan_demo_data()["links_2023"]
    intervention_model = apps.get_model("funds", "Intervention")
    priorities = {
        p.code: p
        for p in PlanPriority.objects.filter(goal_area__plan=plan).select_related("goal_area")
    }
    interventions = {
        i.name: i
        for i in intervention_model.objects.filter(
            name__in=links,
            follow_up__allocation__priority_area__agreement__organisation=organisation,
            follow_up__allocation__priority_area__agreement__year=2023,
        ).select_related("follow_up__allocation")
    }
    missing = set(links) - set(interventions)
    if missing:
        raise PlanDemoError(
            "Demons insatser för 2023 saknas (kör load_demo först): " + ", ".join(sorted(missing))
        )
    for name, codes in links.items():
        targets = [priorities[code] for code in codes]
        intervention = interventions[name]
        intervention.plan_priorities.add(*targets)
        intervention.follow_up.allocation.plan_priorities.add(*targets)
    return len(interventions)
