"""Who may read and change plans: members read (a reporter too: plans hold no money),
administrators and coordinators change, everyone else gets 404 (outsiders) or 403."""

import pytest
from django.urls import reverse

from funds import access as funds_access
from plans import access
from plans.models import ActionPlan, GoalArea
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return f.organisation(name="Planstad")


@pytest.fixture
def plan(org):
    p = pf.whole_plan(org, areas=1, priorities=1)
    return p


def _edit_urls(plan):
    area = plan.goal_areas.get()
    priority = area.priorities.get()
    code, pid = plan.owner.code, plan.pk
    return [
        reverse("plan_create", args=[code]),
        reverse("plan_edit", args=[code, pid]),
        reverse("goal_area_create", args=[code, pid]),
        reverse("goal_area_edit", args=[code, pid, area.pk]),
        reverse("priority_create", args=[code, pid, area.pk]),
        reverse("priority_edit", args=[code, pid, priority.pk]),
        reverse("activity_create", args=[code, pid, priority.pk]),
        reverse("activity_edit", args=[code, pid, priority.activities.get().pk]),
        reverse("goal_create", args=[code, pid, priority.pk]),
        reverse("goal_edit", args=[code, pid, priority.goals.get().pk]),
        reverse("indicator_create", args=[code, pid, priority.pk]),
        reverse("indicator_edit", args=[code, pid, priority.indicators.get().pk]),
    ]


def _read_urls(plan):
    indicator = plan.goal_areas.get().priorities.get().indicators.get()
    code = plan.owner.code
    return [
        reverse("plan_list", args=[code]),
        reverse("plan_detail", args=[code, plan.pk]),
        reverse("indicator_detail", args=[code, plan.pk, indicator.pk]),
    ]


def test_the_role_names_match_funds():
    assert access.EDITOR_ROLES == funds_access.EDITOR_ROLES
    assert access.VIEWER_ROLES == funds_access.VIEWER_ROLES


def test_plans_never_import_funds_or_reporting():
    """STYLE.md: plans ← funds ← reporting."""
    import ast
    from pathlib import Path

    root = Path(access.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("funds", "reporting")), (path, name)


def test_an_anonymous_visitor_is_sent_to_login(client, plan):
    for url in _read_urls(plan) + _edit_urls(plan):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["admin", "coordinator", "reader"])
def test_it_checks_ownership(client, plan, role):
    client.force_login(f.user(f.organisation(name="Grannstad"), role))
    for url in _read_urls(plan) + _edit_urls(plan):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url


@pytest.mark.parametrize("role", ["reader", "reporter"])
def test_readers_and_reporters_read_but_do_not_edit(client, org, plan, role):
    rec = f.recipient(org) if role == "reporter" else None
    client.force_login(f.user(org, role, recipient=rec))
    for url in _read_urls(plan):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Redigera" not in response.content.decode()
        assert "Ny handlingsplan" not in response.content.decode()
    for url in _edit_urls(plan):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x"}).status_code == 403, url
    indicator_url = _read_urls(plan)[2]
    assert client.post(indicator_url, {"year": "2025", "value": "1"}).status_code == 403


def test_a_part_of_another_plan_is_not_found(client, org, plan):
    """A goal area id from another plan of the same organisation answers 404 under this one."""
    other = pf.whole_plan(org, title="Annan plan", areas=1, priorities=1)
    client.force_login(f.user(org, "coordinator"))
    other_area = other.goal_areas.get()
    url = reverse("goal_area_edit", args=[org.code, plan.pk, other_area.pk])
    assert client.get(url).status_code == 404
    other_priority = other_area.priorities.get()
    url = reverse("activity_create", args=[org.code, plan.pk, other_priority.pk])
    assert client.post(url, {"kind": "ongoing", "text": "x"}).status_code == 404
    assert not other_priority.activities.filter(text="x").exists()


def test_a_coordinator_creates_a_plan_for_their_organisation_only(client, org):
    client.force_login(f.user(org, "coordinator"))
    response = client.post(
        reverse("plan_create", args=[org.code]),
        {
            "title": "Lokal handlingsplan",
            "scope": "local",
            "period_start": "2024",
            "period_end": "2026",
            "status": "draft",
            "owner": "999",  # not a field: ignored
        },
    )
    plan = ActionPlan.objects.get(title="Lokal handlingsplan")
    assert plan.owner == org
    assert response.status_code == 302
    assert response.url == reverse("plan_detail", args=[org.code, plan.pk])
    assert not GoalArea.objects.exists()
