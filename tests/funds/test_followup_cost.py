"""The reporter's report page costs about the same whatever the number of insatser: each
saved insats is one summary row, and only the insats being edited renders its form with the
enkät's categories (before, 200 insatser took 4,0 s of CPU and 4,6 MB against 0,04 s and
50 kB for one)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funds.models import Agreement, Intervention, SurveyCategory
from tests import factories as f
from tests.cost import cpu_seconds

pytestmark = pytest.mark.django_db


def report_with(agreement, count: int) -> str:
    """A report of `count` insatser, each with three of the national enkät's categories."""
    recipient = f.recipient(agreement.organisation)
    allocation = f.allocation(agreement.priority_areas.get(), recipient, "4000000.00")
    follow_up = f.follow_up(allocation, None)
    categories = list(SurveyCategory.objects.filter(year=agreement.year).order_by("pk")[:3])
    made = Intervention.objects.bulk_create(
        Intervention(follow_up=follow_up, name=f"Insats nummer {n}", amount_spent=Decimal(100))
        for n in range(count)
    )
    through = Intervention.categories.through
    through.objects.bulk_create(
        through(intervention_id=i.pk, surveycategory_id=c.pk) for i in made for c in categories
    )
    return reverse("followup_edit", args=[agreement.organisation.code, 2024, allocation.pk])


def cost(client, url: str) -> tuple[float, int, str]:
    """The least CPU time of three renders (what the code costs, not what the machine's
    other work added), the queries of one, and its text."""
    client.get(url)
    runs = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            response, seconds = cpu_seconds(lambda: client.get(url))
        assert response.status_code == 200
        runs.append(seconds)
    return min(runs), len(queries), response.content.decode()


def test_two_hundred_insatser_cost_about_what_one_does(client):
    org = f.organisation()
    agreement = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    f.area(agreement, "9000000.00")
    assert SurveyCategory.objects.filter(year=2024).count() > 40  # the national enkät
    one, many = report_with(agreement, 1), report_with(agreement, 200)
    client.force_login(f.user(org, "coordinator"))

    cpu_one, queries_one, _ = cost(client, one)
    cpu_many, queries_many, body = cost(client, many)

    assert queries_many == queries_one
    # Measured 0,015 s and 0,041 s (2,7×); the old page took 4,0 s for 200 (95×).
    assert cpu_many < 5 * cpu_one, (cpu_one, cpu_many)
    assert cpu_many < 0.5, cpu_many
    assert body.count('<tr id="insats-') == 200 and "Insats nummer 199" in body
    assert 'type="checkbox"' not in body  # no insats renders its form here
    assert "20\u00a0000\u00a0kr" in body  # the insatser's sum
