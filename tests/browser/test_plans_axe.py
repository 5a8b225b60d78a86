"""axe-core on the plan pages and the coverage page, with the demo plan loaded: zero WCAG 2.1
A/AA violations, at desktop width and at 320 px; at 320 px no page is wider than the viewport,
lists are cards, and no page shows English interface words.

The shared suite (tests/browser/test_accessibility.py) asks for a screen for every URL; until
these pages have theirs there, this file is where they are checked.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from plans.models import ActionPlan, Activity, Goal, Indicator, PlanPriority
from tests.browser.support import DESKTOP, describe_violations, narrow_cells, run_axe, sign_in
from tests.browser.test_accessibility import ENGLISH_UI, PAGE_TEXT

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 800}


def _check(screen: Page, name: str) -> list[str]:
    problems = describe_violations(run_axe(screen))
    english = sorted(set(ENGLISH_UI.findall(screen.evaluate(PAGE_TEXT))))
    screen.set_viewport_size(REFLOW)
    try:
        narrow = describe_violations(run_axe(screen))
        width = screen.evaluate("document.documentElement.scrollWidth")
        cells = narrow_cells(screen)
    finally:
        screen.set_viewport_size(DESKTOP)
    if width > REFLOW["width"]:
        narrow += f"\n{width} px wide at {REFLOW['width']} px"
    if cells:
        narrow += f"\n{len(cells)} cells do not read at 320 px (not cards): {cells[:8]}"
    if english:
        problems += f"\nEnglish words: {english}"
    return [f"{name} ({screen.url}):\n{text}" for text in (problems, narrow) if text]


def test_plan_and_coverage_pages_have_no_wcag_violations(page: Page, live_server, demo):  # noqa: F811
    call_command("load_demo_plans", stdout=StringIO())
    plan = ActionPlan.objects.get()
    priority = PlanPriority.objects.get(goal_area__number=3, number=7)
    indicator = Indicator.objects.get()
    activity = Activity.objects.create(priority=priority, kind="ongoing", text="Nätverk")
    goal = Goal.objects.create(priority=priority, horizon="short", text="Ökad kunskap")
    base = f"/0180/planer/{plan.pk}/"
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(r.url) if r.status >= 500 else 0)
    sign_in(page, live_server.url, "samordnare")
    problems: list[str] = []

    screens = {
        "plan-list": "/0180/planer/",
        "plan-detail": base,
        "plan-create": "/0180/planer/ny/",
        "plan-edit": f"{base}redigera/",
        "goal-area-create": f"{base}malomraden/ny/",
        "goal-area-edit": f"{base}malomraden/{priority.goal_area_id}/",
        "priority-create": f"{base}malomraden/{priority.goal_area_id}/prioriteringar/ny/",
        "activity-edit": f"{base}aktiviteter/{activity.pk}/",
        "goal-edit": f"{base}mal/{goal.pk}/",
        "indicator-edit": f"{base}indikatorer/{indicator.pk}/redigera/",
        "priority-edit": f"{base}prioriteringar/{priority.pk}/",
        "activity-create": f"{base}prioriteringar/{priority.pk}/aktiviteter/ny/",
        "goal-create": f"{base}prioriteringar/{priority.pk}/mal/ny/",
        "indicator-create": f"{base}prioriteringar/{priority.pk}/indikatorer/ny/",
        "indicator-detail": f"{base}indikatorer/{indicator.pk}/",
        "coverage-2023": "/0180/2023/tackning/",
        "coverage-2024": "/0180/2024/tackning/",
    }
    for name, url in screens.items():
        response = page.goto(url)
        assert response.status == 200, (name, response.status)
        problems += _check(page, name)

    # Error states: a form sent back with errors.
    page.goto(f"{base}malomraden/ny/")
    page.locator("#id_number").fill("3")
    page.locator("#id_name").fill("Dubblett")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "goal-area-duplicate")

    page.goto(f"{base}indikatorer/{indicator.pk}/")
    page.locator("#id_year").fill("1999")
    page.locator("#id_value").fill("abc")
    page.get_by_role("button", name="Spara värdet").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "indicator-value-error")

    assert not server_errors, server_errors
    assert not problems, "\n".join(problems)
