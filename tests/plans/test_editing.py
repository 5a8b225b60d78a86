"""Editing a plan in the browser: every part, form errors instead of 500s, values per year."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Activity, Goal, GoalArea, Indicator, IndicatorValue, PlanPriority
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return f.organisation(name="Planstad")


@pytest.fixture
def coordinator(client, org):
    client.force_login(f.user(org, "coordinator"))
    return client


def test_it_builds_a_plan_part_by_part(coordinator, org):
    plan = pf.plan(org)
    code = org.code
    response = coordinator.post(
        reverse("goal_area_create", args=[code, plan.pk]),
        {"number": "1", "name": "Sömlös vård och omsorg", "description": "Text"},
    )
    area = GoalArea.objects.get(plan=plan)
    assert response.url.endswith(f"#malomrade-{area.pk}")
    coordinator.post(
        reverse("priority_create", args=[code, plan.pk, area.pk]),
        {"number": "1", "name": "Tydliga överlämningar"},
    )
    priority = PlanPriority.objects.get(goal_area=area)
    coordinator.post(
        reverse("activity_create", args=[code, plan.pk, priority.pk]),
        {"kind": "ongoing", "text": "Nätverksträffar", "responsible": "UPH", "position": "0"},
    )
    coordinator.post(
        reverse("goal_create", args=[code, plan.pk, priority.pk]),
        {"horizon": "short", "text": "Ökad kunskap", "measurable": "on", "position": "0"},
    )
    goal = Goal.objects.get(priority=priority)
    response = coordinator.post(
        reverse("indicator_create", args=[code, plan.pk, priority.pk]),
        {
            "name": "Andel med rutin",
            "unit": "procent",
            "goal": str(goal.pk),
            "baseline_year": "2023",
            "baseline": "12,5",
            "target_year": "2026",
            "target": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()
    indicator = Indicator.objects.get(priority=priority)
    assert indicator.baseline == Decimal("12.5")
    assert Activity.objects.get(priority=priority).kind == "ongoing"
    assert goal.measurable

    page = coordinator.get(reverse("plan_detail", args=[code, plan.pk])).content.decode()
    for text in ("Sömlös vård och omsorg", "1.1 Tydliga överlämningar", "Nätverksträffar",
                 "Kortsiktigt mål", "Andel med rutin", "12,5 (2023)", "50 (2026)"):  # fmt: skip
        assert text in page


def test_a_duplicate_number_is_a_form_error_not_a_500(coordinator, org):
    plan = pf.plan(org)
    pf.goal_area(plan, number=1)
    response = coordinator.post(
        reverse("goal_area_create", args=[org.code, plan.pk]), {"number": "1", "name": "Ny"}
    )
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
    assert GoalArea.objects.filter(plan=plan).count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(coordinator, org):
    plan = pf.plan(org)
    response = coordinator.post(
        reverse("plan_edit", args=[org.code, plan.pk]),
        {
            "title": "X",
            "scope": "local",
            "period_start": "2026",
            "period_end": "2024",
            "status": "draft",
        },  # fmt: skip
    )
    assert response.status_code == 422
    assert "Slutåret ligger före startåret." in response.content.decode()


def test_an_indicator_only_offers_the_goals_of_its_priority(coordinator, org):
    plan = pf.plan(org)
    area = pf.goal_area(plan)
    mine, other = pf.priority(area), pf.priority(area)
    other_goal = pf.goal(other, text="Annat mål")
    response = coordinator.post(
        reverse("indicator_create", args=[org.code, plan.pk, mine.pk]),
        {"name": "X", "unit": "antal", "goal": str(other_goal.pk)},
    )
    assert response.status_code == 422
    assert not Indicator.objects.exists()


def test_indicator_values_per_year_against_baseline_and_target(coordinator, org):
    plan = pf.plan(org)
    indicator = pf.indicator(pf.priority(pf.goal_area(plan)))
    url = reverse("indicator_detail", args=[org.code, plan.pk, indicator.pk])
    assert coordinator.post(url, {"year": "2024", "value": "45,5"}).status_code == 302
    # The same year again corrects the value instead of failing on the unique constraint.
    assert coordinator.post(url, {"year": "2024", "value": "47"}).status_code == 302
    assert coordinator.post(url, {"year": "2025", "value": "52"}).status_code == 302
    assert list(IndicatorValue.objects.values_list("year", "value")) == [
        (2024, Decimal("47.00")),
        (2025, Decimal("52.00")),
    ]
    page = coordinator.get(url).content.decode()
    assert "Utgångsvärde 2023" in page and "Målvärde 2026" in page
    assert "+7" in page  # 47 against the baseline 40
    assert "+12" in page and ">+8<" in page  # 2025: 52 − 40, and 8 left to 60


@pytest.mark.parametrize(
    ("year", "value"), [("tjugo", "1"), ("1999", "1"), ("2024", "abc"), ("", "")]
)
def test_a_bad_value_is_a_form_error(coordinator, org, year, value):
    plan = pf.plan(org)
    indicator = pf.indicator(pf.priority(pf.goal_area(plan)))
    url = reverse("indicator_detail", args=[org.code, plan.pk, indicator.pk])
    response = coordinator.post(url, {"year": year, "value": value})
    assert response.status_code == 422
    assert not IndicatorValue.objects.exists()


def _detail_queries(client, org, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plan_detail", args=[org.code, plan.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_plan_page_needs_the_same_queries_for_any_size(coordinator, org):
    small = pf.whole_plan(org, title="Liten", areas=1, priorities=1)
    large = pf.whole_plan(org, title="Stor", areas=4, priorities=5)
    assert _detail_queries(coordinator, org, small) == _detail_queries(coordinator, org, large)


@pytest.mark.parametrize(
    ("value", "signed", "shown"),
    [
        (Decimal("12.50"), "", "12,5"),
        (Decimal("1250.00"), "", "1\u00a0250"),
        (Decimal("100"), "", "100"),
        (Decimal("-3.25"), "signed", "\u22123,25"),
        (Decimal("7"), "signed", "+7"),
        (Decimal("0.00"), "signed", "0"),
        (None, "", "\u2013"),
    ],
)
def test_indicator_figures_are_written_the_swedish_way(value, signed, shown):
    from plans.templatetags.plan_numbers import figure

    assert figure(value, signed) == shown


def test_an_empty_form_says_what_is_missing(coordinator, org):
    response = coordinator.post(reverse("plan_create", args=[org.code]), {})
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
