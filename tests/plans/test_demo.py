"""The demo's Inriktning 2024–2026: word for word from seed 000, loaded idempotently."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from funds.models import Allocation, Intervention, Organisation
from plans.demo import plan_demo_data, plan_demo_load
from plans.models import ActionPlan, GoalArea, PlanPriority
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seeds/000_bea6e6670e2b6b06.txt")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEED.exists(), reason="seed 000 is not available here")
def test_every_name_and_text_is_word_for_word_from_the_seed():
    seed = _words(SEED.read_text(encoding="utf-8"))
    for area in plan_demo_data()["goal_areas"]:
        assert f"Målområde {area['number']} - " in seed
        # Headings break across lines in the seed ("Befolkningens hälsa ska \n förbättras").
        assert _words(area["name"]) in seed, area["name"]
        for paragraph in area["description"].split("\n\n"):
            assert _words(paragraph) in seed, paragraph
        for name in area["priorities"]:
            assert _words(name) in seed, name


def test_the_inriktning_has_five_goal_areas_and_all_their_priorities():
    goal_areas = plan_demo_data()["goal_areas"]
    assert [area["number"] for area in goal_areas] == [1, 2, 3, 4, 5]
    assert [len(area["priorities"]) for area in goal_areas] == [3, 2, 7, 3, 3]
    assert (
        "Begränsad tillgänglighet till medel och metoder för suicid" in goal_areas[2]["priorities"]
    )


def test_it_loads_once_and_a_second_run_changes_nothing():
    org = Organisation.objects.create(name="Stockholms stad", kind="kommun", code="0180")
    first = plan_demo_load(org)
    assert first.created == 1 + 5 + 18 + 1 + 2  # plan, areas, priorities, indicator, values
    second = plan_demo_load(org)
    assert (second.created, second.updated) == (0, 0)
    plan = ActionPlan.objects.get()
    assert (plan.title, plan.period, plan.scope, plan.status) == (
        "Inriktning för psykisk hälsa och suicidprevention 2024–2026",
        "2024\u20132026",
        "county",
        "active",
    )
    assert GoalArea.objects.count() == 5
    assert PlanPriority.objects.count() == 18


def test_it_restores_a_changed_name():
    org = Organisation.objects.create(name="Stockholms stad", kind="kommun", code="0180")
    plan_demo_load(org)
    PlanPriority.objects.filter(number=7, goal_area__number=3).update(name="Ändrad")
    assert plan_demo_load(org).updated == 1
    assert (
        PlanPriority.objects.get(number=7, goal_area__number=3).name
        == "Begränsad tillgänglighet till medel och metoder för suicid"
    )


def test_the_command_needs_the_funds_demo():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_plans", stdout=StringIO())


def test_the_command_links_the_2023_demo_money_idempotently():
    demo_restore()
    out = StringIO()
    call_command("load_demo_plans", stdout=out)
    assert "13 insatser" in out.getvalue()
    linked = Intervention.objects.filter(plan_priorities__isnull=False).distinct()
    assert set(linked.values_list("name", flat=True)) == set(plan_demo_data()["links_2023"])
    links = Intervention.plan_priorities.through.objects.count()
    allocation_links = Allocation.plan_priorities.through.objects.count()
    out = StringIO()
    call_command("load_demo_plans", stdout=out)
    assert "Inget ändrades" in out.getvalue()
    assert Intervention.plan_priorities.through.objects.count() == links
    assert Allocation.plan_priorities.through.objects.count() == allocation_links
    # Each allocation serves exactly its insatser's priorities.
    for intervention in Intervention.objects.filter(plan_priorities__isnull=False).distinct():
        allocation = intervention.follow_up.allocation
        assert set(intervention.plan_priorities.all()) <= set(allocation.plan_priorities.all())
