"""The coverage page /<code>/<year>/tackning/: access, the demo's 2023 figures, markup."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funds.models import Allocation, Organisation
from funds.money import format_kr
from plans.demo import plan_demo_data
from reporting.coverage import coverage_build
from tests import factories as f
from tests.demo_image import demo_restore
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = f.organisation(name="Täckningsstad")
    f.agreement(org, 2023)
    pf.whole_plan(org, areas=1, priorities=2)
    return org


def _url(org, year=2023):
    return reverse("coverage", args=[org.code, year])


def test_an_anonymous_visitor_is_sent_to_login(client, org):
    response = client.get(_url(org))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_checks_ownership(client, org):
    client.force_login(f.user(f.organisation(name="Grannstad"), "admin"))
    assert client.get(_url(org)).status_code == 404


def test_a_reporter_may_not_see_it(client, org):
    client.force_login(f.user(org, "reporter", recipient=f.recipient(org)))
    assert client.get(_url(org)).status_code == 403


@pytest.mark.parametrize("role", ["reader", "coordinator", "admin"])
def test_viewers_see_it(client, org, role):
    client.force_login(f.user(org, role))
    response = client.get(_url(org))
    assert response.status_code == 200
    assert "Inget finansierat arbete" in response.content.decode()


def test_a_year_without_an_agreement_is_not_found(client, org):
    client.force_login(f.user(org, "coordinator"))
    assert client.get(_url(org, 2031)).status_code == 404


def test_without_an_active_plan_it_says_so(client, org):
    org.action_plans.update(status="draft")
    client.force_login(f.user(org, "reader"))
    page = client.get(_url(org)).content.decode()
    assert "ingen gällande handlingsplan" in page


@pytest.fixture
def demo(client):
    demo_restore()
    call_command("load_demo_plans", stdout=StringIO())
    client.force_login(f.user(Organisation.objects.get(code="0180"), "reader"))
    return Organisation.objects.get(code="0180")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_2023_shows_every_priority_its_money_and_which_have_none(client, demo):
    response = client.get(_url(demo))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    for area in plan_demo_data()["goal_areas"]:
        assert f"Målområde {area['number']} – {area['name']}" in text
        for number, name in enumerate(area["priorities"], start=1):
            assert f"{area['number']}.{number} {name}" in text, name

    coverage = coverage_build(organisation=demo, year=2023)
    assert len(coverage.rows) == 18
    unfunded = {row.priority.code for row in coverage.unfunded}
    assert "3.7" in unfunded  # Begränsad tillgänglighet till medel och metoder för suicid
    assert {"3.1", "3.2", "3.3", "3.5", "3.6", "4.1", "1.2", "2.1"}.isdisjoint(unfunded)
    section = html[
        html.index('id="utan-arbete"') : html.index("</section>", html.index('id="utan-arbete"'))
    ]
    assert "Begränsad tillgänglighet till medel och metoder för suicid" in section
    assert html.count("Inget finansierat arbete</span>") == len(unfunded)

    # The figures add up to the allocations that carry links, to the öre.
    linked = (
        Allocation.objects.filter(
            priority_area__agreement__organisation=demo,
            priority_area__agreement__year=2023,
            plan_priorities__isnull=False,
        )
        .distinct()
        .aggregate(total=Sum("amount"))["total"]
    )
    assert linked > 0
    assert sum((row.current.allocated for row in coverage.rows), Decimal(0)) == linked
    assert sum((area.total.allocated for area in coverage.goal_areas), Decimal(0)) == linked
    assert coverage.total.allocated == linked
    shown = format_kr(linked).replace("\xa0", " ")
    assert f"Totalt med koppling {coverage.total.interventions} {shown}" in text
    # The priority with money shared by two (3.5 and 3.6, elevhälsan) gets exactly its half.
    assert coverage.unlinked_allocated + linked == Decimal("45200000.00")


def test_the_page_explains_how_shared_money_is_counted(client, demo):
    text = _text(client.get(_url(demo)).content.decode())
    assert "delas lika" in text and "går därför att summera" in text


def test_the_chart_is_an_image_with_a_name_and_the_table_has_headers(client, demo):
    html = client.get(_url(demo)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="diagram-titel diagram-beskrivning"' in svg
    assert '<title id="diagram-titel">' in svg
    assert "<script" not in svg and "style=" not in html
    assert svg.count(">inget finansierat arbete</text>") == 10
    assert '<th scope="row">3.7 Begränsad' in html
    assert "<caption" in html and 'scope="rowgroup"' in html


def test_it_compares_the_years(client, demo):
    html = client.get(_url(demo, 2024)).content.decode()
    assert 'id="jamforelse-caption"' in html
    assert f'href="{_url(demo, 2023)}"' in html


def _page_queries(client, org) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(org)).status_code == 200
    return len(queries)


def test_the_page_needs_the_same_queries_for_any_size(client, org):
    client.force_login(f.user(org, "coordinator"))
    small = _page_queries(client, org)
    plan = org.action_plans.get()
    area = f.area(org.agreements.get(year=2023), "100000")
    for _ in range(10):
        priority = pf.priority(pf.goal_area(plan))
        alloc = f.allocation(area, f.recipient(org), "1000.00")
        alloc.plan_priorities.set([priority])
    f.agreement(org, 2024)
    assert _page_queries(client, org) == small == 7
