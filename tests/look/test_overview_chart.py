"""The year overview shows, not only tells: a chart per priority area beside the table, and
how far the follow-up has come, from one aggregate query."""

import re

import pytest
from django.urls import reverse

from funds.overview import follow_up_progress
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def agr():
    org = f.organisation()
    agr = f.agreement(org, 2024, status="follow_up")
    area_1, area_2 = f.area(agr, "1000000.00"), f.area(agr, "500000.00")
    statuses = [None, None, "draft", "submitted", "submitted", "returned", "approved"]
    for index, status in enumerate(statuses):
        alloc = f.allocation(area_1 if index % 2 else area_2, f.recipient(org), "100000.00")
        if status:
            f.follow_up(alloc, "50000.00", status=status)
    return agr


def test_progress_counts_every_state_in_one_query(agr, django_assert_num_queries):
    with django_assert_num_queries(1):
        total, progress = follow_up_progress(agr)
    assert total == 7
    assert [(step.label, step.count) for step in progress] == [
        ("Ej påbörjad", 2),
        ("Utkast", 1),
        ("Inskickad", 2),
        ("Återsänd", 1),
        ("Godkänd", 1),
    ]
    # The stacked bar's segments fill it exactly.
    assert sum(step.width for step in progress) == 1000
    assert progress[-1].x + progress[-1].width == 1000


def test_the_page_draws_the_chart_and_the_progress(client, agr):
    client.force_login(f.user(agr.organisation))
    body = client.get(reverse("year_overview", args=[agr.organisation.code, 2024])).content
    html = body.decode()
    labels = "oversikt-diagram-titel oversikt-diagram-beskrivning"
    assert f'role="img" aria-labelledby="{labels}"' in html
    assert '<title id="oversikt-diagram-titel">Tilldelat, fördelat, förbrukat och' in html
    # Four bars per area (granted, allocated, spent, repaid), two areas.
    chart = html[html.index('id="oversikt-diagram-titel"') : html.index("</svg>")]
    assert len(re.findall(r'<rect x="36" y="\d+" width="\d+" height="10"', chart)) == 6  # no repaid
    # Each area is named above its bars, and a zero amount gets no "0,0 mnkr" label.
    for area in agr.priority_areas.all():
        assert f">{area.number}. {area.name}</text>" in chart
    assert "0,0\u00a0mnkr" not in chart and "0,0 mnkr" not in chart
    assert "Redovisningar 2024" in html
    assert "<dt>" in html and "Inskickad</dt><dd>2</dd>" in html
    assert "inskickad 2" in html  # in the stacked bar's text alternative
